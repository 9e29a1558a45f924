package server

import (
	"net"
	"net/http"
	"strings"
)

// DefaultAllowedHosts are the host names the panel answers when
// IMDESK_ALLOWED_HOSTS is not set: the loopback names, and the listen
// address's host when it names one (not a wildcard such as 0.0.0.0).
func DefaultAllowedHosts(addr string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, _, err := net.SplitHostPort(addr); err == nil && h != "" {
		if ip := net.ParseIP(h); ip == nil || !ip.IsUnspecified() {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// hostSet is the set of host names (without ports, lower case) the panel
// serves.
type hostSet map[string]bool

func newHostSet(names []string) hostSet {
	s := hostSet{}
	for _, n := range names {
		s[normalHost(n)] = true
	}
	return s
}

// normalHost is a Host header's or a setting's name without port or
// brackets, in lower case.
func normalHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.TrimSuffix(strings.Trim(h, "[]"), ".")
}

// requireHost refuses requests whose Host is not one the panel serves. A
// page on an attacker's domain that re-points its DNS name at the panel's
// address (DNS rebinding) is same-origin to the browser, so only the Host
// header tells it apart. /healthz and /readyz stay open: container and load
// balancer probes use whatever address they reach, and they reveal nothing.
func (s *Server) requireHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.hosts[normalHost(r.Host)] || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		s.log.Warn("request for a host the panel does not serve", "request_id", requestID(r.Context()), "host", truncate(r.Host, 256))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusMisdirectedRequest)
		_, _ = w.Write([]byte("This server does not serve this host name. Use the address your administrator gave you.\n"))
	})
}
