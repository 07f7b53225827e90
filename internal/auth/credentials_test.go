package auth

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadFileGood(t *testing.T) {
	k, err := LoadFile("testdata/good.ini")
	if err != nil {
		t.Fatal(err)
	}
	want := []Credential{
		{Profile: "default", AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AccountID: DefaultAccountID},
		{Profile: "team-b", AccessKeyID: "AKIAI44QH8DHBEXAMPLE", SecretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", AccountID: "123456789012"},
	}
	if diff := cmp.Diff(want, k.All()); diff != "" {
		t.Errorf("All() mismatch (-want +got):\n%s", diff)
	}
	got, ok := k.Lookup("AKIAI44QH8DHBEXAMPLE")
	if !ok || got != want[1] {
		t.Errorf("Lookup = %+v, %v; want %+v, true", got, ok, want[1])
	}
	if _, ok := k.Lookup("AKIANOTTHERE"); ok {
		t.Error("Lookup of an unknown key succeeded")
	}
}

func TestLoadFileBad(t *testing.T) {
	tests := []struct {
		file string
		want string // the whole error text
	}{
		{"bad-no-secret.ini", "credentials file testdata/bad-no-secret.ini:1: profile \"default\" has no aws_secret_access_key"},
		{"bad-duplicate-key.ini", "credentials file testdata/bad-duplicate-key.ini:6: profile \"b\": access key ID \"AKIAIOSFODNN7EXAMPLE\" is already used on line 2"},
		{"bad-duplicate-profile.ini", "credentials file testdata/bad-duplicate-profile.ini:5: profile \"a\" is defined twice (first on line 1)"},
		{"bad-account.ini", "credentials file testdata/bad-account.ini:4: profile \"default\": account_id \"1234\" must be 12 digits"},
		{"bad-syntax.ini", "credentials file testdata/bad-syntax.ini:3: expected \"key = value\" or \"[profile]\", got \"aws_secret_access_key secret\""},
		{"bad-key-before-section.ini", "credentials file testdata/bad-key-before-section.ini:1: key \"aws_access_key_id\" appears before any [profile] section"},
		{"bad-unclosed-section.ini", "credentials file testdata/bad-unclosed-section.ini:1: section header \"[default\" is missing its closing ']'"},
		{"bad-key-id.ini", "credentials file testdata/bad-key-id.ini:2: profile \"default\": aws_access_key_id \"AKIA/BAD KEY\" may contain only letters, digits, '_', '-' and '.'"},
		{"bad-empty.ini", "credentials file testdata/bad-empty.ini: no [profile] sections"},
		{"bad-repeated-key.ini", "credentials file testdata/bad-repeated-key.ini:4: key \"aws_secret_access_key\" is set twice in profile \"default\" (first on line 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := LoadFile(filepath.Join("testdata", tt.file))
			if err == nil {
				t.Fatal("LoadFile succeeded, want an error")
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile(filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("LoadFile(missing) = %v, want a not-found error", err)
	}
}

func TestNewKeyRing(t *testing.T) {
	good := Credential{Profile: "a", AccessKeyID: "AKIA1", SecretAccessKey: "s"}
	tests := []struct {
		name    string
		creds   []Credential
		want    []Credential
		wantErr string
	}{
		{name: "empty", creds: nil, want: nil},
		{name: "default account", creds: []Credential{good},
			want: []Credential{{Profile: "a", AccessKeyID: "AKIA1", SecretAccessKey: "s", AccountID: DefaultAccountID}}},
		{name: "duplicate key", creds: []Credential{good, {Profile: "b", AccessKeyID: "AKIA1", SecretAccessKey: "t"}},
			wantErr: `credential 1 (profile "b"): duplicate access key ID "AKIA1"`},
		{name: "duplicate profile", creds: []Credential{good, {Profile: "a", AccessKeyID: "AKIA2", SecretAccessKey: "t"}},
			wantErr: `credential 1: duplicate profile "a"`},
		{name: "empty key", creds: []Credential{{Profile: "a", SecretAccessKey: "s"}},
			wantErr: `credential 0 (profile "a"): aws_access_key_id is empty`},
		{name: "empty secret", creds: []Credential{{Profile: "a", AccessKeyID: "AKIA1"}},
			wantErr: `credential 0 (profile "a"): aws_secret_access_key is empty`},
		{name: "bad account", creds: []Credential{{AccessKeyID: "AKIA1", SecretAccessKey: "s", AccountID: "12345678901x"}},
			wantErr: `credential 0 (profile ""): account_id "12345678901x" must be 12 digits`},
		{name: "bad profile", creds: []Credential{{Profile: "a]b", AccessKeyID: "AKIA1", SecretAccessKey: "s"}},
			wantErr: `credential 0 (profile "a]b"): profile name "a]b" must not contain brackets, control characters or surrounding spaces`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := NewKeyRing(tt.creds...)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("NewKeyRing error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, k.All()); diff != "" {
				t.Errorf("All() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNilKeyRing(t *testing.T) {
	var k *KeyRing
	if _, ok := k.Lookup("x"); ok || k.All() != nil || k.Len() != 0 {
		t.Error("nil KeyRing is not empty")
	}
}

func TestKeyRingConcurrentReads(t *testing.T) {
	k, err := LoadFile("testdata/good.ini")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if _, ok := k.Lookup("AKIAIOSFODNN7EXAMPLE"); !ok {
					t.Error("lookup failed")
				}
				_ = k.All()
			}
		})
	}
	wg.Wait()
}

func TestGenerate(t *testing.T) {
	idRE := regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`)
	secretRE := regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
	seen := map[string]bool{}
	for range 50 {
		c, err := Generate("default", "")
		if err != nil {
			t.Fatal(err)
		}
		if !idRE.MatchString(c.AccessKeyID) || !secretRE.MatchString(c.SecretAccessKey) {
			t.Fatalf("Generate = %+v; key ID or secret has the wrong shape", c)
		}
		if c.Profile != "default" || c.AccountID != DefaultAccountID {
			t.Fatalf("Generate = %+v; want profile default, account %s", c, DefaultAccountID)
		}
		if seen[c.AccessKeyID] {
			t.Fatalf("Generate repeated key ID %s", c.AccessKeyID)
		}
		seen[c.AccessKeyID] = true
	}
	if _, err := Generate("x", "12"); err == nil {
		t.Error("Generate with a bad account ID succeeded")
	}
}

func TestWriteFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new-dir")
	path := filepath.Join(dir, "credentials")
	a, err := Generate("default", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate("team-b", "123456789012")
	if err != nil {
		t.Fatal(err)
	}
	// The directory is created, and an existing file is replaced.
	if err := WriteFile(path, []Credential{b}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []Credential{a, b}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	k, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Credential{a, b}, k.All()); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the credentials file (no temp files left)", len(entries))
	}
}

func TestWriteFileRejectsBadInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	tests := []struct {
		name  string
		creds []Credential
		want  string
	}{
		{"no profile", []Credential{{AccessKeyID: "AKIA1", SecretAccessKey: "s"}},
			"write credentials " + path + ": credential 0 has no profile name"},
		{"duplicate", []Credential{{Profile: "a", AccessKeyID: "AKIA1", SecretAccessKey: "s"}, {Profile: "b", AccessKeyID: "AKIA1", SecretAccessKey: "s"}},
			"write credentials " + path + `: credential 1 (profile "b"): duplicate access key ID "AKIA1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteFile(path, tt.creds)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("WriteFile error = %v, want %q", err, tt.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("file exists after a failed write: %v", err)
			}
		})
	}
}
