package rules

import (
	"fmt"
	"os"
	"strings"
)

// Lang is the language of user-facing messages: Polish or English.
type Lang string

// The languages every user-facing message is written in.
const (
	Polish  Lang = "pl"
	English Lang = "en"
)

// ParseLang returns the language named by s ("pl", "en", or a locale such as
// "pl_PL.UTF-8"). It reports false when s names neither language.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "pl" || strings.HasPrefix(s, "pl_") || strings.HasPrefix(s, "pl-") || strings.HasPrefix(s, "pl."):
		return Polish, true
	case s == "en" || strings.HasPrefix(s, "en_") || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en."):
		return English, true
	}
	return English, false
}

// LangFromEnv returns the language of the environment: LC_ALL, LC_MESSAGES or
// LANG, in that order, as the C library reads them. It returns English when
// none of them names Polish.
func LangFromEnv() Lang { return LangFrom(os.Getenv) }

// LangFrom is [LangFromEnv] reading the variables through getenv, for
// programs (and tests) that keep their environment elsewhere.
func LangFrom(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			lang, _ := ParseLang(v)
			return lang
		}
	}
	return English
}

// Text is a message in Polish and English. Every message asysta shows to a
// person is a Text.
type Text struct {
	PL string `json:"pl" yaml:"pl"`
	EN string `json:"en" yaml:"en"`
}

// In returns the message in lang, falling back to the other language when
// the one asked for is empty.
func (t Text) In(lang Lang) string {
	if lang == Polish && t.PL != "" || t.EN == "" {
		return t.PL
	}
	return t.EN
}

// IsZero reports whether both languages are empty.
func (t Text) IsZero() bool { return t.PL == "" && t.EN == "" }

// textf builds a Text from a Polish and an English format, both given the
// same arguments.
func textf(pl, en string, args ...any) Text {
	return Text{PL: fmt.Sprintf(pl, args...), EN: fmt.Sprintf(en, args...)}
}
