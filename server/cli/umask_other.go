//go:build !unix

package cli

// restrictUmask does nothing where there is no umask; the data store sets
// its files' modes itself.
func restrictUmask() {}
