package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"reflect"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// exampleEngine returns an engine whose directory knows an OPS (social
// worker SW1, head H1, assistant A1) and a county (organizer O1), with
// family F01 declared.
func exampleEngine() *workflow.Engine {
	dir := workflow.NewMemoryDirectory()
	for _, w := range []workflow.Worker{
		{ID: "SW1", Role: workflow.SocialWorker},
		{ID: "H1", Role: workflow.OPSHead},
		{ID: "A1", Role: workflow.FamilyAssistant},
		{ID: "O1", Role: workflow.FosterCareOrganizer},
	} {
		if err := dir.AddWorker(w); err != nil {
			log.Fatal(err)
		}
	}
	e, err := workflow.New(workflow.WithDirectory(dir))
	if err != nil {
		log.Fatal(err)
	}
	if err := e.DeclareFamily(context.Background(), "F01", workflow.FamilyInfo{}); err != nil {
		log.Fatal(err)
	}
	return e
}

func ExampleNew() {
	dir := workflow.NewMemoryDirectory()
	if err := dir.AddWorker(workflow.Worker{ID: "SW1", Role: workflow.SocialWorker}); err != nil {
		log.Fatal(err)
	}
	// The statute alone, a memory store and the directory above.
	e, err := workflow.New(workflow.WithDirectory(dir))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := e.DeclareFamily(ctx, "F01", workflow.FamilyInfo{Difficulty: 1.5}); err != nil {
		log.Fatal(err)
	}
	c, err := e.Case(ctx, "F01")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("lifecycle:", c.Lifecycle)
	fmt.Println("opened:", c.Opened())
	fmt.Println("version:", c.Version)
	// Output:
	// lifecycle: family
	// opened: false
	// version: 1
}

func ExampleEngine_Fire() {
	e := exampleEngine()
	ctx := context.Background()
	sw := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	head := workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	asst := workflow.Actor{ID: "A1", Role: workflow.FamilyAssistant}
	for _, cmd := range []workflow.Command{
		{Trigger: "refer", Actor: sw, On: rules.MustParseDate("2025-03-03")},
		{Trigger: "complete_interview", Actor: sw, On: rules.MustParseDate("2025-03-10")},
		{Trigger: "request_assistant", Actor: sw, On: rules.MustParseDate("2025-03-12")},
		{Trigger: "give_consent", Actor: sw, On: rules.MustParseDate("2025-03-14")},
		{Trigger: "assign_assistant", Actor: head, On: rules.MustParseDate("2025-03-17"), Args: workflow.Args{"assistant": "A1"}},
		{Trigger: "approve_plan", Actor: asst, On: rules.MustParseDate("2025-04-01")},
	} {
		out, err := e.Fire(ctx, "F01", cmd)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-18s %s → %s (v%d)\n", cmd.Trigger, out.Event.From, out.Event.To, out.Case.Version)
	}
	c, _ := e.Case(ctx, "F01")
	fmt.Println("basis:", c.Family.Basis, "assistant:", c.Family.Assistant)
	// Output:
	// refer               → referred (v2)
	// complete_interview referred → analysis (v3)
	// request_assistant  analysis → assistant_requested (v4)
	// give_consent       assistant_requested → assistant_requested (v5)
	// assign_assistant   assistant_requested → assistant_work.planning (v6)
	// approve_plan       assistant_work.planning → assistant_work.implementing (v7)
	// basis: consent assistant: A1
}

func ExampleEngine_Fire_denied() {
	e := exampleEngine()
	ctx := context.Background()
	sw := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	on := rules.MustParseDate("2025-03-03")
	for _, trig := range []string{"refer", "complete_interview", "request_assistant"} {
		if _, err := e.Fire(ctx, "F01", workflow.Command{Trigger: trig, Actor: sw, On: on}); err != nil {
			log.Fatal(err)
		}
	}
	// No consent, court order, 'Za życiem' application or mandatory basis.
	_, err := e.Fire(ctx, "F01", workflow.Command{Trigger: "assign_assistant", On: on,
		Actor: workflow.Actor{ID: "H1", Role: workflow.OPSHead}, Args: workflow.Args{"assistant": "A1"}})
	var denied *workflow.DeniedError
	if errors.As(err, &denied) {
		fmt.Println(denied.RuleIDs())
		fmt.Println(workflow.Localize(err, rules.Polish))
	}
	fmt.Println(errors.Is(err, workflow.ErrDenied))
	// Output:
	// [assistant.basis_required]
	// F01 family.assign_assistant odmowa: assistant.basis_required: Asystenta można przydzielić tylko za zgodą rodziny, na podstawie zobowiązania sądu, wniosku „Za życiem” albo w trybie art. 11 ust. 1a UWR.
	// true
}

func ExampleEngine_Obligations() {
	e := exampleEngine()
	ctx := context.Background()
	sw := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	// Referred on 15 December 2025: 14 working days skip 24–26 December
	// (24 December is a holiday from 2025), 1 and 6 January.
	if _, err := e.Fire(ctx, "F01", workflow.Command{Trigger: "refer", Actor: sw, On: rules.MustParseDate("2025-12-15")}); err != nil {
		log.Fatal(err)
	}
	for _, day := range []string{"2026-01-09", "2026-01-12"} {
		list, err := e.Obligations(ctx, "F01", rules.MustParseDate(day))
		if err != nil {
			log.Fatal(err)
		}
		for _, o := range list {
			fmt.Printf("on %s: %s due %s, overdue %v, days left %d\n", day, o.ID, o.Due, o.Overdue, o.DaysLeft)
		}
	}
	// Output:
	// on 2026-01-09: interview due 2026-01-09, overdue false, days left 0
	// on 2026-01-12: interview due 2026-01-09, overdue true, days left -3
}

func ExampleEngine_Replay() {
	e := exampleEngine()
	ctx := context.Background()
	sw := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	head := workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	for _, cmd := range []workflow.Command{
		{Trigger: "refer", Actor: sw, On: rules.MustParseDate("2024-08-01")},
		{Trigger: "court_obligation", Actor: head, On: rules.MustParseDate("2024-08-30"),
			Args: workflow.Args{"court_ref": "III Nsm 12/24", "report_every_months": 3}},
		{Trigger: "assign_assistant", Actor: head, On: rules.MustParseDate("2024-08-31"), Args: workflow.Args{"assistant": "A1"}},
	} {
		if _, err := e.Fire(ctx, "F01", cmd); err != nil {
			log.Fatal(err)
		}
	}
	stored, _ := e.Case(ctx, "F01")
	replayed, err := e.Replay(ctx, "F01")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("same as stored:", reflect.DeepEqual(stored, replayed))
	fmt.Println("state:", replayed.State)
	for _, o := range replayed.Obligations {
		fmt.Println(o.ID, o.Due)
	}
	// Output:
	// same as stored: true
	// state: assistant_work.planning
	// court_report 2024-11-30
	// family_assessment 2025-02-28
}

func ExampleEngine_DeclareChild() {
	e := exampleEngine()
	ctx := context.Background()
	// A child of family F01 (which needs no open case) and a qualified
	// professional foster family.
	if err := e.DeclareChild(ctx, "C1", workflow.ChildInfo{Family: "F01", Born: rules.MustParseDate("2022-05-10")}); err != nil {
		log.Fatal(err)
	}
	if err := e.DeclareFosterFamily(ctx, "R1", workflow.FosterFamilyInfo{Form: workflow.FormProfessional}); err != nil {
		log.Fatal(err)
	}
	out, err := e.Fire(ctx, "C1", workflow.Command{Trigger: "place", On: rules.MustParseDate("2024-02-29"),
		Actor: workflow.Actor{ID: "O1", Role: workflow.FosterCareOrganizer},
		Args:  workflow.Args{"form": workflow.FormProfessional, "carer": "R1", "court_ref": "III Nsm 7/24"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("child:", out.Case.State)
	for _, o := range out.Case.Obligations {
		fmt.Println("  ", o.ID, o.Due)
	}
	for _, w := range out.Decision.Warnings() {
		fmt.Println("warning:", w.Rule)
	}
	for _, ff := range out.Linked {
		fmt.Println("foster family:", ff.ID, ff.State)
		for _, o := range ff.Obligations {
			fmt.Println("  ", o.ID, o.Due)
		}
	}
	h, _ := e.History(ctx, "R1")
	last := h[len(h)-1]
	fmt.Printf("event: %s %s → %s, cause %s\n", last.Trigger, last.From, last.To, last.Cause)
	// Output:
	// child: placed.professional_foster_family
	//    child_review 2024-05-29
	//    court_report 2024-08-29
	//    legal_status_motion 2025-08-29
	// warning: placement.family_support_first
	// foster family: R1 active
	//    foster_family_assessment 2025-02-28
	// event: activate qualified → active, cause C1
}
