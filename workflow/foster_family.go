package workflow

import (
	"slices"

	"github.com/asysta/asysta/rules"
)

// The foster_family lifecycle's triggers (docs/workflow.md,
// "foster_family — rodzina zastępcza, rodzinny dom dziecka"). assess is
// [TriggerAssess].
const (
	TriggerQualify           = "qualify"
	TriggerAssignCoordinator = "assign_coordinator"
	TriggerSuspend           = "suspend"
	TriggerResume            = "resume"
	TriggerDissolve          = "dissolve"
	TriggerFileEndMotion     = "file_placement_end_motion"
)

// TriggerActivate is fired by the engine on a foster family when its first
// child is placed: a foster family becomes active with its first placed
// child (docs/workflow.md).
const TriggerActivate = "activate"

// fosterFamilyLifecycle is a foster family or family children's home
// (docs/workflow.md).
func fosterFamilyLifecycle() *lifecycle {
	org := []Role{FosterCareOrganizer}
	return &lifecycle{
		name:   rules.LifecycleFosterFamily,
		states: []State{Candidate, Qualified, Active, Suspended, Dissolved},
		records: []record{{
			name:  TriggerQualify,
			paths: []path{{from: []State{Candidate}, to: Qualified}},
			roles: org,
		}, {
			name:    TriggerAssignCoordinator,
			paths:   []path{{from: []State{Qualified, Active}}},
			roles:   org,
			args:    []argSpec{refArg("coordinator", true)},
			prepare: (*call).prepareCoordinator,
			facts:   func(f *firing) { f.c.FosterFamily.Coordinator = f.args.String("coordinator") },
		}, {
			name:     TriggerActivate,
			paths:    []path{{from: []State{Qualified}, to: Active}},
			roles:    org,
			internal: true,
			facts: func(f *firing) {
				if f.c.FosterFamily.ActiveSince.IsZero() {
					f.c.FosterFamily.ActiveSince = f.on
				}
			},
			duties: []duty{opens(OblFosterFamilyAssessment, "due.foster_family_assessment")},
		}, {
			name:  TriggerAssess,
			paths: []path{{from: []State{Active}}},
			roles: []Role{FosterCareCoordinator, FosterCareOrganizer},
			args:  []argSpec{enumArg("result", true, "positive", "negative")},
			facts: func(f *firing) {
				ff := f.c.FosterFamily
				ff.Assessments++
				ff.LastResult = f.args.String("result")
				if ff.LastResult == "negative" {
					ff.NegativeInRow++
				} else {
					ff.NegativeInRow = 0
				}
			},
			// The due rule reads the number of assessments, this one
			// included, and its result (art. 134 ust. 1–3 UWR). A negative
			// assessment following a negative one obliges the organiser to
			// ask the court to end the placement (art. 134 ust. 3).
			duties: []duty{
				opens(OblFosterFamilyAssessment, "due.foster_family_assessment"),
				opens(OblPlacementEndMotion, "due.placement_end_motion", func(f *firing) bool {
					return f.c.FosterFamily.NegativeInRow >= 2 && !hasObligation(f.c, OblPlacementEndMotion)
				}),
			},
		}, {
			name:   TriggerFileEndMotion,
			paths:  []path{{from: []State{Active, Suspended}}},
			roles:  org,
			args:   []argSpec{courtRefArg(false)},
			facts:  func(f *firing) { f.c.FosterFamily.EndMotionFiled = f.on },
			duties: []duty{closes(OblPlacementEndMotion)},
		}, {
			name:  TriggerSuspend,
			paths: []path{{from: []State{Active}, to: Suspended}},
			roles: org,
		}, {
			name:  TriggerResume,
			paths: []path{{from: []State{Suspended}, to: Active}},
			roles: org,
		}, {
			name:  TriggerDissolve,
			paths: []path{{from: []State{Active, Suspended}, to: Dissolved}},
			roles: org,
		}},
	}
}

// prepareCoordinator resolves the coordinator an assignment names and
// counts the foster families they support, whose key version guards the
// commit (rule coordinator.max_foster_families).
func (cl *call) prepareCoordinator() error {
	w, err := cl.worker("coordinator", FosterCareCoordinator)
	if err != nil {
		return err
	}
	supported, err := cl.index(CoordinatorKey(w.ID))
	if err != nil {
		return err
	}
	supported = slices.DeleteFunc(supported, func(c *Case) bool { return c.ID == cl.c.ID })
	cl.load = rules.Worker{ID: w.ID, Role: string(w.Role), FTE: w.EffectiveFTE(), FosterFamilies: len(supported)}
	return nil
}

// fosterEnv is the rules environment of a foster family trigger: its facts,
// the arguments, the children placed with it (read only when a guard
// reads them, their key's version then guarding the commit) and the
// coordinator's load prepared.
func (cl *call) fosterEnv() (rules.Env, error) {
	env := FosterFamilyEnvOf(cl.c, cl.args, cl.cmd.Actor)
	if cl.reads("foster_family.children") {
		// Guarded, as a placement guards the family's own key: a child
		// placed there meanwhile makes the commit conflict.
		kids, err := cl.index(CarerKey(cl.c.ID))
		if err != nil {
			return nil, err
		}
		env.FosterFamily.Children = len(kids)
	}
	env.Worker = cl.load
	return env, nil
}

// FosterFamilyEnvOf maps a foster family case's facts, arguments and actor
// to the rules environment. Its child count and the coordinator's load are
// the caller's to fill.
func FosterFamilyEnvOf(c *Case, a Args, actor Actor) *rules.FosterFamilyEnv {
	ff := c.FosterFamily
	return &rules.FosterFamilyEnv{
		Base: rules.Base{Actor: rules.Actor{ID: actor.ID, Role: string(actor.Role)}},
		FosterFamily: rules.FosterFamily{ID: c.ID, Form: ff.Form, State: string(c.State), Assessments: ff.Assessments,
			LastResult: ff.LastResult, Coordinator: ff.Coordinator, NegativeInRow: ff.NegativeInRow},
		Args: rules.FosterFamilyArgs{Coordinator: a.String("coordinator"), Result: a.String("result")},
	}
}
