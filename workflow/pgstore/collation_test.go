package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// TestOrderUnderPolishCollation: on a database created with a Polish
// locale (as an OPS's server often is), whose text order is not the bytes'
// order, Due and Index still list in the documented order, the memory
// store's: case IDs, obligation IDs and refs compared byte by byte
// (workflow.CompareDue, strings.Compare).
func TestOrderUnderPolishCollation(t *testing.T) {
	base := pgtest.URL(t)
	ctx := context.Background()
	name := fmt.Sprintf("asysta_test_pl_%d", os.Getpid())
	admin := func(sql string) error {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := admin(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'pl' LOCALE 'C'`); err != nil {
		t.Skipf("no database with an ICU Polish collation on this server: %v", err)
	}
	t.Cleanup(func() {
		if err := admin(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u := strings.Replace(base, "/postgres?", "/"+name+"?", 1)
	if u == base {
		t.Skipf("cannot name another database in %s", pgtest.EnvURL)
	}
	s, err := pgstore.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)

	due := rules.MustParseDate("2016-04-01")
	// "b1" < "C1" and "a" < "B" in Polish; in bytes, upper case comes first.
	for _, id := range []string{"b1", "C1"} {
		c := &workflow.Case{ID: id, Lifecycle: rules.LifecycleFamily, State: workflow.AssistantImplementing,
			Family: &workflow.FamilyFacts{Difficulty: 1, Assistant: "A1"},
			Obligations: []workflow.Obligation{
				{ID: workflow.OblPlanAction, Ref: "a", Opened: due, Due: due, Rule: "plan"},
				{ID: workflow.OblPlanAction, Ref: "B", Opened: due, Due: due, Rule: "plan"},
			}}
		if err := s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: c}}}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Due(ctx, workflow.DueQuery{On: due})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, d := range got {
		order = append(order, d.Case+" "+d.Ref)
	}
	if want := []string{"C1 B", "C1 a", "b1 B", "b1 a"}; !slices.Equal(order, want) {
		t.Errorf("Due lists %q, want %q (workflow.CompareDue)", order, want)
	}
	mine, err := s.Due(ctx, workflow.DueQuery{On: due, Workers: []string{workflow.AssistantKey("A1")}})
	if err != nil || !slices.EqualFunc(mine, got, func(a, b workflow.DueEntry) bool { return a == b }) {
		t.Errorf("Due of A1 = %+v, %v; want %+v", mine, err, got)
	}
	cases, _, err := s.Index(ctx, workflow.AssistantKey("A1"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range cases {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"C1", "b1"}) {
		t.Errorf("Index lists %q, want C1, b1 (in order of ID)", ids)
	}
	many, err := s.IndexMany(ctx, []string{workflow.AssistantKey("A1")})
	if err != nil {
		t.Fatal(err)
	}
	if cs := many[workflow.AssistantKey("A1")]; len(cs) != 2 || cs[0].Case != "C1" {
		t.Errorf("IndexMany lists %d cases, C1 not first; want C1, b1 (in order of ID)", len(cs))
	}
}
