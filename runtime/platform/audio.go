package platform

import (
	"net/url"
	"path"
	"slices"
	"strings"
)

// CheckAudioURL says what is wrong with the URL of audio a platform fetches
// (8x8's playFile, Vonage's stream), or "" when it is an absolute http(s)
// URL whose path ends in one of exts (lang/platform's PlayExts).
func CheckAudioURL(s string, exts []string) string {
	if s == "" {
		return "missing"
	}
	u, err := url.Parse(s)
	if err != nil {
		return Quote(s) + " is not a URL"
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return Quote(s) + " is not an http or https URL"
	}
	if ext := strings.ToLower(path.Ext(u.Path)); !slices.Contains(exts, ext) {
		return Quote(s) + " does not end in " + strings.Join(exts, " or ")
	}
	return ""
}
