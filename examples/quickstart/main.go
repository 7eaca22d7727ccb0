// Command quickstart follows one family through asysta on the embedded
// statute: a referral, a court obligation, an assistant's work, a child's
// placement in foster care with its reviews, the child's return home, the
// end of the work and the monitoring after it. It prints a dated timeline
// with each decision (rule IDs and legal bases) and the obligations as they
// open and close. `make demo` runs it.
//
//	go run ./examples/quickstart [-lang pl|en]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

func main() {
	lang := flag.String("lang", string(rules.LangFromEnv()), "language of the timeline: pl or en")
	flag.Parse()
	l, ok := rules.ParseLang(*lang)
	if !ok {
		fmt.Fprintln(os.Stderr, "quickstart: -lang takes pl or en")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Stdout, l); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", workflow.Localize(err, l))
		os.Exit(1)
	}
}

// Staff of the fictional Gmina Przykładowa (OPS) and its county (PCPR).
var staff = []workflow.Worker{
	{ID: "SW1", Role: workflow.SocialWorker, Employer: "OPS-1"},
	{ID: "H1", Role: workflow.OPSHead, Employer: "OPS-1"},
	{ID: "A1", Role: workflow.FamilyAssistant, Employer: "OPS-1", FTE: 1},
	{ID: "O1", Role: workflow.FosterCareOrganizer, Employer: "PCPR-1"},
	{ID: "K1", Role: workflow.FosterCareCoordinator, Employer: "PCPR-1"},
}

// step is one dated act of the story; a step without a trigger prints the
// review calendar on its date.
type step struct {
	on      string
	caseID  string
	trigger string
	by      string
	args    workflow.Args
	note    rules.Text
}

var story = []step{
	{"2025-02-03", "F01", "refer", "SW1", nil, rules.Text{PL: "szkoła zgłasza rodzinę", EN: "the school refers the family"}},
	{"2025-02-12", "F01", "complete_interview", "SW1", nil, rules.Text{}},
	{"2025-02-14", "F01", "request_assistant", "SW1", nil, rules.Text{}},
	{"2025-02-20", "F01", "assign_assistant", "H1", workflow.Args{"assistant": "A1"},
		rules.Text{PL: "rodzina nie zgodziła się na asystenta", EN: "the family has not agreed to an assistant"}},
	{"2025-02-24", "F01", "court_obligation", "SW1", workflow.Args{"court_ref": "III Nsm 45/25", "report_every_months": 3},
		rules.Text{PL: "sąd zobowiązuje rodziców do współpracy z asystentem", EN: "the court obliges the parents to work with an assistant"}},
	{"2025-02-25", "F01", "assign_assistant", "H1", workflow.Args{"assistant": "A1"}, rules.Text{}},
	{"2025-03-10", "F01", "approve_plan", "A1", workflow.Args{"plan_ref": "PPR/7/2025", "consulted": "SW1"}, rules.Text{PL: "plan pracy z rodziną, konsultowany z pracownikiem socjalnym", EN: "the work plan, drawn up in consultation with the social worker"}},
	{"2025-05-23", "F01", "report_to_court", "A1", nil, rules.Text{}},
	{"2025-06-02", "C1", "place", "O1", workflow.Args{"form": "professional_foster_family", "carer": "R1", "court_ref": "III Nsm 45/25"},
		rules.Text{PL: "sąd umieszcza dziecko w rodzinie zastępczej", EN: "the court places the child in a foster family"}},
	{"2025-06-05", "R1", "assign_coordinator", "O1", workflow.Args{"coordinator": "K1"}, rules.Text{}},
	{"2025-08-20", "F01", "assess", "A1", workflow.Args{"result": "positive"}, rules.Text{}},
	{"2025-08-22", "F01", "report_to_court", "A1", nil, rules.Text{}},
	{"2025-08-29", "C1", "review", "O1", nil, rules.Text{}},
	{"2025-11-21", "C1", "review", "O1", nil, rules.Text{PL: "dziecko skończyło 3 lata: następna ocena za 6 miesięcy",
		EN: "the child has turned 3: the next review is in 6 months"}},
	{"2025-12-15", "", "", "", nil, rules.Text{}}, // the review calendar on this date
	{"2026-01-15", "C1", "propose_return", "O1", nil, rules.Text{}},
	{"2026-02-10", "C1", "return_home", "O1", workflow.Args{"court_ref": "III Nsm 45/25"}, rules.Text{}},
	{"2026-03-02", "F01", "end_work", "A1", workflow.Args{"reason": "goals_achieved"}, rules.Text{}},
	{"2026-09-01", "F01", "end_monitoring", "A1", nil, rules.Text{}},
}

// run plays the story and prints the timeline.
func run(ctx context.Context, w io.Writer, lang rules.Lang) error {
	reg := caseload.NewRegistry()
	for _, s := range staff {
		if err := reg.Add(s); err != nil {
			return err
		}
	}
	e, err := workflow.New(workflow.WithDirectory(reg))
	if err != nil {
		return err
	}
	if err := declare(ctx, e); err != nil {
		return err
	}
	t := &timeline{w: w, lang: lang, e: e}
	t.heading()
	cl := caseload.New(e, reg)
	for _, s := range story {
		if s.trigger == "" {
			err = t.calendar(ctx, cl, rules.MustParseDate(s.on))
		} else {
			err = t.play(ctx, s)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func declare(ctx context.Context, e *workflow.Engine) error {
	if err := e.DeclareFamily(ctx, "F01", workflow.FamilyInfo{Difficulty: 1.5}); err != nil {
		return err
	}
	if err := e.DeclareChild(ctx, "C1", workflow.ChildInfo{Family: "F01", Born: rules.MustParseDate("2022-10-15")}); err != nil {
		return err
	}
	return e.DeclareFosterFamily(ctx, "R1", workflow.FosterFamilyInfo{Form: "professional_foster_family"})
}
