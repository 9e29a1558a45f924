package server

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/imdesk/imdesk/server/api"
	"github.com/imdesk/imdesk/server/tim"
)

// Config is what the panel needs to start. Every field comes from an
// environment variable with a matching command-line flag; the flag wins.
type Config struct {
	Addr    string // IMDESK_ADDR
	DataDir string // IMDESK_DATA_DIR
	// DatabaseURL (IMDESK_DATABASE_URL, postgres://…) keeps the panel's
	// data in PostgreSQL instead of the SQLite file in the data directory,
	// for several replicas. It may hold a password: never logged.
	DatabaseURL string

	SDKAppID        uint64 // IMDESK_SDKAPPID
	SecretKey       string // IMDESK_SECRET_KEY or the contents of IMDESK_SECRET_KEY_FILE; never logged
	AdminIdentifier string // IMDESK_ADMIN_IDENTIFIER
	TencentURL      string // from IMDESK_REGION or IMDESK_TENCENT_URL, without a trailing slash
	Region          string // IMDESK_REGION, when the URL came from it

	ShutdownTimeout time.Duration // IMDESK_SHUTDOWN_TIMEOUT
	SessionIdle     time.Duration // IMDESK_SESSION_IDLE: a session ends after this long without use
	SessionMax      time.Duration // IMDESK_SESSION_MAX: and after this long in any case
	// BehindTLS (IMDESK_BEHIND_TLS) says a proxy in front of imdesk serves
	// it over https, so cookies are Secure (with the __Host- prefix) and HSTS
	// is sent even though imdesk itself sees plain http.
	BehindTLS bool
	// AllowedHosts (IMDESK_ALLOWED_HOSTS) are the host names the panel
	// answers; requests for any other Host are refused (DNS rebinding).
	// Default: DefaultAllowedHosts(Addr).
	AllowedHosts []string
	// AuditKeyFile (IMDESK_AUDIT_KEY_FILE) holds the key of the audit
	// log's chain; empty: audit.key in the data directory (with a warning).
	AuditKeyFile string
	// CheckpointEvery (IMDESK_AUDIT_CHECKPOINT_EVERY) is how often the audit
	// log's head is written to the server log.
	CheckpointEvery time.Duration

	LogLevel  string // IMDESK_LOG_LEVEL: debug, info, warn or error
	LogFormat string // IMDESK_LOG_FORMAT: text or json
	// MetricsAddr (IMDESK_METRICS_ADDR) is where Prometheus metrics are
	// served, on a listener of their own; empty: not served.
	MetricsAddr string
	// TrustedProxies (IMDESK_TRUSTED_PROXIES) are the addresses of proxies
	// whose X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix

	// MemberDataKeys (IMDESK_MEMBER_DATA_KEYS) are the member-level custom
	// fields the app defines in Tencent's console (at most 5): the panel
	// reads and edits these in a member's profile.
	MemberDataKeys []string

	// BulkMaxGroups (IMDESK_BULK_MAX_GROUPS) caps the groups of one bulk
	// change.
	BulkMaxGroups int
	// BulkRate (IMDESK_BULK_RATE) is the share of Tencent's limits that bulk
	// changes use together: calls per second of a command Tencent allows
	// 200 per second (the same fraction of any other), so that moderators
	// editing by hand still get through while jobs run.
	BulkRate int

	// Demo is set when no Tencent app is configured: the program then starts
	// the built-in simulator and fills the Tencent fields with its own.
	Demo bool
}

// String describes the configuration for the start-up log. It never includes
// the secret key.
func (c *Config) String() string {
	if c.Demo {
		return fmt.Sprintf("addr=%s data_dir=%s database=%s mode=demo tencent=%s metrics=%q trusted_proxies=%v", c.Addr, c.DataDir, c.database(), c.TencentURL, c.MetricsAddr, c.TrustedProxies)
	}
	return fmt.Sprintf("addr=%s data_dir=%s database=%s mode=live sdkappid=%d admin=%s tencent=%s metrics=%q trusted_proxies=%v",
		c.Addr, c.DataDir, c.database(), c.SDKAppID, c.AdminIdentifier, c.TencentURL, c.MetricsAddr, c.TrustedProxies)
}

// database names the database for the log, without its address (which
// may hold a password).
func (c *Config) database() string {
	if c.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// ConfigHelp introduces the list of flags in usage messages.
const ConfigHelp = "Every flag can also be set by its environment variable; the flag wins.\n" +
	"Leave IMDESK_SDKAPPID, the secret key and the region or URL unset for demo mode.\n\n"

// setting is one configuration knob: its flag, its environment variable, its
// default and a line of help.
type setting struct {
	flag, env, def, usage string
	value                 *string
}

// ConfigError names the variable whose value stopped the program.
type ConfigError struct {
	Var string // e.g. IMDESK_SDKAPPID
	Msg string
}

func (e *ConfigError) Error() string { return e.Var + ": " + e.Msg }

// ParseConfig reads the configuration from args (flags, without the program
// name) and getenv, and validates it. An invalid or missing value is reported
// as a *ConfigError naming the variable. -h and --help return flag.ErrHelp
// after printing the usage to the flag set's output.
func ParseConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (*Config, error) {
	var addr, dataDir, appID, secret, secretFile, admin, region, tencentURL, shutdown, idle, maxAge, behindTLS string
	var logLevel, logFormat, metricsAddr, proxies, allowedHosts, auditKeyFile, checkpointEvery, memberKeys, bulkMax, bulkRate, databaseURL string
	settings := []setting{
		{"addr", "IMDESK_ADDR", "127.0.0.1:8080", "address to listen on (host:port)", &addr},
		{"data-dir", "IMDESK_DATA_DIR", "data", "directory for the database (accounts, sessions, audit log)", &dataDir},
		{"database-url", "IMDESK_DATABASE_URL", "", "postgres://… to keep the data in PostgreSQL, for several replicas (default: SQLite in the data directory)", &databaseURL},
		{"sdkappid", "IMDESK_SDKAPPID", "", "Tencent Cloud Chat SDKAppID; leave unset for demo mode", &appID},
		{"secret-key", "IMDESK_SECRET_KEY", "", "the app's secret key (prefer the file variant)", &secret},
		{"secret-key-file", "IMDESK_SECRET_KEY_FILE", "", "file holding the app's secret key", &secretFile},
		{"admin-identifier", "IMDESK_ADMIN_IDENTIFIER", "administrator", "the app admin account the panel acts as", &admin},
		{"region", "IMDESK_REGION", "", "data centre: " + strings.Join(tim.RegionNames(), ", "), &region},
		{"tencent-url", "IMDESK_TENCENT_URL", "", "base URL of the REST API instead of a region (e.g. a mock)", &tencentURL},
		{"shutdown-timeout", "IMDESK_SHUTDOWN_TIMEOUT", "30s", "how long in-flight requests may take to finish at shutdown", &shutdown},
		{"session-idle", "IMDESK_SESSION_IDLE", "30m", "a sign-in session ends after this long without use", &idle},
		{"session-max", "IMDESK_SESSION_MAX", "8h", "a sign-in session ends after this long in any case", &maxAge},
		{"behind-tls", "IMDESK_BEHIND_TLS", "false", "true when a proxy serves imdesk over https (Secure cookies, HSTS)", &behindTLS},
		{"log-level", "IMDESK_LOG_LEVEL", "info", "debug, info, warn or error (debug adds each Tencent call)", &logLevel},
		{"log-format", "IMDESK_LOG_FORMAT", "text", "text or json", &logFormat},
		{"metrics-addr", "IMDESK_METRICS_ADDR", "", "address to serve Prometheus metrics on, apart from the panel (e.g. 127.0.0.1:9464); empty: off", &metricsAddr},
		{"trusted-proxies", "IMDESK_TRUSTED_PROXIES", "", "comma-separated addresses or CIDRs of proxies whose X-Forwarded-For/-Proto are believed", &proxies},
		{"audit-key-file", "IMDESK_AUDIT_KEY_FILE", "", "file holding the audit log's key; keep it outside the data directory (default: made in the data directory, with a warning)", &auditKeyFile},
		{"audit-checkpoint-every", "IMDESK_AUDIT_CHECKPOINT_EVERY", "15m", "how often the audit log's head (a checkpoint) is written to the server log", &checkpointEvery},
		{"member-data-keys", "IMDESK_MEMBER_DATA_KEYS", "", "comma-separated member-level custom fields the app defines in Tencent's console (shown in a member's profile)", &memberKeys},
		{"bulk-max-groups", "IMDESK_BULK_MAX_GROUPS", "10000", "the most groups one bulk change may change", &bulkMax},
		{"bulk-rate", "IMDESK_BULK_RATE", "160", "calls per second that bulk changes use together, of a Tencent command allowing 200 (1 to 190)", &bulkRate},
		{"allowed-hosts", "IMDESK_ALLOWED_HOSTS", "", "comma-separated host names the panel answers (default: localhost, 127.0.0.1, ::1 and the listen address's host)", &allowedHosts},
	}
	for _, s := range settings {
		fs.StringVar(s.value, s.flag, s.def, fmt.Sprintf("%s (env %s)", s.usage, s.env))
	}
	if fs.Usage == nil {
		fs.Usage = func() {
			fmt.Fprintf(fs.Output(), "Usage: imdesk [serve] [flags]\n\n%s", ConfigHelp)
			fs.PrintDefaults()
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, &ConfigError{Var: "arguments", Msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	// The environment fills what no flag set. (It is not used as the flags'
	// defaults, which --help prints: that would print the secret key.)
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range settings {
		if v := getenv(s.env); v != "" && !given[s.flag] {
			*s.value = v
		}
	}

	c := &Config{Addr: addr, DataDir: dataDir, AdminIdentifier: admin, AuditKeyFile: strings.TrimSpace(auditKeyFile),
		DatabaseURL: strings.TrimSpace(databaseURL)}
	var err error
	if err := CheckDatabaseURL(c.DatabaseURL, c.AuditKeyFile); err != nil {
		return nil, err
	}
	if c.ShutdownTimeout, err = time.ParseDuration(shutdown); err != nil || c.ShutdownTimeout <= 0 {
		return nil, &ConfigError{"IMDESK_SHUTDOWN_TIMEOUT", fmt.Sprintf("%q is not a positive duration such as 30s", shutdown)}
	}
	for _, d := range []struct {
		env, value string
		dst        *time.Duration
	}{{"IMDESK_SESSION_IDLE", idle, &c.SessionIdle}, {"IMDESK_SESSION_MAX", maxAge, &c.SessionMax}} {
		if *d.dst, err = time.ParseDuration(d.value); err != nil || *d.dst < time.Minute {
			return nil, &ConfigError{d.env, fmt.Sprintf("%q is not a duration of at least a minute, such as 30m or 8h", d.value)}
		}
	}
	if c.CheckpointEvery, err = time.ParseDuration(checkpointEvery); err != nil || c.CheckpointEvery < time.Minute {
		return nil, &ConfigError{"IMDESK_AUDIT_CHECKPOINT_EVERY", fmt.Sprintf("%q is not a duration of at least a minute, such as 15m", checkpointEvery)}
	}
	if c.BehindTLS, err = strconv.ParseBool(behindTLS); err != nil {
		return nil, &ConfigError{"IMDESK_BEHIND_TLS", fmt.Sprintf("%q is not true or false", behindTLS)}
	}
	c.LogLevel, c.LogFormat = logLevel, logFormat
	if _, err := NewLogger(io.Discard, logLevel, "text"); err != nil {
		return nil, &ConfigError{"IMDESK_LOG_LEVEL", err.Error()}
	}
	if _, err := NewLogger(io.Discard, "info", logFormat); err != nil {
		return nil, &ConfigError{"IMDESK_LOG_FORMAT", err.Error()}
	}
	if metricsAddr != "" {
		if err := validateAddr(metricsAddr); err != nil {
			return nil, &ConfigError{"IMDESK_METRICS_ADDR", err.Error()}
		}
		c.MetricsAddr = metricsAddr
	}
	if c.TrustedProxies, err = parsePrefixes(proxies); err != nil {
		return nil, &ConfigError{"IMDESK_TRUSTED_PROXIES", err.Error()}
	}
	if c.SessionIdle > c.SessionMax {
		return nil, &ConfigError{"IMDESK_SESSION_IDLE", "must not be longer than IMDESK_SESSION_MAX"}
	}
	if err := validateAddr(addr); err != nil {
		return nil, &ConfigError{"IMDESK_ADDR", err.Error()}
	}
	if c.MemberDataKeys, err = parseMemberKeys(memberKeys); err != nil {
		return nil, err
	}
	if c.BulkMaxGroups, err = strconv.Atoi(bulkMax); err != nil || c.BulkMaxGroups < 1 || c.BulkMaxGroups > api.MaxBulkIDs {
		return nil, &ConfigError{"IMDESK_BULK_MAX_GROUPS", fmt.Sprintf("%q is not a number of groups from 1 to %d", bulkMax, api.MaxBulkIDs)}
	}
	if c.BulkRate, err = strconv.Atoi(bulkRate); err != nil || c.BulkRate < 1 || c.BulkRate > 190 {
		return nil, &ConfigError{"IMDESK_BULK_RATE", fmt.Sprintf("%q is not a number of calls per second from 1 to 190 (Tencent allows 200; leave room for edits by hand)", bulkRate)}
	}
	if c.AllowedHosts, err = parseHosts(allowedHosts, addr); err != nil {
		return nil, &ConfigError{"IMDESK_ALLOWED_HOSTS", err.Error()}
	}
	if strings.TrimSpace(dataDir) == "" {
		return nil, &ConfigError{"IMDESK_DATA_DIR", "must not be empty"}
	}

	live := appID != "" || secret != "" || secretFile != "" || region != "" || tencentURL != ""
	if !live {
		c.Demo = true
		return c, nil
	}
	if appID == "" {
		return nil, &ConfigError{"IMDESK_SDKAPPID", "is required when a secret key, region or Tencent URL is set (leave all of them unset for demo mode)"}
	}
	if c.SDKAppID, err = strconv.ParseUint(appID, 10, 32); err != nil || c.SDKAppID == 0 {
		return nil, &ConfigError{"IMDESK_SDKAPPID", fmt.Sprintf("%q is not a SDKAppID (a positive number such as 1400000000)", appID)}
	}
	switch {
	case secret != "" && secretFile != "":
		return nil, &ConfigError{"IMDESK_SECRET_KEY_FILE", "set either IMDESK_SECRET_KEY or IMDESK_SECRET_KEY_FILE, not both"}
	case secretFile != "":
		b, err := os.ReadFile(secretFile)
		if err != nil {
			return nil, &ConfigError{"IMDESK_SECRET_KEY_FILE", "cannot read the file: " + errors.Unwrap(err).Error()}
		}
		c.SecretKey = strings.TrimSpace(string(b))
		if c.SecretKey == "" {
			return nil, &ConfigError{"IMDESK_SECRET_KEY_FILE", "the file is empty"}
		}
	case secret != "":
		c.SecretKey = strings.TrimSpace(secret)
	default:
		return nil, &ConfigError{"IMDESK_SECRET_KEY", "is required when IMDESK_SDKAPPID is set (or use IMDESK_SECRET_KEY_FILE)"}
	}
	if strings.TrimSpace(admin) == "" || len(admin) > 32 {
		return nil, &ConfigError{"IMDESK_ADMIN_IDENTIFIER", "must be the UserID of an app admin, 1 to 32 bytes"}
	}
	switch {
	case region != "" && tencentURL != "":
		return nil, &ConfigError{"IMDESK_TENCENT_URL", "set either IMDESK_REGION or IMDESK_TENCENT_URL, not both"}
	case region != "":
		c.Region = region
		if c.TencentURL, err = tim.RegionURL(region); err != nil {
			return nil, &ConfigError{"IMDESK_REGION", err.Error()}
		}
	case tencentURL != "":
		if c.TencentURL, err = tim.CheckBaseURL(tencentURL); err != nil {
			return nil, &ConfigError{"IMDESK_TENCENT_URL", err.Error()}
		}
	default:
		return nil, &ConfigError{"IMDESK_REGION", "is required when IMDESK_SDKAPPID is set (or use IMDESK_TENCENT_URL)"}
	}
	return c, nil
}

// parsePrefixes reads a comma-separated list of addresses and CIDRs.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR (such as 10.0.0.5 or 10.0.0.0/8)", item)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func validateAddr(addr string) error {
	// An empty host means every interface, which is allowed.
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (for example 127.0.0.1:8080)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q has no valid port", addr)
	}
	return nil
}

// parseHosts reads IMDESK_ALLOWED_HOSTS: host names or addresses, without
// scheme or path; empty means DefaultAllowedHosts.
func parseHosts(list, addr string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return DefaultAllowedHosts(addr), nil
	}
	var hosts []string
	for _, h := range strings.Split(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if strings.ContainsAny(h, "/ *@?#") {
			return nil, fmt.Errorf("%q is not a host name (write names such as imdesk.example.com, without scheme or path)", h)
		}
		hosts = append(hosts, h)
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("%q names no host", list)
	}
	return hosts, nil
}

// parseMemberKeys reads IMDESK_MEMBER_DATA_KEYS: at most
// api.MaxMemberDataKeys keys, each as Tencent names them.
func parseMemberKeys(v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	keys := strings.Split(v, ",")
	if len(keys) > api.MaxMemberDataKeys {
		return nil, &ConfigError{Var: "IMDESK_MEMBER_DATA_KEYS", Msg: fmt.Sprintf("an app defines at most %d member-level custom fields; %d were given", api.MaxMemberDataKeys, len(keys))}
	}
	for i, k := range keys {
		keys[i] = strings.TrimSpace(k)
		if fe := api.CheckMemberDataKey("", keys[i]); fe != nil {
			return nil, &ConfigError{Var: "IMDESK_MEMBER_DATA_KEYS", Msg: fe.Say.English()}
		}
	}
	return keys, nil
}

// CheckDatabaseURL validates IMDESK_DATABASE_URL. Replicas on one
// PostgreSQL database must chain the audit log with one key, so the key
// comes from a file every replica reads (IMDESK_AUDIT_KEY_FILE), never
// from a data directory of one machine's.
func CheckDatabaseURL(url, auditKeyFile string) error {
	if url == "" {
		return nil
	}
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return &ConfigError{"IMDESK_DATABASE_URL", "must start with postgres:// (PostgreSQL); leave it unset for SQLite in the data directory"}
	}
	if auditKeyFile == "" {
		return &ConfigError{"IMDESK_AUDIT_KEY_FILE", "is required with IMDESK_DATABASE_URL: every replica chains the audit log with the same key, from a file they all read (64 hex digits, e.g. openssl rand -hex 32)"}
	}
	return nil
}
