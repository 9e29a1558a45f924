package sqlite

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AuditKeyFile is the audit key's file name in the data directory, where it
// is made when IMDESK_AUDIT_KEY_FILE names no other place. There it only
// guards against accidents: whoever can write the database can read it.
const AuditKeyFile = "audit.key"

// LoadAuditKey reads the audit key (32 random bytes, in hex) from path.
// With create, a missing file is made with a new key, and created says so.
func LoadAuditKey(path string, create bool) (key []byte, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, false, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, err
		}
		// O_EXCL: two processes starting at once must not make two keys.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o400)
		if err != nil {
			return nil, false, fmt.Errorf("write the audit key: %w", err)
		}
		_, err = f.WriteString(hex.EncodeToString(key) + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, false, fmt.Errorf("write the audit key: %w", err)
		}
		return key, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read the audit key: %w", err)
	}
	key, err = hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, false, fmt.Errorf("the audit key in %s is not 32 or more bytes in hex; restore it from your backup (a new key cannot verify the entries made with the old one)", path)
	}
	return key, false, nil
}
