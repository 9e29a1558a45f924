package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/imdesk/imdesk/server/sqlite"
)

// runBackup is `imdesk backup FILE`: a consistent copy of the database of
// IMDESK_DATA_DIR, made while the panel runs, then checked (it opens, and
// its audit chain verifies). See README "Backups" for what else to keep.
func runBackup(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("imdesk backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var file string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	db, code := openDataDir(fs, args, getenv, false, stderr, "imdesk backup", &file)
	if db == nil {
		return code
	}
	defer db.Close()
	if db.OnPostgres() {
		fmt.Fprintf(stderr, "imdesk backup: %v\n", sqlite.ErrBackupPostgres)
		return 2
	}
	if file == "" {
		io.WriteString(stderr, "imdesk backup: name the file to write, e.g. imdesk backup /backups/imdesk-"+"$(date +%F).db\n")
		return 2
	}
	ctx := context.Background()
	if err := db.Backup(ctx, file); err != nil {
		fmt.Fprintf(stderr, "imdesk backup: %v\n", err)
		return 1
	}
	n, broken, err := sqlite.VerifyFile(ctx, file, db.AuditKey())
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "imdesk backup: the copy in %s cannot be read back: %v\n", file, err)
		return 1
	case broken != nil:
		fmt.Fprintf(stderr, "imdesk backup: the copy in %s holds a broken audit log: %v\n", file, broken)
		return 1
	}
	fmt.Fprintf(stdout, "backed up to %s: %d audit entries, chain intact\n", file, n)
	return 0
}

// runMigrate is `imdesk migrate`: bring the database's schema up to date
// now, rather than at the next start (replicas also migrate as they start,
// one at a time), and say where it stands.
func runMigrate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("imdesk migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var extra string
	db, code := openDataDir(fs, args, getenv, false, stderr, "imdesk migrate", &extra)
	if db == nil {
		return code
	}
	defer db.Close()
	if extra != "" {
		fmt.Fprintf(stderr, "imdesk migrate: unexpected argument %q\n", extra)
		return 2
	}
	v, err := db.Version(context.Background())
	if err != nil {
		fmt.Fprintf(stderr, "imdesk migrate: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "the schema is at version %d, the newest this imdesk knows\n", v)
	return 0
}
