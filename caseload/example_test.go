package caseload_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// The same person may not be a family assistant and a social worker in the
// same gmina at the same time (art. 17 ust. 3 UWR).
func ExampleRegistry_Add_conflict() {
	reg := caseload.NewRegistry()
	_ = reg.Add(workflow.Worker{ID: "SW7", Person: "anna", Role: workflow.SocialWorker, Employer: "OPS-Lipno"})
	err := reg.Add(workflow.Worker{ID: "A3", Person: "anna", Role: workflow.FamilyAssistant, Employer: "OPS-Lipno"})

	fmt.Println(errors.Is(err, caseload.ErrRoleConflict))
	var rc *caseload.RoleConflictError
	if errors.As(err, &rc) {
		fmt.Println(rc.Localize(rules.Polish))
		fmt.Println(rc.Localize(rules.English))
	}
	// In another gmina she may.
	fmt.Println(reg.Add(workflow.Worker{ID: "A4", Person: "anna", Role: workflow.FamilyAssistant, Employer: "OPS-Skępe"}))
	// Output:
	// true
	// caseload: A3 / SW7: asystent rodziny nie może być pracownikiem socjalnym w tej samej gminie (OPS-Lipno) (art. 17 ust. 3 UWR)
	// caseload: A3 / SW7: a family assistant may not be a social worker in the same gmina (OPS-Lipno) (art. 17 ust. 3 UWR)
	// <nil>
}

// exampleOPS is one OPS: a social worker, the head and two assistants,
// with families opened on 2014-06-02 and waiting for an assistant.
func exampleOPS(families ...workflow.FamilyInfo) (*workflow.Engine, *caseload.Registry, *caseload.Caseload) {
	reg := caseload.NewRegistry()
	for _, w := range []workflow.Worker{
		{ID: "SW1", Role: workflow.SocialWorker, Employer: "G1"},
		{ID: "H1", Role: workflow.OPSHead, Employer: "G1"},
		{ID: "A1", Role: workflow.FamilyAssistant, Employer: "G1", Area: "north"},
		{ID: "A2", Role: workflow.FamilyAssistant, Employer: "G1", Area: "south", FTE: 0.5},
	} {
		if err := reg.Add(w); err != nil {
			panic(err)
		}
	}
	e, err := workflow.New(workflow.WithDirectory(reg))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	on := rules.MustParseDate("2014-06-02")
	for i, info := range families {
		id := fmt.Sprintf("F%02d", i+1)
		if err := e.DeclareFamily(ctx, id, info); err != nil {
			panic(err)
		}
		for _, tr := range []string{"refer", "complete_interview", "request_assistant", "give_consent"} {
			if _, err := e.Fire(ctx, id, workflow.Command{Trigger: tr, Actor: workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}, On: on}); err != nil {
				panic(err)
			}
		}
	}
	return e, reg, caseload.New(e, reg)
}

func exampleAssign(e *workflow.Engine, family, worker, on string) {
	_, err := e.Fire(context.Background(), family, workflow.Command{Trigger: "assign_assistant",
		Actor: workflow.Actor{ID: "H1", Role: workflow.OPSHead}, On: rules.MustParseDate(on), Args: workflow.Args{"assistant": worker}})
	if err != nil {
		panic(err)
	}
}

// A worker's load is derived from the cases and the cap in force on the
// date: 20 families until 2014, 15 from 2015.
func ExampleCaseload_Load() {
	e, _, cl := exampleOPS(workflow.FamilyInfo{Difficulty: 2}, workflow.FamilyInfo{}, workflow.FamilyInfo{Difficulty: 1.5})
	for _, f := range []string{"F01", "F02", "F03"} {
		exampleAssign(e, f, "A1", "2014-06-03")
	}
	for _, on := range []string{"2014-12-31", "2015-01-01"} {
		l, err := cl.Load(context.Background(), "A1", rules.MustParseDate(on))
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d families (weight %.1f), cap %d (%s), %.0f%%, over: %v\n",
			on, l.Families, l.Weight, l.Cap, l.CapSource, 100*l.Utilisation(), l.Over())
	}
	// Output:
	// 2014-12-31: 3 families (weight 4.5), cap 20 (statute), 15%, over: false
	// 2015-01-01: 3 families (weight 4.5), cap 15 (statute), 20%, over: false
}

// Recommend ranks the assistants for a family: eligible first, then the
// least loaded, then continuity, then the same area.
func ExampleCaseload_Recommend() {
	e, _, cl := exampleOPS(workflow.FamilyInfo{}, workflow.FamilyInfo{}, workflow.FamilyInfo{Area: "north"})
	exampleAssign(e, "F01", "A2", "2016-03-02")
	exampleAssign(e, "F02", "A1", "2016-03-02")

	recs, err := cl.Recommend(context.Background(), "F03", rules.MustParseDate("2016-03-03"),
		workflow.Actor{ID: "H1", Role: workflow.OPSHead}, caseload.Candidates{Employer: "G1"})
	if err != nil {
		panic(err)
	}
	for _, r := range recs {
		fmt.Printf("%s eligible=%v\n", r.Worker, r.Eligible)
		for _, why := range r.Reasons {
			fmt.Printf("  %s | %s\n", why.PL, why.EN)
		}
	}
	// Output:
	// A1 eligible=true
	//   spełnia wszystkie reguły | meets every rule
	//   obciążenie 1/15 rodzin (7%) | load 1/15 families (7%)
	//   ten sam rejon | same area
	// A2 eligible=true
	//   spełnia wszystkie reguły | meets every rule
	//   obciążenie 1/15 rodzin (7%) | load 1/15 families (7%)
}

// The review calendar lists open obligations by due date, with who answers
// for each: here what falls due within 14 days of 2016-08-25, and what is
// overdue.
func ExampleCaseload_Calendar() {
	e, _, cl := exampleOPS(workflow.FamilyInfo{}, workflow.FamilyInfo{}, workflow.FamilyInfo{})
	exampleAssign(e, "F01", "A1", "2016-02-20")
	exampleAssign(e, "F02", "A2", "2016-03-02")
	exampleAssign(e, "F03", "A1", "2016-03-30")

	entries, err := cl.Calendar(context.Background(), caseload.CalendarQuery{On: rules.MustParseDate("2016-08-25"), LeadDays: 14})
	if err != nil {
		panic(err)
	}
	fmt.Print(caseload.FormatCalendar(entries, rules.Polish))
	fmt.Print(caseload.FormatCalendar(entries, rules.English))
	// Output:
	// 2016-08-20  F01      okresowa ocena sytuacji rodziny                  A1       PO TERMINIE (5 dni)
	// 2016-09-02  F02      okresowa ocena sytuacji rodziny                  A2       za 8 dni
	// 2016-08-20  F01      periodic assessment of the family                A1       OVERDUE (5 days)
	// 2016-09-02  F02      periodic assessment of the family                A2       in 8 days
}

// The staffing report checks the social-worker norm of art. 110 ust. 11–12
// UPS and every assistant's load against the cap.
func ExampleCaseload_Staffing() {
	e, reg, cl := exampleOPS(workflow.FamilyInfo{}, workflow.FamilyInfo{})
	_ = reg.Add(workflow.Worker{ID: "SW2", Role: workflow.SocialWorker, Employer: "G1", FTE: 0.5})
	exampleAssign(e, "F01", "A1", "2016-03-02")
	exampleAssign(e, "F02", "A1", "2016-03-02")

	rep, err := cl.Staffing(context.Background(), caseload.StaffingInput{Unit: "G1", Name: "Gmina Lipno",
		Inhabitants: 9000, SocialWorkFamilies: 120}, rules.MustParseDate("2016-12-31"))
	if err != nil {
		panic(err)
	}
	n := rep.SocialWorkers
	fmt.Printf("social workers: %.1f FTE; by inhabitants %d, by families %d, minimum %d: required %d, met %v\n",
		n.FTE, n.ByInhabitants, n.ByFamilies, n.Minimum, n.Required, n.Met)
	for _, l := range rep.Assistants {
		fmt.Printf("%s: %d/%d\n", l.Worker, l.Families, l.Cap)
	}
	for _, v := range rep.Violations {
		fmt.Printf("%s: %s\n", v.Rule, v.Msg.EN)
	}
	// Output:
	// social workers: 1.5 FTE; by inhabitants 5, by families 3, minimum 3: required 3, met false
	// A1: 2/15
	// A2: 0/15
	// social_worker.min_fte: the centre employs 1.50 FTE of social workers against a minimum of 3
}
