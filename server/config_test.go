package server

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parse(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return ParseConfig(fs, args, func(k string) string { return env[k] })
}

func TestConfigDemoByDefault(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.Addr != "127.0.0.1:8080" || c.DataDir != "data" || c.AdminIdentifier != "administrator" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestConfigLive(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte("s3cr3t-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := parse(t, []string{"-region", "singapore"}, map[string]string{
		"IMDESK_SDKAPPID": "1400000001", "IMDESK_SECRET_KEY_FILE": keyFile, "IMDESK_REGION": "tokyo",
		"IMDESK_DATABASE_URL": "postgres://imdesk:pg-s3cr3t@db.internal/imdesk", "IMDESK_AUDIT_KEY_FILE": "/run/secrets/audit",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Demo || c.SDKAppID != 1400000001 || c.SecretKey != "s3cr3t-key" {
		t.Fatalf("live config: %+v", c)
	}
	if c.TencentURL != "https://adminapisgp.im.qcloud.com" {
		t.Errorf("the flag must win over the environment: %s", c.TencentURL)
	}
	if strings.Contains(c.String(), "s3cr3t") {
		t.Errorf("String() leaks the secret or the database's password: %s", c)
	}
	if c.DatabaseURL != "postgres://imdesk:pg-s3cr3t@db.internal/imdesk" || !strings.Contains(c.String(), "database=postgres") {
		t.Errorf("database: %q, logged as %s", c.DatabaseURL, c)
	}
}

// Every bad value stops the program with an error naming its variable.
func TestConfigErrorsNameTheVariable(t *testing.T) {
	live := func(extra map[string]string) map[string]string {
		env := map[string]string{"IMDESK_SDKAPPID": "1400000001", "IMDESK_SECRET_KEY": "k", "IMDESK_REGION": "china"}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad addr", map[string]string{"IMDESK_ADDR": "8080"}, "IMDESK_ADDR"},
		{"bad port", map[string]string{"IMDESK_ADDR": "127.0.0.1:http"}, "IMDESK_ADDR"},
		{"bad shutdown", map[string]string{"IMDESK_SHUTDOWN_TIMEOUT": "soon"}, "IMDESK_SHUTDOWN_TIMEOUT"},
		{"bulk rate all of Tencent's", map[string]string{"IMDESK_BULK_RATE": "200"}, "IMDESK_BULK_RATE"},
		{"bulk rate not a number", map[string]string{"IMDESK_BULK_RATE": "fast"}, "IMDESK_BULK_RATE"},
		{"bulk cap zero", map[string]string{"IMDESK_BULK_MAX_GROUPS": "0"}, "IMDESK_BULK_MAX_GROUPS"},
		{"secret without app id", map[string]string{"IMDESK_SECRET_KEY": "k"}, "IMDESK_SDKAPPID"},
		{"app id not a number", live(map[string]string{"IMDESK_SDKAPPID": "abc"}), "IMDESK_SDKAPPID"},
		{"app id zero", live(map[string]string{"IMDESK_SDKAPPID": "0"}), "IMDESK_SDKAPPID"},
		{"no secret", map[string]string{"IMDESK_SDKAPPID": "1", "IMDESK_REGION": "china"}, "IMDESK_SECRET_KEY"},
		{"both secrets", live(map[string]string{"IMDESK_SECRET_KEY_FILE": "/x"}), "IMDESK_SECRET_KEY_FILE"},
		{"missing secret file", map[string]string{"IMDESK_SDKAPPID": "1", "IMDESK_REGION": "china", "IMDESK_SECRET_KEY_FILE": "/nonexistent/key"}, "IMDESK_SECRET_KEY_FILE"},
		{"no region", map[string]string{"IMDESK_SDKAPPID": "1", "IMDESK_SECRET_KEY": "k"}, "IMDESK_REGION"},
		{"unknown region", live(map[string]string{"IMDESK_REGION": "mars"}), "IMDESK_REGION"},
		{"region and url", live(map[string]string{"IMDESK_TENCENT_URL": "https://example.com"}), "IMDESK_TENCENT_URL"},
		{"plain http off loopback", live(map[string]string{"IMDESK_REGION": "", "IMDESK_TENCENT_URL": "http://example.com"}), "IMDESK_TENCENT_URL"},
		{"url with query", live(map[string]string{"IMDESK_REGION": "", "IMDESK_TENCENT_URL": "https://example.com/?a=b"}), "IMDESK_TENCENT_URL"},
		{"allowed host with scheme", map[string]string{"IMDESK_ALLOWED_HOSTS": "https://panel.example.com"}, "IMDESK_ALLOWED_HOSTS"},
		{"checkpoint interval not a duration", map[string]string{"IMDESK_AUDIT_CHECKPOINT_EVERY": "often"}, "IMDESK_AUDIT_CHECKPOINT_EVERY"},
		{"checkpoint interval under a minute", map[string]string{"IMDESK_AUDIT_CHECKPOINT_EVERY": "10s"}, "IMDESK_AUDIT_CHECKPOINT_EVERY"},
		{"allowed hosts empty", map[string]string{"IMDESK_ALLOWED_HOSTS": " , "}, "IMDESK_ALLOWED_HOSTS"},
		{"admin too long", live(map[string]string{"IMDESK_ADMIN_IDENTIFIER": strings.Repeat("a", 33)}), "IMDESK_ADMIN_IDENTIFIER"},
		{"log level", map[string]string{"IMDESK_LOG_LEVEL": "chatty"}, "IMDESK_LOG_LEVEL"},
		{"log format", map[string]string{"IMDESK_LOG_FORMAT": "xml"}, "IMDESK_LOG_FORMAT"},
		{"metrics addr", map[string]string{"IMDESK_METRICS_ADDR": "9464"}, "IMDESK_METRICS_ADDR"},
		{"trusted proxies", map[string]string{"IMDESK_TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"}, "IMDESK_TRUSTED_PROXIES"},
		{"database not PostgreSQL", map[string]string{"IMDESK_DATABASE_URL": "mysql://db/imdesk", "IMDESK_AUDIT_KEY_FILE": "/k"}, "IMDESK_DATABASE_URL"},
		{"PostgreSQL without a shared audit key", map[string]string{"IMDESK_DATABASE_URL": "postgres://db/imdesk"}, "IMDESK_AUDIT_KEY_FILE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(t, nil, c.env)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Var != c.want {
				t.Fatalf("err = %v, want a ConfigError for %s", err, c.want)
			}
		})
	}
}

// The operators' settings: log level and format, metrics address, trusted
// proxies as addresses or CIDRs.
func TestConfigOperations(t *testing.T) {
	c, err := parse(t, nil, map[string]string{"IMDESK_LOG_LEVEL": "debug", "IMDESK_LOG_FORMAT": "json",
		"IMDESK_METRICS_ADDR": "127.0.0.1:9464", "IMDESK_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1,::1"})
	if err != nil {
		t.Fatal(err)
	}
	if c.LogLevel != "debug" || c.LogFormat != "json" || c.MetricsAddr != "127.0.0.1:9464" || len(c.TrustedProxies) != 3 ||
		c.TrustedProxies[1].String() != "192.0.2.1/32" || c.TrustedProxies[2].String() != "::1/128" {
		t.Fatalf("operations config: %+v", c)
	}
}

func TestConfigLoopbackHTTPAllowed(t *testing.T) {
	c, err := parse(t, nil, map[string]string{"IMDESK_SDKAPPID": "1", "IMDESK_SECRET_KEY": "k", "IMDESK_TENCENT_URL": "http://127.0.0.1:9000/"})
	if err != nil {
		t.Fatal(err)
	}
	if c.TencentURL != "http://127.0.0.1:9000" {
		t.Fatalf("TencentURL = %q", c.TencentURL)
	}
}

// --help prints every variable and never a value taken from the environment.
func TestConfigHelpHidesSecret(t *testing.T) {
	var out strings.Builder
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(&out)
	_, err := ParseConfig(fs, []string{"--help"}, func(k string) string {
		if k == "IMDESK_SECRET_KEY" {
			return "topsecretvalue"
		}
		return ""
	})
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v", err)
	}
	for _, v := range []string{"IMDESK_ADDR", "IMDESK_DATA_DIR", "IMDESK_SDKAPPID", "IMDESK_SECRET_KEY", "IMDESK_SECRET_KEY_FILE", "IMDESK_ADMIN_IDENTIFIER", "IMDESK_REGION", "IMDESK_TENCENT_URL"} {
		if !strings.Contains(out.String(), v) {
			t.Errorf("help lacks %s", v)
		}
	}
	if strings.Contains(out.String(), "topsecretvalue") {
		t.Error("help prints the secret key")
	}
}

func TestConfigAllowedHosts(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "localhost 127.0.0.1 ::1 127.0.0.1"},
		{map[string]string{"IMDESK_ADDR": "0.0.0.0:8080"}, "localhost 127.0.0.1 ::1"},
		{map[string]string{"IMDESK_ALLOWED_HOSTS": "panel.example.com, 10.0.0.5"}, "panel.example.com 10.0.0.5"},
	} {
		cfg, err := parse(t, nil, c.env)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(cfg.AllowedHosts, " "); got != c.want {
			t.Errorf("%v: %q, want %q", c.env, got, c.want)
		}
	}
}
