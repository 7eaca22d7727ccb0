package pgstore

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/asysta/asysta/rules"
)

// Before a commit sends anything, every text it would write is checked:
// PostgreSQL refuses a NUL character in text and jsonb (SQLSTATE 22P05 or
// 22021) with an error, logged by the server, that quotes the JSON, a
// child's date of birth included; and encoding/json silently replaces
// invalid UTF-8 with U+FFFD, so the case read back would not be the case
// written. Every date is checked too: a date outside years 1000–9999 is
// encoded as text that rules.ParseDate refuses, which would leave the case
// unreadable for ever. The errors name the case and the field, never the
// value.

// checkID checks a case ID or an index key, which are written to text
// columns as they are.
func checkID(what, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("pgstore: %s contains a NUL character", what)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("pgstore: %s is not valid UTF-8", what)
	}
	return nil
}

var dateType = reflect.TypeFor[rules.Date]()

// checkValue walks the strings (map keys included) and dates of v, as
// encoding/json would encode them, and reports the first that cannot be
// stored, with the path of fields that leads to it. v must not hold a
// cycle (json.Marshal, run first, refuses one).
func checkValue(v reflect.Value) *problem {
	switch v.Kind() {
	case reflect.String:
		return checkText(v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkValue(v.Elem())
	case reflect.Struct:
		if v.Type() == dateType {
			// Read field by field: v may not be addressable or exported.
			y, m, d := v.FieldByName("Year").Int(), v.FieldByName("Month").Int(), v.FieldByName("Day").Int()
			if (y != 0 || m != 0 || d != 0) && (y < 1000 || y > 9999) {
				return &problem{what: "is a date outside years 1000–9999"}
			}
			return nil
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous || f.Tag.Get("json") == "-" {
				continue
			}
			if p := checkValue(v.Field(i)); p != nil {
				if !f.Anonymous {
					p.path = append(p.path, f.Name)
				}
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes: base64
		}
		for i := range v.Len() {
			if p := checkValue(v.Index(i)); p != nil {
				p.path = append(p.path, fmt.Sprintf("[%d]", i))
				return p
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			k := it.Key()
			label := "[…]"
			if k.Kind() == reflect.String {
				if p := checkText(k.String()); p != nil {
					p.path = append(p.path, "[…] (a key)")
					return p
				}
				if isName(k.String()) {
					label = "[" + k.String() + "]"
				}
			}
			if p := checkValue(it.Value()); p != nil {
				p.path = append(p.path, label)
				return p
			}
		}
	}
	return nil
}

// checkText reports a NUL character or invalid UTF-8.
func checkText(s string) *problem {
	if strings.IndexByte(s, 0) >= 0 {
		return &problem{what: "contains a NUL character"}
	}
	if !utf8.ValidString(s) {
		return &problem{what: "is not valid UTF-8"}
	}
	return nil
}

// problem is what checkValue found, and where: path holds the fields from
// the innermost out.
type problem struct {
	path []string
	what string
}

// err describes the problem of case id's snapshot or event (in).
func (p *problem) err(id, in string) error {
	var b strings.Builder
	for i := len(p.path) - 1; i >= 0; i-- {
		if b.Len() > 0 && !strings.HasPrefix(p.path[i], "[") {
			b.WriteByte('.')
		}
		b.WriteString(p.path[i])
	}
	where := in
	if b.Len() > 0 {
		where += " " + b.String()
	}
	return fmt.Errorf("pgstore: case %s: %s %s", id, where, p.what)
}

// isName reports a map key that is a name (of an argument), which an
// error may show: ASCII letters, digits, '_', '.' and '-', at most 64.
func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
