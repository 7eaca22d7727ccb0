package service

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/asysta/asysta/rules"
)

// keyError is a body whose object keys encoding/json would take but the
// service does not: a key written twice (the decoder keeps the last, so two
// readers of one body could disagree), or a field name written with other
// capitals than the document's (the decoder matches names without regard to
// case). Its text names neither the key nor its value.
type keyError struct{ text rules.Text }

func (e *keyError) Error() string { return e.text.EN }

// strictKeys checks the keys of body's objects against t, the type it was
// decoded into: every object without a key written twice, and a struct's
// keys exactly its fields' JSON names. body is valid JSON (it decoded).
func strictKeys(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return walkKeys(dec, t)
}

// walkKeys reads one JSON value from dec, checking it against t (nil:
// any value).
func walkKeys(dec *json.Decoder, t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for dec.More() {
			if err := walkKeys(dec, elem); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ]
		return err
	case json.Delim('{'):
		fields := jsonFields(t)
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key := k.(string)
			if seen[key] {
				return &keyError{rules.Text{PL: "pole występuje w obiekcie dwa razy", EN: "a field is written twice in one object"}}
			}
			seen[key] = true
			var next reflect.Type
			switch {
			case fields != nil:
				f, ok := fields[key]
				if !ok {
					return &keyError{rules.Text{PL: "nazwa pola różni się od opisanej w /openapi.json (wielkość liter ma znaczenie)",
						EN: "a field name differs from the one /openapi.json gives (names are case-sensitive)"}}
				}
				next = f
			case t != nil && t.Kind() == reflect.Map:
				next = t.Elem()
			}
			if err := walkKeys(dec, next); err != nil {
				return err
			}
		}
		_, err = dec.Token() // }
		return err
	}
	return nil
}

// jsonFields maps the JSON names of a struct's fields to their types; nil
// for a type that is not a struct.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
			continue
		case f.Anonymous && name == "":
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		case name == "":
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
