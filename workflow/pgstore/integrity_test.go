package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

var day = rules.MustParseDate("2016-03-01")

// familyCase is a new family case in assistant planning.
func familyCase(id string) *workflow.Case {
	return &workflow.Case{ID: id, Lifecycle: rules.LifecycleFamily, State: workflow.AssistantPlanning,
		Family: &workflow.FamilyFacts{Difficulty: 1, Opened: day, Basis: workflow.BasisConsent}}
}

// childCase is a new child case, born on 2012-05-10.
func childCase(id string) *workflow.Case {
	return &workflow.Case{ID: id, Lifecycle: rules.LifecycleChild, State: workflow.InFamily,
		Child: &workflow.ChildFacts{Family: "F1", Born: rules.MustParseDate("2012-05-10")}}
}

// declared is the write creating c with one event.
func declared(c *workflow.Case, args map[string]any, d *rules.Decision) workflow.Write {
	return workflow.Write{Case: c, Events: []workflow.Event{{Case: c.ID, Lifecycle: c.Lifecycle, To: c.State,
		Trigger: workflow.TriggerDeclare, Actor: actSW, On: day, Args: args, Revision: "test", Decision: d}}}
}

// TestCommitRefusesUnstorableText: a NUL character or invalid UTF-8
// anywhere in a batch is refused before anything is sent, with an error
// that names the case and the field but holds no value (a child's date of
// birth above all), and nothing is written.
func TestCommitRefusesUnstorableText(t *testing.T) {
	tests := []struct {
		name  string
		batch func() workflow.Batch
		want  string // the error's text
	}{
		{"NUL in a child's court reference", func() workflow.Batch {
			c := childCase("C1")
			c.Child.CourtRef = "X\x00"
			return workflow.Batch{Writes: []workflow.Write{{Case: c}}}
		}, "pgstore: case C1: snapshot Child.CourtRef contains a NUL character"},
		{"NUL in an argument", func() workflow.Batch {
			return workflow.Batch{Writes: []workflow.Write{declared(childCase("C1"), map[string]any{"court_ref": "III\x00Nsm"}, nil)}}
		}, "pgstore: case C1: event Args[court_ref] contains a NUL character"},
		{"NUL in an argument's name", func() workflow.Batch {
			return workflow.Batch{Writes: []workflow.Write{declared(childCase("C1"), map[string]any{"court\x00ref": "x"}, nil)}}
		}, "pgstore: case C1: event Args[…] (a key) contains a NUL character"},
		{"NUL in a decision's message", func() workflow.Batch {
			d := &rules.Decision{Rules: []rules.RuleResult{{Rule: "r", Message: rules.Text{EN: "a\x00"}}}}
			return workflow.Batch{Writes: []workflow.Write{declared(childCase("C1"), nil, d)}}
		}, "pgstore: case C1: event Decision.Rules[0].Message.EN contains a NUL character"},
		{"invalid UTF-8 in an area", func() workflow.Batch {
			c := familyCase("C1")
			c.Family.Area = "\xffrejon"
			return workflow.Batch{Writes: []workflow.Write{{Case: c}}}
		}, "pgstore: case C1: snapshot Family.Area is not valid UTF-8"},
		{"NUL in an obligation", func() workflow.Batch {
			c := childCase("C1")
			c.Obligations = []workflow.Obligation{{ID: "review\x00", Rule: "r", Due: day}}
			return workflow.Batch{Writes: []workflow.Write{{Case: c}}}
		}, "pgstore: case C1: snapshot Obligations[0].ID contains a NUL character"},
		{"NUL in an assistant's ID, an index key", func() workflow.Batch {
			c := familyCase("C1")
			c.Family.Assistant = "A\x00"
			return workflow.Batch{Writes: []workflow.Write{{Case: c}}}
		}, "pgstore: case C1: snapshot Family.Assistant contains a NUL character"},
		{"NUL in a case ID", func() workflow.Batch {
			return workflow.Batch{Writes: []workflow.Write{{Case: childCase("C\x00")}}}
		}, "pgstore: a case ID contains a NUL character"},
		{"invalid UTF-8 in a case ID", func() workflow.Batch {
			return workflow.Batch{Writes: []workflow.Write{{Case: childCase("C\xff")}}}
		}, "pgstore: a case ID is not valid UTF-8"},
		{"NUL in a guard key", func() workflow.Batch {
			return workflow.Batch{Writes: []workflow.Write{{Case: childCase("C1")}},
				Guards: []workflow.KeyVersion{{Key: "assistant:\x00"}}}
		}, "pgstore: a guarded index key contains a NUL character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := pgstoretest.New(t)
			ctx := context.Background()
			err := s.Commit(ctx, tt.batch())
			require.Error(t, err)
			assert.EqualError(t, err, tt.want)
			var pe *pgconn.PgError
			assert.False(t, errors.As(err, &pe), "a PostgreSQL error reached the caller: %v", err)
			assert.NotContains(t, err.Error(), "2012")
			_, err = s.Get(ctx, "C1")
			assert.ErrorIs(t, err, workflow.ErrNotFound)
		})
	}
}

// TestCommitRefusesUnreadableDates: a date outside years 1000–9999 would
// be stored as text the decoder refuses, leaving the case unreadable; the
// batch is refused whole, naming the case.
func TestCommitRefusesUnreadableDates(t *testing.T) {
	tests := []struct {
		name  string
		write func() workflow.Write
		want  string
	}{
		{"a family opened in 10000", func() workflow.Write {
			c := familyCase("F1")
			c.Family.Opened = rules.NewDate(10000, 1, 1)
			return declared(c, nil, nil)
		}, "pgstore: case F1: snapshot Family.Opened is a date outside years 1000–9999"},
		{"a child born in 212", func() workflow.Write {
			c := childCase("F1")
			c.Child.Born = rules.NewDate(212, 5, 10)
			return declared(c, nil, nil)
		}, "pgstore: case F1: snapshot Child.Born is a date outside years 1000–9999"},
		{"an obligation due in 10000", func() workflow.Write {
			c := familyCase("F1")
			c.Obligations = []workflow.Obligation{{ID: "report", Rule: "r", Due: rules.NewDate(10000, 2, 1)}}
			return declared(c, nil, nil)
		}, "pgstore: case F1: snapshot Obligations[0].Due is a date outside years 1000–9999"},
		{"an event on 10000-01-01", func() workflow.Write {
			w := declared(familyCase("F1"), nil, nil)
			w.Events[0].On = rules.NewDate(10000, 1, 1)
			return w
		}, "pgstore: case F1: event On is a date outside years 1000–9999"},
		{"a decision on 0999-12-31", func() workflow.Write {
			return declared(familyCase("F1"), nil, &rules.Decision{On: rules.NewDate(999, 12, 31)})
		}, "pgstore: case F1: event Decision.On is a date outside years 1000–9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := pgstoretest.New(t)
			ctx := context.Background()
			other := declared(familyCase("F0"), nil, nil)
			err := s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{other, tt.write()}})
			assert.EqualError(t, err, tt.want)
			for _, id := range []string{"F0", "F1"} {
				_, err := s.Get(ctx, id)
				assert.ErrorIs(t, err, workflow.ErrNotFound, "case %s written", id)
			}
		})
	}
}

// TestEventsExact: what Events returns is, value for value and type for
// type, what Commit got, as with the memory store: whole numbers come back
// as int, fractions and whole float64s as float64, empty arguments empty
// and nil ones nil, and a decision's parameter values likewise.
func TestEventsExact(t *testing.T) {
	d := &rules.Decision{Trigger: rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assign_assistant"}, On: day,
		Revision: "test", Allowed: true,
		Rules: []rules.RuleResult{{Rule: "assistant.cap", Kind: rules.KindLimit, Severity: rules.Warn, Passed: true, Source: "statute"}},
		Params: []rules.ParamUse{
			{ID: "assistant.max_families", Value: 15, Source: "statute"},
			{ID: "x.enabled", Value: true, Source: "statute"},
			{ID: "x.ratio", Value: 2.0, Source: "p.yaml:3"},
			{ID: "x.big", Value: 1e21, Source: "p.yaml:4"},
			{ID: "x.neg", Value: -7, Source: "p.yaml:5"},
		}}
	tests := []struct {
		name string
		args map[string]any
		d    *rules.Decision
	}{
		{"ints", map[string]any{"report_every_months": 6, "min": -3, "zero": 0, "large": 1 << 53}, nil},
		{"floats", map[string]any{"half": 1.5, "whole": 2.0, "zero": 0.0, "tiny": 1e-9, "neg": -4.0}, nil},
		{"bools and strings", map[string]any{"urgent": true, "mandatory": false, "court_ref": "III Nsm 1/16", "empty": "", "pl": "zażółć"}, nil},
		{"empty args", map[string]any{}, nil},
		{"nil args", nil, nil},
		{"a decision with params", map[string]any{"assistant": "A1"}, d},
		{"a decision without rules or params", nil, &rules.Decision{On: day, Revision: "r"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := pgstoretest.New(t)
			mem := workflow.NewMemoryStore()
			ctx := context.Background()
			w := declared(familyCase("F1"), tt.args, tt.d)
			want := w.Events[0]
			want.Seq = 1
			for _, st := range []workflow.Store{s, mem} {
				require.NoError(t, st.Commit(ctx, workflow.Batch{Writes: []workflow.Write{w}}))
				evs, err := st.Events(ctx, "F1")
				require.NoError(t, err)
				require.Len(t, evs, 1)
				if !reflect.DeepEqual(evs[0], want) {
					t.Errorf("%T: Events gave\n%#v\nCommit got\n%#v", st, evs[0], want)
					if evs[0].Decision != nil && want.Decision != nil {
						t.Errorf("decision %#v\nwant %#v", *evs[0].Decision, *want.Decision)
					}
				}
			}
		})
	}
}

// TestCreateInOppositeOrders: two batches creating the same new cases in
// opposite orders do not wait on each other until PostgreSQL's deadlock
// detector fires: one commits, the other conflicts, at once.
func TestCreateInOppositeOrders(t *testing.T) {
	s, _ := pgstoretest.New(t)
	ctx := context.Background()
	for round := range 100 {
		a, b := fmt.Sprintf("N%d_1", round), fmt.Sprintf("N%d_2", round)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		durs := make([]time.Duration, 2)
		start := make(chan struct{})
		for i, order := range [][]string{{a, b}, {b, a}} {
			wg.Go(func() {
				var ws []workflow.Write
				for _, id := range order {
					ws = append(ws, declared(familyCase(id), nil, nil))
				}
				<-start
				t0 := time.Now()
				errs[i] = s.Commit(ctx, workflow.Batch{Writes: ws})
				durs[i] = time.Since(t0)
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for i := range errs {
			if errs[i] == nil {
				ok++
			} else {
				require.ErrorIs(t, errs[i], workflow.ErrConflict, "round %d", round)
				require.NotContains(t, errs[i].Error(), "deadlock", "round %d", round)
			}
			require.Less(t, durs[i], 300*time.Millisecond, "round %d: commit %d waited: %v", round, i, errs[i])
		}
		require.Equal(t, 1, ok, "round %d: %v", round, errs)
	}
}

// TestTruncateRefused: TRUNCATE cannot empty the append-only events,
// directly or by cascade.
func TestTruncateRefused(t *testing.T) {
	for _, sql := range []string{`TRUNCATE events`, `TRUNCATE cases, events, index_entries, obligations`, `TRUNCATE cases CASCADE`} {
		t.Run(sql, func(t *testing.T) {
			s, _ := pgstoretest.New(t)
			ctx := context.Background()
			require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{declared(familyCase("F1"), nil, nil)}}))
			_, err := s.Pool().Exec(ctx, sql)
			var pe *pgconn.PgError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "42501", pe.Code) // insufficient_privilege
			evs, err := s.Events(ctx, "F1")
			require.NoError(t, err)
			assert.Len(t, evs, 1)
		})
	}
}

// TestUniqueViolationNotAConflict: a unique violation in a table other
// than cases and events (here raised by a trigger on the obligations
// table) is no lost race: it is returned as the error it is, with the case
// it came from, not as a conflict on the batch's first case, and nothing
// of the batch is written.
func TestUniqueViolationNotAConflict(t *testing.T) {
	s, _ := pgstoretest.New(t)
	ctx := context.Background()
	require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{
		declared(familyCase("F0"), nil, nil), declared(familyCase("F1"), nil, nil)}}))
	_, err := s.Pool().Exec(ctx, `CREATE FUNCTION refuse_f1() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.case_id = 'F1' THEN
				RAISE unique_violation USING MESSAGE = 'refused for the test', CONSTRAINT = 'obligations_test';
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_f1 BEFORE INSERT ON obligations FOR EACH ROW EXECUTE FUNCTION refuse_f1()`)
	require.NoError(t, err)
	f0, f1 := familyCase("F0"), familyCase("F1")
	f1.Family.Assistant = "A1"
	f1.Obligations = []workflow.Obligation{{ID: workflow.OblFamilyAssessment, Opened: day, Due: day.AddMonths(6), Rule: "due.family_assessment"}}
	b0, err := s.Get(ctx, "F0")
	require.NoError(t, err)
	b1, err := s.Get(ctx, "F1")
	require.NoError(t, err)
	err = s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: f0, Expected: 1, Before: b0}, {Case: f1, Expected: 1, Before: b1}}})
	require.Error(t, err)
	assert.NotErrorIs(t, err, workflow.ErrConflict)
	var pe *pgconn.PgError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "obligations_test", pe.ConstraintName)
	assert.Contains(t, err.Error(), "pgstore: commit F1: ")
	for _, id := range []string{"F0", "F1"} {
		c, err := s.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, int64(1), c.Version, "%s written", id)
	}
}

// TestRetriesExhausted: a batch that PostgreSQL aborts on every attempt
// (here a trigger raising a deadlock or a serialization failure) ends in
// a conflict on the case or guard key it concerns, a batch of guards only
// included, and the error tells what happened.
func TestRetriesExhausted(t *testing.T) {
	tests := []struct {
		name    string
		trigger string // when the trigger raising a deadlock fires
		batch   workflow.Batch
		want    workflow.ConflictError
	}{
		{"guards only", `BEFORE INSERT ON index_keys`, workflow.Batch{Guards: []workflow.KeyVersion{{Key: "assistant:A9"}, {Key: "assistant:A8"}}},
			workflow.ConflictError{Case: "assistant:A8", Want: 0, Got: 0}},
		{"a case", `BEFORE UPDATE ON cases`, workflow.Batch{Writes: []workflow.Write{{Case: familyCase("F1"), Expected: 1, Before: atVersion(familyCase("F1"), 1)}}},
			workflow.ConflictError{Case: "F1", Want: 1, Got: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := pgstoretest.New(t)
			ctx := context.Background()
			require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{declared(familyCase("F1"), nil, nil)}}))
			_, err := s.Pool().Exec(ctx, `CREATE FUNCTION abort_always() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					RAISE EXCEPTION 'deadlock, for the test' USING ERRCODE = '40P01';
				END $$`)
			require.NoError(t, err)
			_, err = s.Pool().Exec(ctx, `CREATE TRIGGER abort_always `+tt.trigger+` FOR EACH ROW EXECUTE FUNCTION abort_always()`)
			require.NoError(t, err)
			err = s.Commit(ctx, tt.batch)
			var ce *workflow.ConflictError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.want, *ce)
			assert.Contains(t, err.Error(), "aborted the transaction 4 times")
			assert.Contains(t, err.Error(), "40P01")
		})
	}
}

// TestNewChecksSchemaVersion: a store from New refuses, with an error
// that says what to do, a database without the schema, with an older one
// and with one migrated by a later release; once migrated, it works.
func TestNewChecksSchemaVersion(t *testing.T) {
	tests := []struct {
		name  string
		setup string // SQL run after migrating; "" for no schema at all
		want  string
	}{
		{"no schema", "", "pgstore: the database has no asysta schema (no schema_migrations table in the search_path): run pgstore.Migrate"},
		{"newer", `INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')`,
			fmt.Sprintf("pgstore: the database's schema is at version 9999, newer than this release's %d: upgrade this instance", pgstore.SchemaVersion)},
		{"older", `DROP TRIGGER events_no_truncate ON events; DROP TABLE staff_workers, staff_institutions, idempotency_records;
			DROP INDEX obligations_worker; DROP FUNCTION asysta_expect;
			ALTER TABLE index_entries DROP COLUMN state, DROP COLUMN za_zyciem, DROP COLUMN difficulty, DROP COLUMN form, DROP COLUMN coordinator;
			ALTER TABLE obligations DROP COLUMN ref; ALTER TABLE obligations ADD PRIMARY KEY (case_id, obligation);
			CREATE INDEX obligations_due ON obligations (due, case_id, obligation) INCLUDE (opened, rule, lifecycle, worker_key);
			DELETE FROM schema_migrations WHERE version > 1`,
			fmt.Sprintf("pgstore: the database's schema is at version 1, older than this release's %d: run pgstore.Migrate", pgstore.SchemaVersion)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			pool := openPool(t, pgtest.Schema(t))
			if tt.setup != "" {
				require.NoError(t, pgstore.Migrate(ctx, pool))
				_, err := pool.Exec(ctx, tt.setup)
				require.NoError(t, err)
			}
			s := pgstore.New(pool)
			_, err := s.Get(ctx, "F1")
			assert.EqualError(t, err, tt.want)
			_, err = s.Events(ctx, "F1")
			assert.EqualError(t, err, tt.want)
			_, _, err = s.Index(ctx, "assistant:A1")
			assert.EqualError(t, err, tt.want)
			assert.EqualError(t, s.Scan(ctx, func(*workflow.Case) error { return nil }), tt.want)
			_, err = s.Due(ctx, workflow.DueQuery{On: day})
			assert.EqualError(t, err, tt.want)
			_, err = s.IndexMany(ctx, []string{"assistant:A1"})
			assert.EqualError(t, err, tt.want)
			assert.EqualError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{declared(familyCase("F1"), nil, nil)}}), tt.want)
			if tt.name == "newer" {
				return
			}
			require.NoError(t, pgstore.Migrate(ctx, pool))
			_, err = s.Get(ctx, "F1")
			assert.ErrorIs(t, err, workflow.ErrNotFound)
		})
	}
}

// atVersion returns c at version v.
func atVersion(c *workflow.Case, v int64) *workflow.Case {
	c.Version = v
	return c
}

// TestMigrationFillsEntries: migration 0006 fills the entries of the cases
// a version 5 schema holds as workflow.EntryOf gives them, so that
// IndexMany agrees with the cases from the first read after the upgrade.
func TestMigrationFillsEntries(t *testing.T) {
	ctx := context.Background()
	pool := openPool(t, pgtest.Schema(t))
	require.NoError(t, pgstore.Migrate(ctx, pool))
	s := pgstore.New(pool)
	zz := familyCase("F2")
	zz.Family.Assistant, zz.Family.Difficulty, zz.Family.Basis, zz.Family.ZaZyciemKind = "A1", 2.5, workflow.BasisZaZyciem, "pregnancy"
	plain := familyCase("F1")
	plain.Family.Assistant = "A1"
	kid := childCase("C1")
	kid.State, kid.Child.Carer = workflow.PlacedProfessional, "R1"
	ff := &workflow.Case{ID: "R1", Lifecycle: rules.LifecycleFosterFamily, State: workflow.Active,
		FosterFamily: &workflow.FosterFamilyFacts{Form: workflow.FormProfessional, Coordinator: "K1"}}
	require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{
		declared(zz, nil, nil), declared(plain, nil, nil), declared(kid, nil, nil), declared(ff, nil, nil)}}))
	// Back to version 5: the index rows without their entries.
	_, err := pool.Exec(ctx, `ALTER TABLE index_entries DROP COLUMN state, DROP COLUMN za_zyciem, DROP COLUMN difficulty,
		DROP COLUMN form, DROP COLUMN coordinator; DELETE FROM schema_migrations WHERE version = 6`)
	require.NoError(t, err)
	require.NoError(t, pgstore.Migrate(ctx, pool))
	keys := []string{"assistant:A1", "family:F1", "carer:R1", "foster_family:R1", "coordinator:K1"}
	many, err := s.IndexMany(ctx, keys)
	require.NoError(t, err)
	for _, k := range keys {
		cases, _, err := s.Index(ctx, k)
		require.NoError(t, err)
		want := []workflow.Entry{}
		for _, c := range cases {
			want = append(want, workflow.EntryOf(c))
		}
		assert.Equal(t, want, many[k], k)
	}
	assert.True(t, many["assistant:A1"][1].ZaZyciem, "F2 is a 'Za życiem' family")
}
