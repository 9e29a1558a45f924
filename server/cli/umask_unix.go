//go:build unix

package cli

import "syscall"

// restrictUmask makes every file and directory the process creates from now
// on its user's only (umask 077). See Run for why this is on top of the
// modes the data store sets itself.
func restrictUmask() { syscall.Umask(0o077) }
