package workflow

import (
	"reflect"
	"slices"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/stretchr/testify/assert"
)

// TestFamilyFactsEqual changes each field of FamilyFacts in turn: equal
// must see every change, or a transition that changes only that field
// would keep the old facts (applyFacts shares unchanged facts).
func TestFamilyFactsEqual(t *testing.T) {
	base := FamilyFacts{Difficulty: 1.5, Area: "R1", Opened: rules.MustParseDate("2024-03-01"), Basis: BasisConsent,
		ZaZyciemKind: "pregnancy", CourtRef: "III Nsm 1/24", ReportEveryMonths: 3, Assistant: "A1", SocialWorker: "SW1",
		FormerAssistants: []string{"A0"}, WorkPlanRef: "PP/1", NonCooperation: 1, EndReason: "other", LastAssessment: "positive"}
	same := base
	same.FormerAssistants = slices.Clone(base.FormerAssistants)
	assert.True(t, base.equal(&same))
	typ := reflect.TypeOf(base)
	for i := range typ.NumField() {
		g := base
		g.FormerAssistants = slices.Clone(base.FormerAssistants)
		f := reflect.ValueOf(&g).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Float64:
			f.SetFloat(f.Float() + 1)
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Int:
			f.SetInt(f.Int() + 1)
		case reflect.Slice:
			f.Set(reflect.Append(f, reflect.ValueOf("A9")))
		case reflect.Struct:
			f.Set(reflect.ValueOf(rules.MustParseDate("2030-01-01")))
		default:
			t.Fatalf("field %s: kind %s not covered by this test", typ.Field(i).Name, f.Kind())
		}
		assert.False(t, base.equal(&g), "a change of %s is not seen", typ.Field(i).Name)
	}
}

// TestCaseCow: a cow copy owns its obligations and shares its facts.
// Appending to its obligations never writes into the original's.
func TestCaseCow(t *testing.T) {
	o := []Obligation{{ID: OblFamilyAssessment, Due: rules.MustParseDate("2025-01-01")}}
	c := &Case{ID: "F1", Family: &FamilyFacts{Assistant: "A1"}, Obligations: o}
	cp := c.cow()
	assert.Same(t, c.Family, cp.Family)
	assert.Equal(t, c.Obligations, cp.Obligations)
	cp.Obligations[0].ID = "changed"
	cp.Obligations = append(cp.Obligations, Obligation{ID: OblCourtReport})
	assert.Equal(t, OblFamilyAssessment, c.Obligations[0].ID)
	assert.Len(t, c.Obligations, 1)
	assert.Nil(t, (&Case{ID: "F2"}).cow().Obligations, "no obligations stay nil")
	assert.NotNil(t, (&Case{ID: "F2", Obligations: []Obligation{}}).cow().Obligations, "empty obligations stay empty, not nil")
	for n := range 4 {
		orig := &Case{ID: "F3"}
		for i := range n {
			orig.Obligations = append(orig.Obligations, Obligation{ID: string(rune('a' + i))})
		}
		orig.Obligations = slices.Grow(orig.Obligations, 2) // spare room the copy must not write into
		cp = orig.cow()
		if n > 0 {
			cp.Obligations[0].ID = "changed"
			assert.Equal(t, "a", orig.Obligations[0].ID)
		}
		cp.Obligations = append(cp.Obligations, Obligation{ID: "z"})
		assert.Equal(t, "z", cp.Obligations[n].ID)
		if len(orig.Obligations) < cap(orig.Obligations) {
			assert.NotEqual(t, "z", orig.Obligations[:n+1][n].ID, "cow of %d appended into the original", n)
		}
	}
}

// TestArgsKey: small argument maps of strings, bools and ints have a key
// that does not depend on the order of iteration; holds recognises the
// very same arguments.
func TestArgsKey(t *testing.T) {
	a := Args{"form": "institution", "carer": "D1", "siblings": true, "count": 2}
	k, ok := keyOf(a)
	assert.True(t, ok)
	for range 20 { // map iteration order varies
		k2, _ := keyOf(Args{"count": 2, "siblings": true, "carer": "D1", "form": "institution"})
		assert.Equal(t, k, k2)
	}
	assert.True(t, k.holds(a))
	assert.False(t, k.holds(Args{"form": "institution", "carer": "D1", "siblings": true}))
	assert.False(t, k.holds(Args{"form": "institution", "carer": "D1", "siblings": true, "count": 3}))
	assert.False(t, k.holds(Args{"form": "institution", "carer": "D1", "siblings": true, "other": 2}))
	assert.False(t, k.holds(Args{"form": "institution", "carer": "D1", "siblings": true, "count": []int{2}}), "no panic on a slice")
	_, ok = keyOf(Args{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
	assert.False(t, ok, "too many arguments")
	_, ok = keyOf(Args{"a": []string{"x"}})
	assert.False(t, ok, "a slice")
	_, ok = keyOf(Args{"a": 1.5})
	assert.False(t, ok, "a float")
}
