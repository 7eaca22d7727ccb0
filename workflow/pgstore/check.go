package pgstore

import (
	"bytes"
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

// check reports what of v, encoded as data, cannot be stored: it looks at
// data first (suspect) and walks v (checkValue) only when data may hold
// something, so that a commit pays a scan of its bytes, not a walk of
// its values.
func check(v any, data []byte) *problem {
	if !suspect(data) {
		return nil
	}
	return checkValue(reflect.ValueOf(v))
}

// suspect reports whether data, JSON as encoding/json writes it, may hold
// what checkValue refuses: a NUL character (written \u0000), invalid UTF-8
// (which encoding/json replaces with \ufffd), or a date whose year is not
// four digits from 1000 (rules.Date writes "%04d-%02d-%02d": a sign, a
// leading zero or another number of digits). It never misses one of
// them; a text that only looks so (a case ID "0042-A", say) costs a walk
// of the values.
func suspect(data []byte) bool {
	if bytes.Contains(data, []byte(`\u0000`)) || bytes.Contains(data, []byte(`\ufffd`)) {
		return true
	}
	for i := 0; i < len(data); i++ {
		if data[i] != '"' {
			continue
		}
		j := i + 1
		if j < len(data) && data[j] == '-' {
			j++
		}
		start := j
		for j < len(data) && '0' <= data[j] && data[j] <= '9' {
			j++
		}
		if j > start && j < len(data) && data[j] == '-' && (start > i+1 || j-start != 4 || data[start] == '0') {
			return true
		}
	}
	return false
}

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
