package exprs

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Memory limits of expressions. A flow is data an attacker may write and a
// webhook is data an attacker may send, so every builtin that can build a
// value larger than its arguments computes the size of its result first and
// refuses before it allocates.
const (
	// MaxValue bounds one string (in bytes) or list or map (in elements)
	// that a builtin, `+` or an interpolation builds. It is expr-lang's own
	// per-evaluation budget (conf.DefaultMemoryBudget, 1e6), which already
	// bounds ranges, list and map literals and map/filter results.
	MaxValue = 1_000_000

	// MaxMemory bounds the bytes the builtins of one webhook (at run time)
	// or of one flow's compile-time values (consts and expressions that read
	// only consts) may build in all: strings count their bytes, lists and
	// maps ElementBytes per element. At run time the values set keeps in
	// variables count too (Budget.Keep).
	MaxMemory = 16 << 20

	// ElementBytes is what one list element or map entry is counted as.
	ElementBytes = 16
)

// BudgetName is the environment name under which an evaluation's *Budget is
// passed to the builtins. It has a space, so no expression can name it.
const BudgetName = "callflow memory"

// ErrMemory is the error every memory limit wraps.
var ErrMemory = errors.New("memory limit")

// MemoryError says which builtin would have built what.
type MemoryError struct {
	Func  string // the builtin, "+", "..", "${…}", "set"; "" for CheckValue
	Size  int    // what it would have built, in the units of Limit
	Limit int
	Unit  string // "bytes" or "elements"
	Total bool   // Limit is MaxMemory, the budget of the webhook or flow
}

// Error names what would have been built and the limit it is over.
func (e *MemoryError) Error() string {
	if e.Func == "" {
		return fmt.Sprintf("the value would print as more than %d bytes", e.Limit)
	}
	if e.Total {
		return fmt.Sprintf("%s would bring the memory built by expressions to %d bytes, over the %d-byte budget", e.Func, e.Size, e.Limit)
	}
	return fmt.Sprintf("%s would build %d %s, over the limit of %d", e.Func, e.Size, e.Unit, e.Limit)
}

// Unwrap makes errors.Is(err, ErrMemory) true.
func (e *MemoryError) Unwrap() error { return ErrMemory }

// IsMemory reports whether err is a memory limit: one of ours, or expr-lang's
// own per-evaluation budget (ranges, list literals, map/filter results),
// which it reports as a bare message.
func IsMemory(err error) bool {
	return err != nil && (errors.Is(err, ErrMemory) || strings.Contains(err.Error(), "memory budget exceeded"))
}

// MemoryMessage is the sentence of a memory limit error, without expr-lang's
// position and source excerpt (the caller knows the .flow position).
func MemoryMessage(err error) string {
	var me *MemoryError
	if errors.As(err, &me) {
		return me.Error()
	}
	return fmt.Sprintf("the expression builds lists of more than %d elements in all", MaxValue)
}

// CheckValue checks a value an expression yields, before it is said, kept
// in the session or printed: a list may hold the same large string a
// thousand times without building anything, and print as a gigabyte.
func CheckValue(v any) error {
	switch v.(type) {
	case nil, string, bool, int, int64, float64, time.Time, time.Duration:
		return nil
	}
	if textSize(v, MaxValue) > MaxValue {
		return &MemoryError{Limit: MaxValue, Unit: "bytes"}
	}
	return nil
}

// Budget counts the bytes builtins build during one webhook or while one
// flow compiles. The zero value is a full budget. A nil *Budget checks each
// value against MaxValue only.
type Budget struct {
	used int
	call *CallValues // what random, pick, secret and env read; nil: none
}

// Used is the bytes counted so far.
func (b *Budget) Used() int {
	if b == nil {
		return 0
	}
	return b.used
}

// take checks that fn may build size units (bytes, or elements when
// elements is true) and counts them.
func (b *Budget) take(fn string, size int, elements bool) error {
	unit, bytes := "bytes", size
	if elements {
		unit, bytes = "elements", mulBytes(size, ElementBytes)
	}
	if size > MaxValue || size < 0 {
		return &MemoryError{Func: fn, Size: size, Limit: MaxValue, Unit: unit}
	}
	if b == nil {
		return nil
	}
	if b.used+bytes > MaxMemory {
		return &MemoryError{Func: fn, Size: b.used + bytes, Limit: MaxMemory, Unit: "bytes", Total: true}
	}
	b.used += bytes
	return nil
}

// Keep counts a value a webhook keeps (in a session variable) by the bytes
// it prints as.
func (b *Budget) Keep(v any) error {
	switch x := v.(type) {
	case nil, bool, int, int64, float64, time.Time, time.Duration:
		return nil
	case string:
		return b.take("set", len(x), false)
	}
	return b.take("set", textSize(v, MaxValue), false)
}

// mulBytes is a*b, saturated instead of overflowing.
func mulBytes(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	if b != 0 && a > (1<<62)/b {
		return 1 << 62
	}
	return a * b
}

// textSize is an upper estimate of the bytes v prints as (with fmt or as
// JSON), counted until it passes limit: strings by length (with quotes and
// commas), numbers and booleans as 22 bytes, lists and maps by their
// elements, a struct (a time) as 32 bytes a field.
func textSize(v any, limit int) int {
	n := 0
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if n > limit {
			return
		}
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
			n += 4
		case reflect.String:
			n += v.Len() + 3
		case reflect.Slice, reflect.Array:
			n += 2
			for i := 0; i < v.Len() && n <= limit; i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			n += 2
			for it := v.MapRange(); it.Next() && n <= limit; {
				walk(it.Key())
				walk(it.Value())
			}
		case reflect.Struct:
			n += 32 * max(v.NumField(), 1)
		default: // numbers and booleans: 20 digits, a sign, a comma
			n += 22
		}
	}
	walk(reflect.ValueOf(v))
	return n
}
