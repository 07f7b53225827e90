package smithy

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCheck(t *testing.T) {
	name := &Shape{Kind: String, MinLen: Int(1), MaxLen: Int(5), Pattern: "^[a-z]+$", Match: regexp.MustCompile("^[a-z]+$").MatchString}
	input := &Shape{Kind: Structure, Members: []Member{
		{Name: "Name", Shape: name, Required: true},
		{Name: "Mode", Shape: &Shape{Kind: String, Enum: []string{"A", "B"}}},
		{Name: "Count", Shape: &Shape{Kind: Integer, Min: Float(1), Max: Float(10)}},
		{Name: "Ratio", Shape: &Shape{Kind: Double}},
		{Name: "Items", Shape: &Shape{Kind: List, MaxLen: Int(2), Elem: name}},
		{Name: "Env", Shape: &Shape{Kind: Map, Key: name, Value: &Shape{Kind: String, MaxLen: Int(3)}}},
		{Name: "Flag", Shape: &Shape{Kind: Boolean}},
	}}
	tests := []struct {
		name, body string
		want       []string
	}{
		{"valid", `{"Name":"abc","Mode":"A","Count":3,"Ratio":0.5,"Items":["x"],"Env":{"k":"v"},"Flag":true}`, nil},
		{"missing required", `{}`, []string{"Value null at 'name' failed to satisfy constraint: Member must not be null"}},
		{"explicit null", `{"Name":null}`, []string{"Value null at 'name' failed to satisfy constraint: Member must not be null"}},
		{"string constraints", `{"Name":"ABCDEFG"}`, []string{
			"Value 'ABCDEFG' at 'name' failed to satisfy constraint: Member must have length less than or equal to 5",
			"Value 'ABCDEFG' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$"}},
		{"enum", `{"Name":"a","Mode":"C"}`, []string{"Value 'C' at 'mode' failed to satisfy constraint: Member must satisfy enum value set: [A, B]"}},
		{"range", `{"Name":"a","Count":0}`, []string{"Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1"}},
		{"non-finite double", `{"Name":"a","Ratio":"Infinity"}`, []string{"Value 'Infinity' at 'ratio' failed to satisfy constraint: Member must be a finite number"}},
		{"list", `{"Name":"a","Items":["x",null,"Y"]}`, []string{
			"Value '[x, null, Y]' at 'items' failed to satisfy constraint: Member must have length less than or equal to 2",
			"Value null at 'items.2.member' failed to satisfy constraint: Member must not be null",
			"Value 'Y' at 'items.3.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$"}},
		{"map", `{"Name":"a","Env":{"K":"long"}}`, []string{
			"Value 'K' at 'env' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ^[a-z]+$]",
			"Value 'long' at 'env' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 3]"}},
		{"wrong JSON types are left to the decoder", `{"Name":7,"Count":"x","Items":{}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Check(input, decode(t, tt.body), "")); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	if got := Message(nil); got != "" {
		t.Errorf("Message(nil) = %q", got)
	}
	if got, want := Message([]string{"a"}), "1 validation error detected: a"; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
	if got, want := Message([]string{"a", "b"}), "2 validation errors detected: a; b"; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
}
