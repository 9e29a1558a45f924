package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// textColumns are the audit table's text columns, each of which an edit of
// the database file could change.
var textColumns = []string{"time", "kind", "actor", "role", "ip", "user_agent", "request_id", "action", "target",
	"request", "before", "after", "outcome", "tencent_info", "detail", "prev_hash", "hash"}

// FuzzVerifyFindsEveryEdit appends three entries holding whatever a person
// or an attacker could type (sign-in names, browsers' user agents, details),
// checks that the log verifies, then changes one text column of one entry
// in the file, as someone who can write the data directory but does not
// hold the audit key would, and checks that Verify names a broken entry.
// The seeds in testdata/fuzz run as part of the normal tests.
func FuzzVerifyFindsEveryEdit(f *testing.F) {
	sqliteOnly(f)
	f.Add("alice", "Mozilla/5.0", "", uint8(0), uint8(2), "mallory")
	f.Add("bob", "curl/8", "wrong name or password", uint8(1), uint8(14), "")
	f.Add("\xff", "\xfe", "\x80", uint8(2), uint8(16), "hmac-sha256:00")
	f.Fuzz(func(t *testing.T, actor, userAgent, detail string, which, column uint8, value string) {
		ctx := context.Background()
		d, err := Open(t.TempDir(), Options{AuditKey: testAuditKey})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		for range 3 {
			if _, err := d.Append(ctx, Entry{Kind: KindEvent, Actor: actor, UserAgent: userAgent, Action: "session.signin",
				Outcome: OutcomeFailed, Detail: detail}); err != nil {
				t.Fatal(err)
			}
		}
		if n, broken, err := d.Verify(ctx); n != 3 || broken != nil || err != nil {
			t.Fatalf("the log as written: %d entries, %v, %v", n, broken, err)
		}

		var stored string
		if err := d.db.QueryRowContext(ctx, `SELECT user_agent FROM audit WHERE seq = 1`).Scan(&stored); err != nil || stored != validText(userAgent) {
			t.Fatalf("user agent %q stored as %q (%v): the log must hold exactly the text it hashed", userAgent, stored, err)
		}

		col, seq := textColumns[int(column)%len(textColumns)], int64(which%3)+1
		var old sql.NullString
		if err := d.db.QueryRowContext(ctx, `SELECT `+col+` FROM audit WHERE seq = ?`, seq).Scan(&old); err != nil {
			t.Fatal(err)
		}
		if sameMeaning(col, old.String, value) {
			return // not an edit
		}
		if _, err := d.db.ExecContext(ctx, `DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.db.ExecContext(ctx, `UPDATE audit SET `+col+` = ? WHERE seq = ?`, value, seq); err != nil {
			if strings.Contains(err.Error(), "constraint failed") {
				return // the schema itself refuses the edit (a kind that is not one)
			}
			t.Fatal(err)
		}
		if n, broken, err := d.Verify(ctx); broken == nil && err == nil {
			t.Fatalf("entry %d's %s changed from %q to %q, and Verify found nothing (%d entries)", seq, col, old.String, value, n)
		}
	})
}

// sameMeaning: writing value over old changes nothing a reader of the log
// could tell apart, so Verify has nothing to find.
func sameMeaning(col, old, value string) bool {
	switch {
	case old == value:
		return true
	case col != "time" && validText(old) == validText(value):
		// Bytes that are not UTF-8 mean nothing as text; the hash reads
		// each as U+FFFD, as JSON does. imdesk stores none (Append replaces
		// them), so such an edit can only swap U+FFFD for meaningless bytes.
		return true
	case col == "after":
		// No state after is written "null", and read as none either way.
		return (old == "" || old == "null") && (value == "" || value == "null")
	}
	return false
}
