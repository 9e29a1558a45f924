package timmock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// FaultKind is what an injected fault does to a call.
type FaultKind string

const (
	FaultLatency FaultKind = "latency" // wait, then answer normally
	FaultDrop    FaultKind = "drop"    // close the connection without an answer
	FaultHTTP502 FaultKind = "http502" // answer 502 Bad Gateway, as a broken proxy would
	FaultHang    FaultKind = "hang"    // never answer; the client's timeout ends it
	FaultError   FaultKind = "error"   // answer a Tencent error code
	// FaultLost makes the call as usual, then closes the connection without
	// the answer: the change was made, and the client cannot know it.
	FaultLost FaultKind = "lost"
)

// Fault is a failure to inject into matching calls.
type Fault struct {
	// Command is the command name, e.g. "modify_group_attr", or "*" for all.
	Command string `json:"command"`
	// Target, when set, limits the fault to calls whose body names this
	// GroupId or From_Account.
	Target string    `json:"target,omitempty"`
	Kind   FaultKind `json:"kind"`
	// Latency is the wait of a latency fault, e.g. "300ms".
	Latency Duration `json:"latency,omitempty"`
	// ErrorCode and ErrorInfo are what an error fault answers.
	ErrorCode int    `json:"errorCode,omitempty"`
	ErrorInfo string `json:"errorInfo,omitempty"`
	// Times limits the fault to the next N matching calls; 0 means until
	// cleared.
	Times int `json:"times,omitempty"`
	// Fraction, between 0 and 1, makes the fault hit that share of matching
	// calls at random; 0 means every call.
	Fraction float64 `json:"fraction,omitempty"`
}

// Duration is a time.Duration written as a string in JSON ("250ms").
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Validate checks that a fault can be applied.
func (f Fault) Validate() error {
	if f.Command == "" {
		return fmt.Errorf("fault: command is required (a command name or \"*\")")
	}
	if f.Command != "*" && !knownCommand(f.Command) {
		return fmt.Errorf("fault: unknown command %q", f.Command)
	}
	switch f.Kind {
	case FaultLatency:
		if f.Latency <= 0 {
			return fmt.Errorf("fault: a latency fault needs a positive latency")
		}
	case FaultError:
		if f.ErrorCode == 0 {
			return fmt.Errorf("fault: an error fault needs an errorCode")
		}
	case FaultDrop, FaultHTTP502, FaultHang, FaultLost:
	default:
		return fmt.Errorf("fault: unknown kind %q (latency, drop, http502, hang, error, lost)", f.Kind)
	}
	if f.Times < 0 || f.Fraction < 0 || f.Fraction > 1 {
		return fmt.Errorf("fault: times must be ≥ 0 and fraction 0..1")
	}
	return nil
}

func knownCommand(short string) bool {
	for name := range commands {
		if strings.HasSuffix(name, "/"+short) {
			return true
		}
	}
	return false
}

func (f Fault) errorInfo() string {
	if f.ErrorInfo != "" {
		return f.ErrorInfo
	}
	return fmt.Sprintf("injected error %d", f.ErrorCode)
}

type activeFault struct {
	Fault
	left int // calls left when Times > 0
}

// AddFault injects a fault; faults are tried in the order added.
func (m *Mock) AddFault(f Fault) error {
	if err := f.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	m.faults = append(m.faults, &activeFault{Fault: f, left: f.Times})
	m.mu.Unlock()
	return nil
}

// ClearFaults removes every injected fault.
func (m *Mock) ClearFaults() {
	m.mu.Lock()
	m.faults = nil
	m.mu.Unlock()
}

// takeFault returns the fault that hits this call, if any, and spends one of
// its times.
func (m *Mock) takeFault(command string, body []byte) *Fault {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.faults) == 0 {
		return nil
	}
	var names struct {
		GroupID string `json:"GroupId"`
		From    string `json:"From_Account"`
	}
	_ = json.Unmarshal(body, &names)
	for i, f := range m.faults {
		if f.Command != "*" && f.Command != command {
			continue
		}
		if f.Target != "" && f.Target != names.GroupID && f.Target != names.From {
			continue
		}
		if f.Fraction > 0 && f.Fraction < 1 && m.rand.Float64() >= f.Fraction {
			continue
		}
		hit := f.Fault
		if f.Times > 0 {
			if f.left--; f.left == 0 {
				m.faults = append(m.faults[:i:i], m.faults[i+1:]...)
			}
		}
		return &hit
	}
	return nil
}

// apply carries out a fault; done reports that the call has been answered
// (or abandoned) and must not go on.
func (f *Fault) apply(w http.ResponseWriter, r *http.Request, released <-chan struct{}) (done bool) {
	switch f.Kind {
	case FaultLatency:
		t := time.NewTimer(time.Duration(f.Latency))
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			return true
		case <-released:
			return true
		}
	case FaultDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler) // aborts the response where hijacking is impossible
	case FaultHTTP502:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>\n"))
		return true
	case FaultHang:
		select {
		case <-r.Context().Done():
		case <-released:
		}
		return true
	}
	return false
}
