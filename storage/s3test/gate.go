package s3test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// gate checks presigned requests as S3 does before handing them to next
// (moto, which checks none): signature version 4 query authentication
// (AWS4-HMAC-SHA256 over the canonical request with an UNSIGNED-PAYLOAD),
// the credential's key and scope, and the expiry. A request with an
// Authorization header passes (moto takes it as it is); one with neither is
// anonymous and refused, as for a private bucket.
type gate struct {
	accessKey, secretKey, region string
	now                          func() time.Time
	next                         http.Handler
}

const amzDate = "20060102T150405Z"

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		g.next.ServeHTTP(w, r)
		return
	}
	q := r.URL.Query()
	if !q.Has("X-Amz-Signature") {
		s3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	if code, msg := g.check(r, q); code != "" {
		s3Error(w, http.StatusForbidden, code, msg)
		return
	}
	g.next.ServeHTTP(w, r)
}

// check returns S3's error code and message for a presigned request it
// refuses, or "" when it accepts it.
func (g *gate) check(r *http.Request, q url.Values) (code, msg string) {
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return "AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""
	}
	cred := strings.Split(q.Get("X-Amz-Credential"), "/")
	if len(cred) != 5 || cred[3] != "s3" || cred[4] != "aws4_request" {
		return "AuthorizationQueryParametersError", "malformed X-Amz-Credential"
	}
	if cred[0] != g.accessKey {
		return "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
	}
	signed, err := time.Parse(amzDate, q.Get("X-Amz-Date"))
	if err != nil || signed.Format("20060102") != cred[1] || cred[2] != g.region {
		return "AuthorizationQueryParametersError", "X-Amz-Date or the credential scope is malformed"
	}
	expires, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || expires < 1 || expires > 604800 {
		return "AuthorizationQueryParametersError", "X-Amz-Expires must be from 1 to 604800 seconds"
	}
	now := g.now()
	if now.After(signed.Add(time.Duration(expires) * time.Second)) {
		return "AccessDenied", "Request has expired"
	}
	if signed.After(now.Add(15 * time.Minute)) {
		return "AccessDenied", "Request is not valid yet"
	}
	signedHeaders := q.Get("X-Amz-SignedHeaders")
	names := strings.Split(signedHeaders, ";")
	if !sort.StringsAreSorted(names) || !contains(names, "host") {
		return "AuthorizationQueryParametersError", "X-Amz-SignedHeaders must be sorted and include host"
	}

	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	canon.WriteString(r.URL.EscapedPath() + "\n")
	canon.WriteString(canonicalQuery(q) + "\n")
	for _, name := range names {
		canon.WriteString(name + ":" + headerValue(r, name) + "\n")
	}
	canon.WriteString("\n" + signedHeaders + "\nUNSIGNED-PAYLOAD")
	sum := sha256.Sum256([]byte(canon.String()))
	toSign := "AWS4-HMAC-SHA256\n" + q.Get("X-Amz-Date") + "\n" + strings.Join(cred[1:], "/") + "\n" + hex.EncodeToString(sum[:])

	key := []byte("AWS4" + g.secretKey)
	for _, part := range cred[1:] {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(q.Get("X-Amz-Signature"))) {
		return "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."
	}
	return "", ""
}

// headerValue is a signed header's value as the canonical request has it:
// trimmed, inner runs of spaces folded, several values comma-joined.
func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		// net/http moves the header into the field.
		if r.ContentLength >= 0 && r.Header.Get("Content-Length") == "" {
			return strconv.FormatInt(r.ContentLength, 10)
		}
	}
	var vals []string
	for _, v := range r.Header.Values(name) {
		vals = append(vals, strings.Join(strings.Fields(v), " "))
	}
	return strings.Join(vals, ",")
}

// canonicalQuery is the query without the signature, sorted by name (then
// value), each part percent-encoded as signature version 4 encodes it.
func canonicalQuery(q url.Values) string {
	var parts []string
	for k, vs := range q {
		if k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			parts = append(parts, uriEncode(k)+"="+uriEncode(v))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes every byte but the unreserved characters of
// RFC 3986 (A-Z a-z 0-9 - . _ ~), in upper-case hex.
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// s3Error answers as S3 does, with its XML error document.
func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>", code, msg)
}
