package timmock

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Handler returns the mock's REST API and, when control is true, its control
// endpoint under /control/ for tests that run the mock in another process:
//
//	POST   /control/faults   add a Fault (JSON body)
//	DELETE /control/faults   remove every fault
//	PUT    /control/edition  {"basic": true|false}
//	GET    /control/calls?command=modify_group_attr   {"count": n}
func (m *Mock) Handler(control bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v4/", m)
	if control {
		mux.HandleFunc("POST /control/faults", func(w http.ResponseWriter, r *http.Request) {
			var f Fault
			dec := json.NewDecoder(r.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&f); err != nil {
				http.Error(w, "fault: "+err.Error(), http.StatusBadRequest)
				return
			}
			if err := m.AddFault(f); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		mux.HandleFunc("DELETE /control/faults", func(w http.ResponseWriter, r *http.Request) {
			m.ClearFaults()
			w.WriteHeader(http.StatusNoContent)
		})
		mux.HandleFunc("PUT /control/edition", func(w http.ResponseWriter, r *http.Request) {
			var e struct {
				Basic *bool `json:"basic"`
			}
			if err := json.NewDecoder(r.Body).Decode(&e); err != nil || e.Basic == nil {
				http.Error(w, `edition: send {"basic": true} or {"basic": false}`, http.StatusBadRequest)
				return
			}
			m.SetBasic(*e.Basic)
			w.WriteHeader(http.StatusNoContent)
		})
		mux.HandleFunc("GET /control/calls", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]int{"count": m.Calls(r.URL.Query().Get("command"))})
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeEnvelope(w, famGroup, nil, fail(60009, "request resource not found: check the URL"))
	})
	return mux
}

// Server is a mock listening on a TCP address.
type Server struct {
	URL  string // http://host:port
	mock *Mock
	http *http.Server
}

// Listen serves the mock on addr (e.g. "127.0.0.1:0") until Close.
func (m *Mock) Listen(addr string, control bool) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mock: listen on %s: %w", addr, err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), mock: m,
		http: &http.Server{Handler: m.Handler(control), ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err)
		}
	}()
	return s, nil
}

// Close releases hung calls and stops the server.
func (s *Server) Close() error {
	s.mock.Close()
	return s.http.Close()
}
