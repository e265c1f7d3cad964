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
