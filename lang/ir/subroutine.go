package ir

// Do runs Handler as a subroutine: the runtime keeps the instruction after
// the do as a return point in the session and continues there when the
// handler (or one it goes to) reaches its end or a Return.
type Do struct {
	Pos
	Handler string
}

// Return continues at the latest return point; without one it ends the
// handler.
type Return struct{ Pos }

// MaxFrames is how many do frames a call may nest at run time; one more
// is a runtime error answered with the platform's safe fallback.
const MaxFrames = 16
