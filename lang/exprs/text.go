package exprs

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Text formats a value the way a person would say it: strings as they are,
// integers without decimals, decimals without trailing zeros, nothing for nil.
// It renders interpolations, say text and Tencent variables alike.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.Format("2006-01-02 15:04")
	case time.Duration:
		return x.String()
	}
	return fmt.Sprint(v)
}
