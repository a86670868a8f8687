package redisstore

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// SetLogger sends what go-redis logs (failed dials, pool trouble) to l, as
// warnings, instead of its own lines on stderr. go-redis has one logger
// for the process: the last call wins.
func SetLogger(l *slog.Logger) { redis.SetLogger(slogPrinter{l}) }

type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Printf(ctx context.Context, format string, v ...any) {
	p.l.LogAttrs(ctx, slog.LevelWarn, fmt.Sprintf(format, v...))
}
