package cloudwatch

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// awsQuery requests flatten the input shape into form parameters: structure members are
// joined with dots, list members are Name.member.N (N from 1). Responses are XML with the
// same member names and lists as <Name><member>…</member></Name>. Both directions walk
// the wire structs of types.go by reflection, using their json tag names.

const queryNamespace = "http://monitoring.amazonaws.com/doc/2010-08-01/"

var timestampType = reflect.TypeFor[Timestamp]()

// wireName returns the member name of a struct field and whether it is omitempty.
func wireName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	name, opts, _ := strings.Cut(tag, ",")
	if name == "-" {
		return "", false
	}
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(opts, "omitempty")
}

// formDecoder decodes url.Values into a wire struct.
type formDecoder struct {
	vals url.Values
	// prefixes holds every dotted prefix of every key, so that "is anything under P
	// present" is one lookup.
	prefixes map[string]bool
}

func newFormDecoder(vals url.Values) *formDecoder {
	d := &formDecoder{vals: vals, prefixes: map[string]bool{}}
	for k := range vals {
		for i := 0; i < len(k); i++ {
			if k[i] == '.' {
				d.prefixes[k[:i]] = true
			}
		}
		d.prefixes[k] = true
	}
	return d
}

// decodeForm fills v (a pointer to a wire struct) from vals.
func decodeForm(vals url.Values, v any) error {
	d := newFormDecoder(vals)
	return d.decode("", reflect.ValueOf(v).Elem())
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (d *formDecoder) decode(key string, v reflect.Value) error {
	if v.Type() == timestampType {
		s := d.vals.Get(key)
		t, err := parseTimestamp(s)
		if err != nil {
			return errInvalidValue("The parameter %s must be an ISO 8601 timestamp, not %q.", key, s)
		}
		v.Set(reflect.ValueOf(Timestamp{t}))
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !d.prefixes[key] {
			return nil
		}
		nv := reflect.New(v.Type().Elem())
		if err := d.decode(key, nv.Elem()); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _ := wireName(f)
			if name == "" {
				continue
			}
			k := join(key, name)
			if !d.prefixes[k] {
				continue
			}
			if err := d.decode(k, v.Field(i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // json.RawMessage: not sent by awsQuery
			return nil
		}
		var elems []reflect.Value
		for n := 1; ; n++ {
			k := key + ".member." + strconv.Itoa(n)
			if !d.prefixes[k] {
				break
			}
			e := reflect.New(v.Type().Elem()).Elem()
			if err := d.decode(k, e); err != nil {
				return err
			}
			elems = append(elems, e)
			if n > 100_000 {
				break
			}
		}
		s := reflect.MakeSlice(v.Type(), len(elems), len(elems))
		for i, e := range elems {
			s.Index(i).Set(e)
		}
		v.Set(s)
		return nil
	case reflect.String:
		v.SetString(d.vals.Get(key))
		return nil
	case reflect.Bool:
		s := d.vals.Get(key)
		b, err := strconv.ParseBool(s)
		if err != nil {
			return errInvalidValue("The parameter %s must be true or false, not %q.", key, s)
		}
		v.SetBool(b)
		return nil
	case reflect.Int32, reflect.Int64, reflect.Int:
		s := d.vals.Get(key)
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, v.Type().Bits())
		if err != nil {
			return errInvalidValue("The parameter %s must be an integer, not %q.", key, s)
		}
		v.SetInt(n)
		return nil
	case reflect.Float64:
		s := d.vals.Get(key)
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return errInvalidValue("The parameter %s must be a number, not %q.", key, s)
		}
		v.SetFloat(f)
		return nil
	}
	return fmt.Errorf("cloudwatch: no awsQuery decoding for %s", v.Type())
}

// encodeXML writes the members of v (a wire struct or pointer to one) as XML elements.
func encodeXML(b *bytes.Buffer, v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, omit := wireName(f)
		if name == "" {
			continue
		}
		fv := v.Field(i)
		if omit && fv.IsZero() {
			continue
		}
		if fv.Kind() == reflect.Pointer && fv.IsNil() {
			continue
		}
		writeElem(b, name, fv)
	}
}

func writeElem(b *bytes.Buffer, name string, v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
		return // raw JSON members have no XML form
	}
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
	switch {
	case v.Type() == timestampType:
		b.WriteString(v.Interface().(Timestamp).xml())
	case v.Kind() == reflect.Struct:
		encodeXML(b, v)
	case v.Kind() == reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			b.WriteString("<entry>")
			writeElem(b, "key", k)
			writeElem(b, "value", v.MapIndex(k))
			b.WriteString("</entry>")
		}
	case v.Kind() == reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			writeElem(b, "member", v.Index(i))
		}
	case v.Kind() == reflect.String:
		_ = xml.EscapeText(b, []byte(v.String()))
	case v.Kind() == reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case v.Kind() == reflect.Int32 || v.Kind() == reflect.Int64 || v.Kind() == reflect.Int:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case v.Kind() == reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	}
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

// queryResponse renders a successful awsQuery response.
func queryResponse(op string, out any, requestID string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, "<%sResponse xmlns=\"%s\">", op, queryNamespace)
	v := reflect.ValueOf(out)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().NumField() > 0 {
		fmt.Fprintf(&b, "<%sResult>", op)
		encodeXML(&b, v)
		fmt.Fprintf(&b, "</%sResult>", op)
	}
	b.WriteString("<ResponseMetadata><RequestId>")
	_ = xml.EscapeText(&b, []byte(requestID))
	b.WriteString("</RequestId></ResponseMetadata>")
	fmt.Fprintf(&b, "</%sResponse>", op)
	return b.Bytes()
}

// queryError renders an awsQuery error response.
func queryError(e *Error, requestID string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, "<ErrorResponse xmlns=\"%s\"><Error><Type>%s</Type><Code>", queryNamespace, e.fault())
	_ = xml.EscapeText(&b, []byte(e.Code))
	b.WriteString("</Code><Message>")
	_ = xml.EscapeText(&b, []byte(e.Message))
	b.WriteString("</Message></Error><RequestId>")
	_ = xml.EscapeText(&b, []byte(requestID))
	b.WriteString("</RequestId></ErrorResponse>")
	return b.Bytes()
}
