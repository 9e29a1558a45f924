package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// A backup taken while entries are being appended is a consistent copy: it
// restores (opens as a data directory), its chain verifies, and it holds
// every entry appended before the backup began.
func TestBackupUnderWrites(t *testing.T) {
	sqliteOnly(t)
	d := openTest(t)
	ctx := context.Background()
	for range 50 {
		if _, err := d.Append(ctx, Entry{Kind: KindEvent, Actor: "a", Action: "session.signin", Outcome: OutcomeOK}); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := appendDone(ctx, d, Entry{Kind: KindIntent, Actor: "b", Action: "group.attributes.patch", Target: "@TGS#a",
				Request: []byte(`{"set":[{"key":"k","value":"v"}]}`), Before: []byte(`[]`), After: []byte(`[{"key":"k","value":"v"}]`), Outcome: OutcomePending}, ""); err != nil {
				t.Error(err)
				return
			}
		}
	})
	restored := t.TempDir()
	file := filepath.Join(t.TempDir(), "backup.db")
	err := d.Backup(ctx, file)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	n, broken, err := VerifyFile(ctx, file, d.AuditKey())
	if err != nil || broken != nil || n < 50 {
		t.Fatalf("the copy: %d entries, %v, %v", n, broken, err)
	}
	// Restore: the copy becomes a data directory's database.
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Open(restored, Options{AuditKey: d.AuditKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if m, broken, err := r.Verify(ctx); err != nil || broken != nil || m != n {
		t.Fatalf("restored: %d entries (copy had %d), %v, %v", m, n, broken, err)
	}
	if _, err := r.Append(ctx, Entry{Kind: KindEvent, Actor: "a", Action: "session.signin", Outcome: OutcomeOK}); err != nil {
		t.Fatalf("appending to the restored log: %v", err)
	}
	if err := d.Backup(ctx, file); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("overwriting a backup: %v", err)
	}
}
