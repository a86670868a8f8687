package flowtest

// WriteOption adjusts how the report writers render a report.
type WriteOption func(*writeConfig)

type writeConfig struct {
	path func(string) string
}

func newWriteConfig(opts []WriteOption) writeConfig {
	c := writeConfig{path: func(s string) string { return s }}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// WithPaths rewrites every file name the writers print, such as the names
// the flows were compiled under into paths relative to the working folder.
func WithPaths(display func(string) string) WriteOption {
	return func(c *writeConfig) {
		if display != nil {
			c.path = display
		}
	}
}
