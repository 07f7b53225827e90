package k8sscale

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseResourceID(t *testing.T) {
	tests := []struct {
		id      string
		want    Ref
		wantErr string
	}{
		{id: "kubernetes:///default/deployments/web", want: Ref{Namespace: "default", Resource: Deployments, Name: "web"}},
		{id: "kubernetes:///serving/statefulsets/llama-3.1-8b", want: Ref{Namespace: "serving", Resource: StatefulSets, Name: "llama-3.1-8b"}},
		{id: "KUBERNETES:///default/replicasets/web-5d9c7", want: Ref{Namespace: "default", Resource: ReplicaSets, Name: "web-5d9c7"}},
		{id: "kubernetes://kind-dev/default/deployments/web", want: Ref{Context: "kind-dev", Namespace: "default", Resource: Deployments, Name: "web"}},
		{id: "kubernetes://arn:aws:eks:us-east-1:123456789012:cluster%2Fprod/default/deployments/web",
			want: Ref{Context: "arn:aws:eks:us-east-1:123456789012:cluster/prod", Namespace: "default", Resource: Deployments, Name: "web"}},
		{id: "kubernetes://admin@prod/default/deployments/web", want: Ref{Context: "admin@prod", Namespace: "default", Resource: Deployments, Name: "web"}},

		{id: "https://example.com/default/deployments/web",
			wantErr: `resource ID "https://example.com/default/deployments/web" does not start with kubernetes://; want ` + idFormat},
		{id: "kubernetes:/default/deployments/web",
			wantErr: `resource ID "kubernetes:/default/deployments/web" does not start with kubernetes://; want ` + idFormat},
		{id: "kubernetes:///default/deployments/web/scale",
			wantErr: `resource ID "kubernetes:///default/deployments/web/scale" has 4 path segments; want ` + idFormat},
		{id: "kubernetes:///deployments/web",
			wantErr: `resource ID "kubernetes:///deployments/web" has 2 path segments; want ` + idFormat},
		{id: "kubernetes:///default/deployments/web?watch=1",
			wantErr: `resource ID "kubernetes:///default/deployments/web?watch=1" must not have a query or fragment; want ` + idFormat},
		{id: "kubernetes:///default/deployments/",
			wantErr: `resource ID "kubernetes:///default/deployments/" has an empty name; want ` + idFormat},
		{id: "kubernetes:////deployments/web",
			wantErr: `resource ID "kubernetes:////deployments/web" has an empty namespace; want ` + idFormat},
		{id: "kubernetes:///Default/deployments/web",
			wantErr: `resource ID "kubernetes:///Default/deployments/web": namespace "Default" is not valid: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		{id: "kubernetes:///default/Deployments/web",
			wantErr: `resource ID "kubernetes:///default/Deployments/web": resource "Deployments" is not supported; want deployments, statefulsets or replicasets`},
		{id: "kubernetes:///default/deployment/web",
			wantErr: `resource ID "kubernetes:///default/deployment/web": resource "deployment" is not supported; want deployments, statefulsets or replicasets`},
		{id: "kubernetes:///default/deployments/Web_1",
			wantErr: `resource ID "kubernetes:///default/deployments/Web_1": name "Web_1" is not valid: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
		{id: "kubernetes://bad%zz/default/deployments/web",
			wantErr: `resource ID "kubernetes://bad%zz/default/deployments/web": context "bad%zz" is not validly percent-encoded`},
		{id: "kubernetes://a%0Ab/default/deployments/web",
			wantErr: `resource ID "kubernetes://a%0Ab/default/deployments/web": context "a\nb" contains control characters`},
		{id: "", wantErr: `resource ID "" does not start with kubernetes://; want ` + idFormat},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := ParseResourceID(tt.id)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			// String gives an ID that parses back to the same workload.
			again, err := ParseResourceID(got.String())
			if err != nil {
				t.Fatalf("ParseResourceID(%q): %v", got.String(), err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("round trip through %q (-want +got):\n%s", got.String(), diff)
			}
		})
	}
}
