package s3test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// gate checks each request's signature as S3 does before handing it to
// next (moto, which checks none): signature version 4 (AWS4-HMAC-SHA256 over
// the canonical request), the credential's key and scope, and the time: the
// expiry of a presigned URL (query authentication, UNSIGNED-PAYLOAD), or
// the 15 minutes of skew S3 allows a request signed in its Authorization
// header (whose payload hash is the x-amz-content-sha256 header as sent; a
// streaming upload's chunk signatures are not checked). A request with
// neither is anonymous and refused, as for a private bucket.
type gate struct {
	accessKey, secretKey, region string
	now                          func() time.Time
	next                         http.Handler
}

const amzDate = "20060102T150405Z"

// signed is what a request says about its signature, wherever it carries it.
type signed struct {
	credential, date, signedHeaders, signature, payloadHash string
	expires                                                 string // query authentication only
	query                                                   url.Values
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var s signed
	switch auth := r.Header.Get("Authorization"); {
	case auth != "":
		rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
		if !ok {
			s3Error(w, http.StatusBadRequest, "InvalidRequest", "only AWS4-HMAC-SHA256 is supported")
			return
		}
		for _, part := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				s.credential = v
			case "SignedHeaders":
				s.signedHeaders = v
			case "Signature":
				s.signature = v
			}
		}
		s.date = r.Header.Get("X-Amz-Date")
		s.payloadHash = r.Header.Get("X-Amz-Content-Sha256")
		s.query = q
	case q.Has("X-Amz-Signature"):
		if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
			s3Error(w, http.StatusBadRequest, "AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
			return
		}
		s = signed{credential: q.Get("X-Amz-Credential"), date: q.Get("X-Amz-Date"), signedHeaders: q.Get("X-Amz-SignedHeaders"),
			signature: q.Get("X-Amz-Signature"), payloadHash: "UNSIGNED-PAYLOAD", expires: q.Get("X-Amz-Expires")}
		s.query = url.Values{}
		for k, v := range q {
			if k != "X-Amz-Signature" {
				s.query[k] = v
			}
		}
	default:
		s3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	if code, msg := g.check(r, s); code != "" {
		s3Error(w, http.StatusForbidden, code, msg)
		return
	}
	g.next.ServeHTTP(w, r)
}

// check returns S3's error code and message for a signed request it
// refuses, or "" when it accepts it.
func (g *gate) check(r *http.Request, s signed) (code, msg string) {
	cred := strings.Split(s.credential, "/")
	if len(cred) != 5 || cred[3] != "s3" || cred[4] != "aws4_request" {
		return "AuthorizationQueryParametersError", "malformed credential"
	}
	if cred[0] != g.accessKey {
		return "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
	}
	at, err := time.Parse(amzDate, s.date)
	if err != nil || at.Format("20060102") != cred[1] || cred[2] != g.region {
		return "AuthorizationQueryParametersError", "X-Amz-Date or the credential scope is malformed"
	}
	now := g.now()
	if s.expires != "" {
		expires, err := strconv.Atoi(s.expires)
		if err != nil || expires < 1 || expires > 604800 {
			return "AuthorizationQueryParametersError", "X-Amz-Expires must be from 1 to 604800 seconds"
		}
		if now.After(at.Add(time.Duration(expires) * time.Second)) {
			return "AccessDenied", "Request has expired"
		}
		if at.After(now.Add(15 * time.Minute)) {
			return "AccessDenied", "Request is not valid yet"
		}
	} else if d := now.Sub(at); d > 15*time.Minute || d < -15*time.Minute {
		return "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."
	}
	if s.payloadHash == "" {
		return "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"
	}
	names := strings.Split(s.signedHeaders, ";")
	if !sort.StringsAreSorted(names) || !slices.Contains(names, "host") {
		return "AuthorizationQueryParametersError", "SignedHeaders must be sorted and include host"
	}

	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	canon.WriteString(r.URL.EscapedPath() + "\n")
	canon.WriteString(canonicalQuery(s.query) + "\n")
	for _, name := range names {
		canon.WriteString(name + ":" + headerValue(r, name) + "\n")
	}
	canon.WriteString("\n" + s.signedHeaders + "\n" + s.payloadHash)
	sum := sha256.Sum256([]byte(canon.String()))
	toSign := "AWS4-HMAC-SHA256\n" + s.date + "\n" + strings.Join(cred[1:], "/") + "\n" + hex.EncodeToString(sum[:])

	key := []byte("AWS4" + g.secretKey)
	for _, part := range cred[1:] {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(s.signature)) {
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

// canonicalQuery is the query sorted by name (then value), each part
// percent-encoded as signature version 4 encodes it.
func canonicalQuery(q url.Values) string {
	var parts []string
	for k, vs := range q {
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

// s3Error answers as S3 does, with its XML error document.
func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>", code, msg)
}
