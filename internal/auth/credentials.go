package auth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// DefaultAccountID is the account of a credential that names none.
const DefaultAccountID = "000000000000"

// Credential is one access key and the account it acts for.
type Credential struct {
	// Profile is the name of the section the key was read from, e.g. "default".
	Profile         string
	AccessKeyID     string
	SecretAccessKey string
	// AccountID is the 12-digit account whose resources the key may see.
	AccountID string
}

// KeyRing is an immutable set of credentials indexed by access key ID. It is safe for
// concurrent use.
type KeyRing struct {
	byID  map[string]Credential
	order []Credential
}

// NewKeyRing validates creds and returns a key ring holding them. An empty AccountID becomes
// DefaultAccountID. Duplicate access key IDs or profile names are an error.
func NewKeyRing(creds ...Credential) (*KeyRing, error) {
	k := &KeyRing{byID: make(map[string]Credential, len(creds)), order: make([]Credential, 0, len(creds))}
	profiles := make(map[string]bool, len(creds))
	for i, c := range creds {
		if c.AccountID == "" {
			c.AccountID = DefaultAccountID
		}
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("credential %d (profile %q): %w", i, c.Profile, err)
		}
		if _, dup := k.byID[c.AccessKeyID]; dup {
			return nil, fmt.Errorf("credential %d (profile %q): duplicate access key ID %q", i, c.Profile, c.AccessKeyID)
		}
		if c.Profile != "" {
			if profiles[c.Profile] {
				return nil, fmt.Errorf("credential %d: duplicate profile %q", i, c.Profile)
			}
			profiles[c.Profile] = true
		}
		k.byID[c.AccessKeyID] = c
		k.order = append(k.order, c)
	}
	return k, nil
}

// Lookup returns the credential of an access key ID.
func (k *KeyRing) Lookup(accessKeyID string) (Credential, bool) {
	if k == nil {
		return Credential{}, false
	}
	c, ok := k.byID[accessKeyID]
	return c, ok
}

// All returns the credentials in the order they were given; the caller owns the slice.
func (k *KeyRing) All() []Credential {
	if k == nil {
		return nil
	}
	return append([]Credential(nil), k.order...)
}

// Len returns the number of credentials.
func (k *KeyRing) Len() int {
	if k == nil {
		return 0
	}
	return len(k.order)
}

func (c Credential) validate() error {
	if err := validateProfile(c.Profile); err != nil {
		return err
	}
	if err := validateAccessKeyID(c.AccessKeyID); err != nil {
		return err
	}
	if c.SecretAccessKey == "" {
		return errors.New("aws_secret_access_key is empty")
	}
	if strings.ContainsFunc(c.SecretAccessKey, isSpaceOrControl) {
		return errors.New("aws_secret_access_key contains white space or control characters")
	}
	return validateAccountID(c.AccountID)
}

func validateProfile(p string) error {
	if strings.ContainsAny(p, "[]\r\n") || strings.ContainsFunc(p, isControl) || strings.TrimSpace(p) != p {
		return fmt.Errorf("profile name %q must not contain brackets, control characters or surrounding spaces", p)
	}
	return nil
}

// validateAccessKeyID accepts AWS-style key IDs and the short names people use locally
// ("test"); it refuses characters that would break the SigV4 credential scope.
func validateAccessKeyID(id string) error {
	if id == "" {
		return errors.New("aws_access_key_id is empty")
	}
	if len(id) > 128 {
		return fmt.Errorf("aws_access_key_id %q is longer than 128 characters", id)
	}
	for _, r := range id {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return fmt.Errorf("aws_access_key_id %q may contain only letters, digits, '_', '-' and '.'", id)
		}
	}
	return nil
}

func validateAccountID(a string) error {
	if len(a) != 12 || strings.ContainsFunc(a, func(r rune) bool { return r < '0' || r > '9' }) {
		return fmt.Errorf("account_id %q must be 12 digits", a)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func isSpaceOrControl(r rune) bool { return r == ' ' || isControl(r) }

// LoadFile reads an AWS shared-credentials file: INI sections named after profiles, each with
// aws_access_key_id, aws_secret_access_key and an optional account_id (default
// DefaultAccountID). Lines starting with '#' or ';' are comments; other keys (for example
// aws_session_token or region) are ignored. Errors name the file and line.
func LoadFile(path string) (*KeyRing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load credentials: %w", err)
	}
	defer f.Close()
	creds, err := parseCredentials(path, f)
	if err != nil {
		return nil, err
	}
	k, err := NewKeyRing(creds...)
	if err != nil {
		return nil, fmt.Errorf("load credentials %s: %w", path, err)
	}
	return k, nil
}

type section struct {
	cred      Credential
	line      int
	keyLines  map[string]int
	hasID     bool
	hasSecret bool
}

func parseCredentials(name string, r io.Reader) ([]Credential, error) {
	errorf := func(line int, format string, args ...any) error {
		return fmt.Errorf("credentials file %s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	var (
		sections []*section
		cur      *section
		byName   = map[string]int{}
		byKey    = map[string]int{}
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				return nil, errorf(n, "section header %q is missing its closing ']'", line)
			}
			p := strings.TrimSpace(line[1 : len(line)-1])
			if p == "" {
				return nil, errorf(n, "empty profile name")
			}
			if err := validateProfile(p); err != nil {
				return nil, errorf(n, "%v", err)
			}
			if first, dup := byName[p]; dup {
				return nil, errorf(n, "profile %q is defined twice (first on line %d)", p, first)
			}
			byName[p] = n
			cur = &section{cred: Credential{Profile: p}, line: n, keyLines: map[string]int{}}
			sections = append(sections, cur)
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, errorf(n, "expected \"key = value\" or \"[profile]\", got %q", line)
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		if k == "" {
			return nil, errorf(n, "missing key before '='")
		}
		if cur == nil {
			return nil, errorf(n, "key %q appears before any [profile] section", k)
		}
		if first, dup := cur.keyLines[k]; dup {
			return nil, errorf(n, "key %q is set twice in profile %q (first on line %d)", k, cur.cred.Profile, first)
		}
		cur.keyLines[k] = n
		switch k {
		case "aws_access_key_id":
			if err := validateAccessKeyID(v); err != nil {
				return nil, errorf(n, "profile %q: %v", cur.cred.Profile, err)
			}
			if first, dup := byKey[v]; dup {
				return nil, errorf(n, "profile %q: access key ID %q is already used on line %d", cur.cred.Profile, v, first)
			}
			byKey[v] = n
			cur.cred.AccessKeyID = v
			cur.hasID = true
		case "aws_secret_access_key":
			if v == "" {
				return nil, errorf(n, "profile %q: aws_secret_access_key is empty", cur.cred.Profile)
			}
			if strings.ContainsFunc(v, isSpaceOrControl) {
				return nil, errorf(n, "profile %q: aws_secret_access_key contains white space or control characters", cur.cred.Profile)
			}
			cur.cred.SecretAccessKey = v
			cur.hasSecret = true
		case "account_id":
			if err := validateAccountID(v); err != nil {
				return nil, errorf(n, "profile %q: %v", cur.cred.Profile, err)
			}
			cur.cred.AccountID = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("credentials file %s: read: %w", name, err)
	}
	if len(sections) == 0 {
		return nil, fmt.Errorf("credentials file %s: no [profile] sections", name)
	}
	creds := make([]Credential, 0, len(sections))
	for _, s := range sections {
		if !s.hasID {
			return nil, errorf(s.line, "profile %q has no aws_access_key_id", s.cred.Profile)
		}
		if !s.hasSecret {
			return nil, errorf(s.line, "profile %q has no aws_secret_access_key", s.cred.Profile)
		}
		if s.cred.AccountID == "" {
			s.cred.AccountID = DefaultAccountID
		}
		creds = append(creds, s.cred)
	}
	return creds, nil
}

const (
	keyIDAlphabet  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// Generate returns a new random credential: an access key ID of "AKIA" and 16 upper-case
// letters or digits, and a 40-character secret, both from crypto/rand. An empty accountID
// becomes DefaultAccountID.
func Generate(profile, accountID string) (Credential, error) {
	if accountID == "" {
		accountID = DefaultAccountID
	}
	id, err := randomString(keyIDAlphabet, 16)
	if err != nil {
		return Credential{}, fmt.Errorf("generate access key ID: %w", err)
	}
	secret, err := randomString(secretAlphabet, 40)
	if err != nil {
		return Credential{}, fmt.Errorf("generate secret access key: %w", err)
	}
	c := Credential{Profile: profile, AccessKeyID: "AKIA" + id, SecretAccessKey: secret, AccountID: accountID}
	if err := c.validate(); err != nil {
		return Credential{}, fmt.Errorf("generate credential: %w", err)
	}
	return c, nil
}

// randomString draws n characters uniformly from alphabet (at most 256 characters) by
// rejection sampling.
func randomString(alphabet string, n int) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, alphabet[int(b)%len(alphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out), nil
}

// WriteFile writes creds to path in the shared-credentials format that LoadFile reads, with
// mode 0600, creating its directory (mode 0700) if needed. It writes a temporary file in the
// same directory and renames it over path, so a reader sees either the old file or the new
// one.
func WriteFile(path string, creds []Credential) error {
	if _, err := NewKeyRing(creds...); err != nil {
		return fmt.Errorf("write credentials %s: %w", path, err)
	}
	var buf bytes.Buffer
	buf.WriteString("# scaled access keys: [profile], aws_access_key_id, aws_secret_access_key, account_id\n")
	for i, c := range creds {
		if c.Profile == "" {
			return fmt.Errorf("write credentials %s: credential %d has no profile name", path, i)
		}
		account := c.AccountID
		if account == "" {
			account = DefaultAccountID
		}
		fmt.Fprintf(&buf, "\n[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\naccount_id = %s\n",
			c.Profile, c.AccessKeyID, c.SecretAccessKey, account)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write credentials %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write credentials %s: %w", path, err)
	}
	tmpName := tmp.Name()
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(tmpName)
		return fmt.Errorf("write credentials %s: %w", path, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmpName)
		return fmt.Errorf("write credentials %s: %w", path, err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		_ = os.Remove(tmpName)
		return fmt.Errorf("write credentials %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
