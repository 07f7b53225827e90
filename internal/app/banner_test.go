package app

import (
	"strings"
	"testing"
)

func TestBannerPrintsTheSecretOnlyWhenGenerated(t *testing.T) {
	base := bannerInfo{Endpoint: "http://127.0.0.1:8600", Region: "eu-west-1", AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "s3cr3t"}
	for _, tc := range []struct {
		name       string
		mod        func(*bannerInfo)
		want, nope []string
	}{
		{"generated", func(b *bannerInfo) { b.Generated, b.CredentialsPath = true, "/data/credentials" },
			[]string{"AWS_SECRET_ACCESS_KEY=s3cr3t", "AWS_SHARED_CREDENTIALS_FILE=/data/credentials", "AWS_REGION=eu-west-1"}, nil},
		{"file", func(b *bannerInfo) { b.CredentialsPath = "/data/credentials" },
			[]string{"AWS_SHARED_CREDENTIALS_FILE=/data/credentials", "AKIAEXAMPLE"}, []string{"s3cr3t"}},
		{"environment", func(b *bannerInfo) {}, []string{"accepted key: AKIAEXAMPLE"}, []string{"s3cr3t"}},
		{"insecure", func(b *bannerInfo) { b.Insecure = true }, []string{"INSECURE DEVELOPMENT MODE", "AWS_ACCESS_KEY_ID=any"}, []string{"s3cr3t"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.mod(&in)
			var b strings.Builder
			banner(&b, in)
			out := b.String()
			for _, w := range append(tc.want, "--endpoint-url http://127.0.0.1:8600") {
				if !strings.Contains(out, w) {
					t.Errorf("banner lacks %q:\n%s", w, out)
				}
			}
			for _, n := range tc.nope {
				if strings.Contains(out, n) {
					t.Errorf("banner shows %q:\n%s", n, out)
				}
			}
		})
	}
}
