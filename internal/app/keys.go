package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/scaled-dev/scaled/internal/auth"
	"github.com/scaled-dev/scaled/internal/config"
)

// envProfile names the key taken from the environment.
const envProfile = "env"

// loadKeys returns the accepted keys: the SCALED_ACCESS_KEY_ID/SCALED_SECRET_ACCESS_KEY
// environment pair if set, else the credentials file; when the file is the default one and
// does not exist yet, a key is generated into it (so the first start works with no setup).
func loadKeys(cfg config.Config, getenv func(string) string) (ring *auth.KeyRing, first auth.Credential, generated bool, err error) {
	if id, secret := getenv("SCALED_ACCESS_KEY_ID"), getenv("SCALED_SECRET_ACCESS_KEY"); id != "" || secret != "" {
		if id == "" || secret == "" {
			return nil, first, false, errors.New("SCALED_ACCESS_KEY_ID and SCALED_SECRET_ACCESS_KEY must be set together")
		}
		acct := getenv("SCALED_ACCOUNT_ID")
		if acct == "" {
			acct = DefaultAccount
		}
		first = auth.Credential{Profile: envProfile, AccessKeyID: id, SecretAccessKey: secret, AccountID: acct}
		ring, err = auth.NewKeyRing(first)
		return ring, first, false, err
	}
	path := cfg.CredentialsPath()
	if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
		if cfg.CredentialsFile != "" {
			return nil, first, false, fmt.Errorf("credentials file %s does not exist", path)
		}
		c, err := auth.Generate("default", DefaultAccount)
		if err != nil {
			return nil, first, false, fmt.Errorf("generating an access key: %w", err)
		}
		if err := auth.WriteFile(path, []auth.Credential{c}); err != nil {
			return nil, first, false, fmt.Errorf("writing generated credentials: %w", err)
		}
		generated = true
	}
	ring, err = auth.LoadFile(path)
	if err != nil {
		return nil, first, false, fmt.Errorf("loading credentials: %w", err)
	}
	all := ring.All()
	if len(all) == 0 {
		return nil, first, false, fmt.Errorf("credentials file %s has no keys", path)
	}
	return ring, all[0], generated, nil
}
