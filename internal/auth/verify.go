package auth

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/scaled-dev/scaled/internal/awsjson"
	"github.com/scaled-dev/scaled/internal/clock"
)

// DefaultMaxSkew is how far a request's signing time may be from the server's clock.
const DefaultMaxSkew = 15 * time.Minute

// maxPresignExpiry is the longest X-Amz-Expires AWS accepts (seven days).
const maxPresignExpiry = 7 * 24 * time.Hour

const (
	algorithm       = "AWS4-HMAC-SHA256"
	scopeTerminator = "aws4_request"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	emptySHA256     = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

	headerAuthorization = "Authorization"
	headerAmzDate       = "X-Amz-Date"
	headerContentSHA256 = "X-Amz-Content-Sha256"

	queryAlgorithm     = "X-Amz-Algorithm"
	queryCredential    = "X-Amz-Credential"
	queryDate          = "X-Amz-Date"
	querySignedHeaders = "X-Amz-SignedHeaders"
	querySignature     = "X-Amz-Signature"
	queryExpires       = "X-Amz-Expires"
)

// VerifierOptions configures a Verifier.
type VerifierOptions struct {
	// Keys are the accepted access keys; nil accepts none.
	Keys *KeyRing
	// Clock supplies the time requests are checked against; nil means clock.Real.
	Clock clock.Clock
	// Region is the region the credential scope must name; "" accepts any region.
	Region string
	// Services are the accepted signing names of the credential scope, e.g.
	// "application-autoscaling", "monitoring", "sagemaker"; empty accepts any. The first one is
	// named in the error for a wrong service.
	Services []string
	// MaxSkew is how far the signing time may be from the clock; 0 means DefaultMaxSkew.
	MaxSkew time.Duration
	// MaxBody is the largest body Verify reads to hash; 0 means awsjson.DefaultMaxBody.
	MaxBody int64
}

// Verifier checks AWS Signature Version 4 on incoming requests. It is safe for concurrent
// use.
type Verifier struct {
	keys     *KeyRing
	clock    clock.Clock
	region   string
	services []string
	maxSkew  time.Duration
	maxBody  int64
	signer   *v4.Signer
}

// NewVerifier returns a Verifier for o.
func NewVerifier(o VerifierOptions) *Verifier {
	v := &Verifier{
		keys:     o.Keys,
		clock:    o.Clock,
		region:   o.Region,
		services: slices.Clone(o.Services),
		maxSkew:  o.MaxSkew,
		maxBody:  o.MaxBody,
		signer: v4.NewSigner(func(so *v4.SignerOptions) {
			// The rebuilt request carries exactly the headers the client signed; none may move
			// to the query string.
			so.DisableHeaderHoisting = true
		}),
	}
	if v.clock == nil {
		v.clock = clock.Real{}
	}
	if v.maxSkew <= 0 {
		v.maxSkew = DefaultMaxSkew
	}
	if v.maxBody <= 0 {
		v.maxBody = awsjson.DefaultMaxBody
	}
	return v
}

// sigInput is what a request says about its own signature.
type sigInput struct {
	presigned     bool
	accessKeyID   string
	region        string
	service       string
	signedHeaders []string
	// signedHeadersRaw is the SignedHeaders value as sent.
	signedHeadersRaw string
	signature        string
	amzDate          string
	signedAt         time.Time
	expires          time.Duration // presigned only; 0 when absent
	query            url.Values    // presigned only: the query without X-Amz-Signature
}

// Verify checks the SigV4 signature of r, given either in the Authorization header or as a
// presigned query string (X-Amz-Signature), and returns the caller's credential. To hash the
// payload it reads r.Body (at most MaxBody bytes) and puts an unread copy back, unless the
// client sent X-Amz-Content-Sha256: UNSIGNED-PAYLOAD. Errors are *awsjson.Error values with
// the AWS code and HTTP status.
func (v *Verifier) Verify(r *http.Request) (Credential, error) {
	in, err := v.parse(r)
	if err != nil {
		return Credential{}, err
	}
	if err := v.checkScope(in); err != nil {
		return Credential{}, err
	}
	cred, ok := v.keys.Lookup(in.accessKeyID)
	if !ok {
		return Credential{}, errUnknownKey()
	}
	if err := v.checkTime(in); err != nil {
		return Credential{}, err
	}
	hashes, err := v.payloadHashes(r, in)
	if err != nil {
		return Credential{}, err
	}
	for _, h := range hashes {
		signedHeaders, sig, err := v.sign(r, in, cred, h)
		if err != nil {
			return Credential{}, err
		}
		// The signer decides which headers it signs; the request must have claimed exactly
		// those, so that no two Authorization values verify the same signature.
		if signedHeaders == in.signedHeadersRaw && subtle.ConstantTimeCompare([]byte(sig), []byte(in.signature)) == 1 {
			return cred, nil
		}
	}
	return Credential{}, errSignatureMismatch()
}

func (v *Verifier) parse(r *http.Request) (*sigInput, error) {
	auths := r.Header.Values(headerAuthorization)
	query, qerr := url.ParseQuery(r.URL.RawQuery)
	presigned := query.Has(querySignature) || query.Has(queryAlgorithm) || query.Has(queryCredential)
	if qerr != nil && (len(auths) > 0 || presigned) {
		// A signature covers the parsed query; parts that do not parse could change unseen.
		return nil, errInvalid("The query string is malformed and cannot be verified: %v.", qerr)
	}
	switch {
	case len(auths) > 1:
		return nil, errIncomplete("Only one Authorization header may be sent, got %d.", len(auths))
	case len(auths) == 1 && presigned:
		return nil, errIncomplete("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.")
	case len(auths) == 1:
		return parseHeader(r, auths[0])
	case presigned:
		return parseQuery(query)
	}
	return nil, errMissingToken()
}

func parseHeader(r *http.Request, auth string) (*sigInput, error) {
	in := &sigInput{}
	algo, rest, _ := strings.Cut(strings.TrimSpace(auth), " ")
	params := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, errIncomplete("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, auth)
		}
		k = strings.TrimSpace(k)
		if _, dup := params[k]; dup {
			return nil, errIncomplete("Authorization header has parameter '%s' more than once: '%s'.", k, auth)
		}
		params[k] = strings.TrimSpace(val)
	}
	dates := r.Header.Values(headerAmzDate)
	var missing strings.Builder
	for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[p] == "" {
			fmt.Fprintf(&missing, "Authorization header requires '%s' parameter. ", p)
		}
	}
	if len(dates) == 0 && r.Header.Get("Date") == "" {
		missing.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	if missing.Len() > 0 {
		return nil, errIncomplete("%sAuthorization=%s", missing.String(), auth)
	}
	if algo != algorithm {
		return nil, errIncomplete("Unsupported AWS 'algorithm': '%s'; only %s is accepted.", algo, algorithm)
	}
	if len(dates) == 0 {
		return nil, errIncomplete("Requests signed with the Date header are not supported; sign the request with X-Amz-Date.")
	}
	if len(dates) > 1 {
		return nil, errIncomplete("Only one X-Amz-Date header may be sent, got %d.", len(dates))
	}
	if err := in.setDate(dates[0]); err != nil {
		return nil, err
	}
	if err := in.setCredential(params["Credential"]); err != nil {
		return nil, err
	}
	in.signedHeadersRaw = params["SignedHeaders"]
	in.signedHeaders = strings.Split(in.signedHeadersRaw, ";")
	in.signature = params["Signature"]
	return in, nil
}

func parseQuery(q url.Values) (*sigInput, error) {
	in := &sigInput{presigned: true}
	var missing []string
	for _, k := range []string{queryAlgorithm, queryCredential, queryDate, querySignedHeaders, querySignature} {
		switch n := len(q[k]); {
		case n == 0 || q.Get(k) == "":
			missing = append(missing, k)
		case n > 1:
			return nil, errIncomplete("Query parameter %s must appear once, got %d.", k, n)
		}
	}
	if len(missing) > 0 {
		return nil, errIncomplete("AWS query-string parameters must include %s. Re-examine the query-string parameters.", strings.Join(missing, ", "))
	}
	if a := q.Get(queryAlgorithm); a != algorithm {
		return nil, errIncomplete("Unsupported AWS 'algorithm': '%s'; only %s is accepted.", a, algorithm)
	}
	if err := in.setDate(q.Get(queryDate)); err != nil {
		return nil, err
	}
	if err := in.setCredential(q.Get(queryCredential)); err != nil {
		return nil, err
	}
	if vals, ok := q[queryExpires]; ok {
		if len(vals) != 1 {
			return nil, errIncomplete("Query parameter %s must appear once, got %d.", queryExpires, len(vals))
		}
		secs, err := strconv.ParseInt(vals[0], 10, 64)
		if err != nil || secs < 1 || time.Duration(secs)*time.Second > maxPresignExpiry {
			return nil, errIncomplete("X-Amz-Expires must be a whole number of seconds from 1 to %d, got '%s'.", int64(maxPresignExpiry/time.Second), vals[0])
		}
		in.expires = time.Duration(secs) * time.Second
	}
	in.signedHeadersRaw = q.Get(querySignedHeaders)
	in.signedHeaders = strings.Split(in.signedHeadersRaw, ";")
	in.signature = q.Get(querySignature)
	rest := make(url.Values, len(q))
	for k, vals := range q {
		if k != querySignature {
			rest[k] = vals
		}
	}
	in.query = rest
	return in, nil
}

func (in *sigInput) setDate(s string) error {
	t, err := time.Parse(amzDateFormat, s)
	if err != nil || t.Format(amzDateFormat) != s {
		return errIncomplete("X-Amz-Date must be in the ISO 8601 basic format yyyyMMdd'T'HHmmss'Z', got '%s'.", s)
	}
	in.amzDate, in.signedAt = s, t
	return nil
}

func (in *sigInput) setCredential(c string) error {
	parts := strings.Split(c, "/")
	if len(parts) != 5 {
		return errIncomplete("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", c)
	}
	if parts[0] == "" {
		return errIncomplete("Credential has an empty access key ID: '%s'", c)
	}
	if parts[4] != scopeTerminator {
		return errInvalid("Credential should be scoped with a valid terminator: '%s', not '%s'. ", scopeTerminator, parts[4])
	}
	if want := in.amzDate[:8]; parts[1] != want {
		return errInvalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", parts[1], want, in.amzDate)
	}
	in.accessKeyID, in.region, in.service = parts[0], parts[2], parts[3]
	return nil
}

func (v *Verifier) checkScope(in *sigInput) error {
	if v.region != "" && in.region != v.region {
		return errRegion(in.region)
	}
	if len(v.services) > 0 && !slices.Contains(v.services, in.service) {
		return errService(v.services[0])
	}
	return nil
}

func (v *Verifier) checkTime(in *sigInput) error {
	now := v.clock.Now()
	if in.signedAt.After(now.Add(v.maxSkew)) {
		return errNotYetCurrent(in.signedAt, now, v.maxSkew)
	}
	if in.presigned && in.expires > 0 {
		if now.After(in.signedAt.Add(in.expires)) {
			return errInvalid("Signature expired: the presigned request was signed at %s and was valid for %d seconds; it is now %s.",
				in.amzDate, int64(in.expires/time.Second), now.UTC().Format(amzDateFormat))
		}
		return nil
	}
	if in.signedAt.Before(now.Add(-v.maxSkew)) {
		return errExpired(in.signedAt, now, v.maxSkew)
	}
	return nil
}

// payloadHashes returns the payload hashes to try, in order. A declared
// X-Amz-Content-Sha256 is the only candidate (after checking it against the body); otherwise
// the body's SHA-256, and for presigned requests also UNSIGNED-PAYLOAD, which presigning
// clients commonly use.
func (v *Verifier) payloadHashes(r *http.Request, in *sigInput) ([]string, error) {
	declared := r.Header.Values(headerContentSHA256)
	if len(declared) == 0 && in.presigned {
		declared = in.query[headerContentSHA256]
	}
	if len(declared) > 1 {
		return nil, errIncomplete("Only one X-Amz-Content-Sha256 value may be sent, got %d.", len(declared))
	}
	if len(declared) == 1 && declared[0] == unsignedPayload {
		return []string{unsignedPayload}, nil
	}
	if len(declared) == 1 && !isHexSHA256(declared[0]) {
		return nil, errInvalid("X-Amz-Content-Sha256 must be UNSIGNED-PAYLOAD or a lower-case hex SHA-256 of the body, got '%s'.", declared[0])
	}
	sum, err := v.hashBody(r)
	if err != nil {
		return nil, err
	}
	if len(declared) == 1 {
		if declared[0] != sum {
			return nil, errInvalid("The provided 'x-amz-content-sha256' header does not match what was computed.")
		}
		return declared, nil
	}
	if in.presigned {
		return []string{sum, unsignedPayload}, nil
	}
	return []string{sum}, nil
}

func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// hashBody reads the body (bounded by maxBody), puts an unread copy back and returns the
// hex SHA-256 of it.
func (v *Verifier) hashBody(r *http.Request) (string, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return emptySHA256, nil
	}
	orig := r.Body
	body, err := io.ReadAll(io.LimitReader(orig, v.maxBody+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", errBodyTooLarge(mbe.Limit)
		}
		return "", &awsjson.Error{Type: "SerializationException", Status: http.StatusBadRequest, Message: "Could not read request body: " + err.Error()}
	}
	if int64(len(body)) > v.maxBody {
		return "", errBodyTooLarge(v.maxBody)
	}
	r.Body = replayBody{Reader: bytes.NewReader(body), closer: orig}
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// replayBody serves the bytes Verify read and closes the original body.
type replayBody struct {
	*bytes.Reader
	closer io.Closer
}

func (b replayBody) Close() error { return b.closer.Close() }

// sign rebuilds the request as the client signed it, holding only the signed headers, signs
// it with the SDK signer and returns the signature.
func (v *Verifier) sign(r *http.Request, in *sigInput, cred Credential, payloadHash string) (signedHeaders, signature string, err error) {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	hdr := make(http.Header, len(in.signedHeaders))
	var contentLength int64
	for _, name := range in.signedHeaders {
		switch name {
		case "host":
			// The signer takes it from Request.Host.
		case "content-length":
			contentLength = r.ContentLength
			if contentLength < 0 {
				contentLength, _ = strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
			}
		case "x-amz-date":
			if !in.presigned {
				// The signer writes this header from the signing time.
				break
			}
			fallthrough
		default:
			vals := r.Header[textproto.CanonicalMIMEHeaderKey(name)]
			if len(vals) == 0 {
				continue
			}
			// Lower-case keys: the signer then signs every header the client signed, including
			// ones it would skip under their canonical names (User-Agent, Expect, ...).
			hdr[name] = vals
		}
	}
	req := &http.Request{
		Method:        r.Method,
		Host:          host,
		Header:        hdr,
		ContentLength: contentLength,
		// No scheme: the signer then keeps the port in Host exactly as sent.
		URL: &url.URL{Host: host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
	}
	creds := aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey}
	if in.presigned {
		req.URL.RawQuery = in.query.Encode()
		uri, _, err := v.signer.PresignHTTP(r.Context(), creds, req, payloadHash, in.service, in.region, in.signedAt)
		if err != nil {
			return "", "", fmt.Errorf("presign request: %w", err)
		}
		u, err := url.Parse(uri)
		if err != nil {
			return "", "", fmt.Errorf("presign request: parse signed URL: %w", err)
		}
		q := u.Query()
		return q.Get(querySignedHeaders), q.Get(querySignature), nil
	}
	if err := v.signer.SignHTTP(r.Context(), creds, req, payloadHash, in.service, in.region, in.signedAt); err != nil {
		return "", "", fmt.Errorf("sign request: %w", err)
	}
	// The signer writes "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
	got := req.Header.Get(headerAuthorization)
	_, rest, ok1 := strings.Cut(got, "SignedHeaders=")
	signedHeaders, signature, ok2 := strings.Cut(rest, ", Signature=")
	if !ok1 || !ok2 {
		return "", "", fmt.Errorf("sign request: unexpected Authorization %q", got)
	}
	return signedHeaders, signature, nil
}
