package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrPrivateTarget refuses a target on loopback, a private network, a
// link-local or otherwise non-public address (unless private targets are
// allowed): a webhook must not be a way into the servers' own network.
var ErrPrivateTarget = errors.New("the address is not public (loopback, private, link-local or reserved)")

// cgnat is the shared address space of carrier-grade NAT (RFC 6598),
// private in all but name.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// publicAddr reports whether a is an address a webhook may reach.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate() && !cgnat.Contains(a)
}

// CheckURL is the rule every target the service calls follows, webhook
// endpoints and the before-send hook alike: an absolute http(s) URL of a
// host without credentials, and unless allowPrivate a host that is not and
// does not resolve to a non-public address. A name that does not resolve
// now is let through: the dialer checks every address again at delivery,
// where a change of DNS (rebinding) is caught.
func CheckURL(ctx context.Context, raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return errors.New("must be an absolute http or https URL")
	}
	if u.User != nil {
		return errors.New("must not carry credentials")
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if !publicAddr(a) {
			return ErrPrivateTarget
		}
		return nil
	}
	if h := strings.ToLower(strings.TrimSuffix(host, ".")); h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return ErrPrivateTarget
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return ErrPrivateTarget
		}
	}
	return nil
}

// GuardDial is a net.Dialer Control: it refuses a connection to a
// non-public address, whatever name led there, at the moment of
// connecting. The webhook sender's and the before-send hook's clients
// dial through it.
func GuardDial(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("webhook dial %s: %w", address, err)
	}
	if !publicAddr(a) {
		return fmt.Errorf("webhook dial %s: %w", address, ErrPrivateTarget)
	}
	return nil
}
