package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"

	"github.com/imdesk/imdesk/server"
	"github.com/imdesk/imdesk/server/accounts"
	"github.com/imdesk/imdesk/server/api"
)

// runKeys is `imdesk keys export FILE` and `imdesk keys import FILE`
// (FILE - is standard output or input): the registry of attribute keys
// as a file, to keep in the app's own repository (docs/keys.md). An
// import replaces the registry, all or nothing, with the same rules and
// audit entries as the admin's endpoint.
func runKeys(args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	sub, fs, args, ok := subcommand("keys", args, stderr, "export", "import")
	if !ok {
		return 2
	}
	var file string
	if len(args) > 0 && (args[0] == "-" || args[0] != "" && args[0][0] != '-') {
		file, args = args[0], args[1:]
	}
	db, code := openDataDir(fs, args, getenv, sub == "import", stderr, "imdesk keys "+sub, &file)
	if db == nil {
		return code
	}
	defer db.Close()
	if file == "" {
		fmt.Fprintf(stderr, "imdesk keys %s: name the file (- for standard %s)\n", sub, map[string]string{"export": "output", "import": "input"}[sub])
		return 2
	}
	ctx := context.Background()
	fail := func(err error) int { fmt.Fprintf(stderr, "imdesk keys %s: %v\n", sub, err); return 1 }
	keys := &server.Keys{DB: db, Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	switch sub {
	case "export":
		reg, err := keys.Export(ctx)
		if err != nil {
			return fail(err)
		}
		data := server.EncodeKeyRegistry(reg)
		if file == "-" {
			_, err = stdout.Write(data)
		} else {
			err = os.WriteFile(file, data, 0o644)
		}
		if err != nil {
			return fail(err)
		}
		if file != "-" {
			fmt.Fprintf(stdout, "%d attribute keys written to %s\n", len(reg.Keys), file)
		}
	case "import":
		var data []byte
		var err error
		if file == "-" {
			data, err = io.ReadAll(io.LimitReader(stdin, api.KeyRegistry{}.MaxBody()+1))
		} else {
			data, err = os.ReadFile(file)
		}
		if err != nil {
			return fail(err)
		}
		if int64(len(data)) > (api.KeyRegistry{}).MaxBody() {
			return fail(fmt.Errorf("the file is larger than %d MiB", api.KeyRegistry{}.MaxBody()>>20))
		}
		reg, err := server.ReadKeyRegistry(data)
		if err != nil {
			return fail(err)
		}
		// The same actor as `imdesk account`: the command line, and who ran it.
		actor := accounts.Actor{Name: "command line", Role: api.RoleAdmin, IP: "local", UserAgent: "imdesk keys", RequestID: "cli"}
		if u, err := user.Current(); err == nil {
			actor.Name += " (" + u.Username + ")"
		}
		out, err := keys.Import(ctx, actor, reg)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "attribute keys imported: %d added, %d changed, %d removed, %d unchanged\n", out.Added, out.Changed, out.Removed, out.Unchanged)
	}
	return 0
}
