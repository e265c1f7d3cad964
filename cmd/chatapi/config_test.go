package main

import (
	"strings"
	"testing"
	"time"
)

// The connection limits: their defaults, the environment, flags over the
// environment, and values that would lift a limit refused.
func TestLoadConfigConnectionLimits(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		http    httpTimeouts
		conns   int
		check   time.Duration
		refused string
	}{
		{name: "defaults",
			http:  httpTimeouts{readHeader: 10 * time.Second, read: 30 * time.Second, write: 60 * time.Second, idle: 60 * time.Second},
			conns: 10, check: 5 * time.Second},
		{name: "environment",
			env: map[string]string{"HTTP_READ_HEADER_TIMEOUT": "2s", "HTTP_READ_TIMEOUT": "5", "HTTP_WRITE_TIMEOUT": "1m",
				"HTTP_IDLE_TIMEOUT": "90s", "WS_MAX_CONNECTIONS_PER_USER": "3", "WS_CREDENTIAL_CHECK_INTERVAL": "1s"},
			http:  httpTimeouts{readHeader: 2 * time.Second, read: 5 * time.Second, write: time.Minute, idle: 90 * time.Second},
			conns: 3, check: time.Second},
		{name: "flags over the environment",
			env:   map[string]string{"HTTP_READ_TIMEOUT": "5s", "WS_MAX_CONNECTIONS_PER_USER": "3"},
			args:  []string{"-http-read-timeout=7s", "-ws-max-connections-per-user=4"},
			http:  httpTimeouts{readHeader: 10 * time.Second, read: 7 * time.Second, write: 60 * time.Second, idle: 60 * time.Second},
			conns: 4, check: 5 * time.Second},
		{name: "negative timeout", env: map[string]string{"HTTP_IDLE_TIMEOUT": "-1s"}, refused: "HTTP_IDLE_TIMEOUT"},
		{name: "no connections", env: map[string]string{"WS_MAX_CONNECTIONS_PER_USER": "0"}, refused: "WS_MAX_CONNECTIONS_PER_USER"},
		{name: "no credential checks", args: []string{"-ws-credential-check-interval=0s"}, refused: "WS_CREDENTIAL_CHECK_INTERVAL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(tc.args, func(k string) string { return tc.env[k] })
			if tc.refused != "" {
				if err == nil || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("got %v, want a refusal naming %s", err, tc.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.http != tc.http || cfg.wsMaxConns != tc.conns || cfg.wsCredentialCheck != tc.check {
				t.Errorf("got %+v, %d connections, checks every %v; want %+v, %d, %v", cfg.http, cfg.wsMaxConns, cfg.wsCredentialCheck, tc.http, tc.conns, tc.check)
			}
		})
	}
}

// A malformed environment value stops the start with a message naming the
// variable, instead of giving way to the default unseen.
func TestLoadConfigRefusesMalformedEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string // each must appear in the error
	}{
		{"integer", map[string]string{"RETRY_MAX_ATTEMPTS": "abc"}, []string{`RETRY_MAX_ATTEMPTS="abc"`, "integer"}},
		{"fraction for an integer", map[string]string{"RATE_LIMIT_RPS": "1.5"}, []string{`RATE_LIMIT_RPS="1.5"`}},
		{"size with a unit", map[string]string{"BODY_LIMIT_BYTES": "64k"}, []string{`BODY_LIMIT_BYTES="64k"`}},
		{"integer out of range", map[string]string{"WS_MAX_CONNECTIONS_PER_USER": "99999999999999999999"}, []string{"WS_MAX_CONNECTIONS_PER_USER"}},
		{"duration", map[string]string{"HTTP_READ_TIMEOUT": "soon"}, []string{`HTTP_READ_TIMEOUT="soon"`, "duration"}},
		{"duration in days", map[string]string{"EVENT_RETENTION": "30d"}, []string{`EVENT_RETENTION="30d"`}},
		{"duration with a space", map[string]string{"SHUTDOWN_DRAIN_TIMEOUT": "10 s"}, []string{"SHUTDOWN_DRAIN_TIMEOUT"}},
		{"reconnect delay", map[string]string{"SHUTDOWN_RECONNECT_AFTER": "later"}, []string{"SHUTDOWN_RECONNECT_AFTER"}},
		{"no reconnect delay", map[string]string{"SHUTDOWN_RECONNECT_AFTER": "0s"}, []string{"SHUTDOWN_RECONNECT_AFTER", "positive"}},
		{"log level", map[string]string{"LOG_LEVEL": "loud"}, []string{"LOG_LEVEL"}},
		{"boolean", map[string]string{"DEMO": "yes please"}, []string{`DEMO="yes please"`, "true or false"}},
		{"every bad one named", map[string]string{"RETRY_MAX_ATTEMPTS": "abc", "INSTANCE_HEARTBEAT": "often"},
			[]string{"RETRY_MAX_ATTEMPTS", "INSTANCE_HEARTBEAT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(nil, func(k string) string { return tc.env[k] })
			if err == nil {
				t.Fatalf("started with %v, want a refusal", tc.env)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to say %s", err, w)
				}
			}
		})
	}
}

// The reconnect delay clients are told at shutdown comes from the
// environment, or its flag.
func TestLoadConfigReconnectAfter(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want time.Duration
	}{
		{"default", nil, nil, 2 * time.Second},
		{"environment", map[string]string{"SHUTDOWN_RECONNECT_AFTER": "5s"}, nil, 5 * time.Second},
		{"seconds", map[string]string{"SHUTDOWN_RECONNECT_AFTER": "7"}, nil, 7 * time.Second},
		{"flag over the environment", map[string]string{"SHUTDOWN_RECONNECT_AFTER": "5s"}, []string{"-shutdown-reconnect-after=1500ms"}, 1500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(tc.args, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if cfg.reconnectAfter != tc.want {
				t.Errorf("got %v, want %v", cfg.reconnectAfter, tc.want)
			}
		})
	}
}

// RECEIPTS_MAX_MEMBERS: its default, the environment, the flag, and a room
// size no room has refused.
func TestLoadConfigReceiptsMaxMembers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		want    int
		refused bool
	}{
		{name: "default", want: 100},
		{name: "environment", env: map[string]string{"RECEIPTS_MAX_MEMBERS": "250"}, want: 250},
		{name: "flag over the environment", env: map[string]string{"RECEIPTS_MAX_MEMBERS": "250"}, args: []string{"-receipts-max-members=20"}, want: 20},
		{name: "zero", env: map[string]string{"RECEIPTS_MAX_MEMBERS": "0"}, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(tc.args, func(k string) string { return tc.env[k] })
			if tc.refused {
				if err == nil || !strings.Contains(err.Error(), "RECEIPTS_MAX_MEMBERS") {
					t.Fatalf("got %v, want a refusal naming RECEIPTS_MAX_MEMBERS", err)
				}
				return
			}
			if err != nil || cfg.receiptsMaxMembers != tc.want {
				t.Fatalf("got %d, %v; want %d", cfg.receiptsMaxMembers, err, tc.want)
			}
		})
	}
}

// The demo app is off unless asked for.
func TestLoadConfigDemo(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want bool
	}{
		{"off by default", nil, nil, false},
		{"DEMO=true", map[string]string{"DEMO": "true"}, nil, true},
		{"DEMO=false", map[string]string{"DEMO": "false"}, nil, false},
		{"the flag over the environment", map[string]string{"DEMO": "true"}, []string{"-demo=false"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(tc.args, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if cfg.demo != tc.want {
				t.Errorf("demo = %v, want %v", cfg.demo, tc.want)
			}
		})
	}
}

// The collector's target: ChatAPI's own unless GOGC is set, in which case
// the runtime's reading of it stands.
func TestGCPercent(t *testing.T) {
	for _, tc := range []struct {
		name string
		gogc string
		pct  int
		set  bool
	}{
		{name: "GOGC unset", pct: defaultGCPercent, set: true},
		{name: "GOGC a number", gogc: "50"},
		{name: "GOGC off", gogc: "off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pct, set := gcPercent(func(k string) string {
				if k == "GOGC" {
					return tc.gogc
				}
				return ""
			})
			if pct != tc.pct || set != tc.set {
				t.Errorf("gcPercent = %d, %v; want %d, %v", pct, set, tc.pct, tc.set)
			}
		})
	}
}
