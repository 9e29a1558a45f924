package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/imdesk/imdesk/server/sqlite"
)

// refuseShared refuses a data directory or an audit key that the panel's
// user does not keep to itself: the directory holds the password hashes,
// the session keys and the audit log, and whoever reads the key can rewrite
// the log undetectably. The panel does not chmod them itself: a shared
// mode there was someone's choice (a volume, a mounted secret) that the
// operator must undo knowingly, and the data may already have been read.
// What does not exist yet is made private when it is made.
func refuseShared(dataDir, keyFile string) error {
	if keyFile == "" {
		keyFile = filepath.Join(dataDir, sqlite.AuditKeyFile)
	}
	for _, c := range []struct{ setting, path string }{
		{"IMDESK_DATA_DIR", dataDir},
		{"IMDESK_AUDIT_KEY_FILE", keyFile},
	} {
		fi, err := os.Stat(c.path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.setting, err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			fix := "chmod 600"
			if fi.IsDir() {
				fix = "chmod 700"
			}
			return fmt.Errorf("%s: %s has mode %#o, so other users of this machine can read it; only the panel's user may (%s %s)",
				c.setting, c.path, perm, fix, c.path)
		}
	}
	return nil
}
