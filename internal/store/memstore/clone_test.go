package memstore

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scaled-dev/scaled/internal/model"
)

// fill sets every exported field reachable from v to a non-zero value: pointers are
// allocated, slices and maps get two elements.
func fill(v reflect.Value, depth int) {
	if depth > 10 {
		return
	}
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fill(k, depth+1)
			if k.Kind() == reflect.String {
				k.SetString(k.String() + string(rune('a'+i)))
			}
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.String:
		v.SetString("s")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	}
}

// aliases reports the paths at which a and b share memory.
func aliases(a, b reflect.Value, path string) []string {
	if a.Type() == reflect.TypeFor[time.Time]() {
		return nil
	}
	var out []string
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			return []string{path}
		}
		return aliases(a.Elem(), b.Elem(), "*"+path)
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				out = append(out, aliases(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)...)
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			return []string{path}
		}
		for i := range min(a.Len(), b.Len()) {
			out = append(out, aliases(a.Index(i), b.Index(i), path+"[]")...)
		}
	case reflect.Map:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return []string{path}
		}
		for _, k := range a.MapKeys() {
			if bv := b.MapIndex(k); bv.IsValid() {
				out = append(out, aliases(a.MapIndex(k), bv, path+"[k]")...)
			}
		}
	}
	return out
}

func checkClone[T any](t *testing.T, clone func(T) T) {
	t.Helper()
	var orig T
	fill(reflect.ValueOf(&orig).Elem(), 0)
	c := clone(orig)
	if d := cmp.Diff(orig, c); d != "" {
		t.Errorf("%T: clone differs (-orig +clone):\n%s", orig, d)
	}
	if a := aliases(reflect.ValueOf(orig), reflect.ValueOf(c), "v"); len(a) > 0 {
		t.Errorf("%T: clone shares memory at %v", orig, a)
	}
}

func TestCloneNoAliasing(t *testing.T) {
	checkClone(t, cloneTarget)
	checkClone(t, clonePolicy)
	checkClone(t, cloneSchedule)
	checkClone(t, cloneActivity)
	checkClone(t, cloneAlarm)
	checkClone(t, cloneState)
	_ = model.TargetState{}
}
