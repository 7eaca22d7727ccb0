package workflow

import (
	"errors"
	"slices"

	"github.com/asysta/asysta/rules"
)

// prepare builds the rules environment of the call: the case's facts, the
// arguments and, for the triggers that change a worker's or a carer's
// load, that load read from the store's index (whose version guards the
// commit).
func (cl *call) prepare() error {
	var err error
	switch cl.c.Lifecycle {
	case rules.LifecycleFamily:
		cl.env, err = cl.familyEnv()
	case rules.LifecycleChild:
		cl.env, err = cl.childEnv()
	default:
		cl.env, err = cl.fosterEnv()
	}
	return err
}

func (cl *call) argError(arg, pl, en string) error {
	return &ArgumentError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Arg: arg, Problem: rules.Text{PL: pl, EN: en}}
}

func (cl *call) familyEnv() (rules.Env, error) {
	env := &cl.famEnv
	fillFamilyEnv(env, cl.c, cl.args, cl.cmd.Actor)
	count := func(k *Case) {
		env.Family.Children++
		if inCare(k.State) {
			env.Family.PlacedChildren++
		}
	}
	kids, _, err := cl.e.store.Index(cl.ctx, FamilyKey(cl.c.ID))
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		count(k)
	}
	if cl.cmd.Trigger == "assign_assistant" || cl.cmd.Trigger == "reassign_assistant" {
		w, err := cl.worker("assistant", FamilyAssistant)
		if err != nil {
			return nil, err
		}
		if w.ID == cl.c.Family.Assistant {
			return nil, cl.argError("assistant", "asystent "+w.ID+" już pracuje z tą rodziną", "assistant "+w.ID+" already works with this family")
		}
		cases, err := cl.index(AssistantKey(w.ID))
		if err != nil {
			return nil, err
		}
		count := true
		if v, ok := cl.rs.Param("assistant.count_za_zyciem_in_cap", cl.cmd.On); ok {
			count = v.Bool()
		}
		env.Worker = rules.Worker{ID: w.ID, Role: string(w.Role), FTE: w.EffectiveFTE()}
		env.Worker.Families, env.Worker.Weight = FamilyLoad(cases, count)
	}
	return env, nil
}

// FamilyLoad counts the families toward an assistant's cap among the cases
// filed under their [AssistantKey], and sums their difficulty. 'Za życiem'
// families count only when countZaZyciem is true
// (assistant.count_za_zyciem_in_cap).
func FamilyLoad(cases []*Case, countZaZyciem bool) (families int, weight float64) {
	for _, c := range cases {
		if c.Family == nil || !c.State.In(AssistantWork) || (c.Family.ZaZyciem() && !countZaZyciem) {
			continue
		}
		families++
		weight += c.Family.Difficulty
	}
	return families, weight
}

// worker resolves a worker named by an argument and checks their role and
// employment on the date.
func (cl *call) worker(arg string, role Role) (Worker, error) {
	id := cl.args.String(arg)
	w, err := cl.e.dir.Worker(cl.ctx, id)
	switch {
	case errors.Is(err, ErrUnknownWorker):
		return w, cl.argError(arg, "nieznany pracownik "+id, "unknown worker "+id)
	case err != nil:
		return w, err
	case w.Role != role:
		return w, cl.argError(arg, "pracownik "+id+" ma rolę "+string(w.Role)+", a potrzebna jest "+string(role),
			"worker "+id+" has role "+string(w.Role)+", not "+string(role))
	case !w.ActiveOn(cl.cmd.On):
		return w, cl.argError(arg, "pracownik "+id+" nie jest zatrudniony w dniu "+cl.cmd.On.String(),
			"worker "+id+" is not employed on "+cl.cmd.On.String())
	}
	return w, nil
}

func (cl *call) childEnv() (rules.Env, error) {
	env := &cl.chEnv
	fillChildEnv(env, cl.c, cl.args, cl.cmd.Actor)
	if fam := cl.c.Child.Family; fam != "" {
		fc, err := cl.e.store.Get(cl.ctx, fam)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		if fc != nil && fc.Family != nil {
			env.Family = FamilyEnvOf(fc, nil, cl.cmd.Actor).Family
			env.Child.FamilySupport = fc.Family.Assistant != "" || len(fc.Family.FormerAssistants) > 0
		}
	}
	if cl.cmd.Trigger == "place" || cl.cmd.Trigger == "move" {
		carer, err := cl.carer()
		if err != nil {
			return nil, err
		}
		env.Carer = carer
	}
	return env, nil
}

// carer resolves the foster family or institution a child goes to, checks
// that the form matches and counts the children already there.
func (cl *call) carer() (rules.Carer, error) {
	id, form := cl.args.String("carer"), cl.args.String("form")
	if cl.cmd.Trigger == "move" && id == cl.c.Child.Carer && cl.c.State.In(Placed) {
		return rules.Carer{}, cl.argError("carer", "dziecko już przebywa u "+id, "the child is already placed with "+id)
	}
	carerForm, err := cl.carerForm(id)
	if err != nil {
		return rules.Carer{}, err
	}
	if carerForm != form {
		return rules.Carer{}, cl.argError("form", "opiekun "+id+" ma formę "+carerForm+", nie "+form,
			"carer "+id+" is a "+carerForm+", not a "+form)
	}
	kids, err := cl.index(CarerKey(id))
	if err != nil {
		return rules.Carer{}, err
	}
	n := 0
	for _, k := range kids {
		if k.ID != cl.c.ID {
			n++
		}
	}
	return rules.Carer{ID: id, Form: carerForm, Children: n}, nil
}

// carerForm returns the form of a foster family (which must be qualified
// or active) or "institution" for an institution of the directory. It
// reads the foster family through its [FosterFamilyKey], whose version
// then guards the commit against a concurrent change of the family's state.
func (cl *call) carerForm(id string) (string, error) {
	ffs, err := cl.index(FosterFamilyKey(id))
	if err != nil {
		return "", err
	}
	if len(ffs) == 1 && ffs[0].FosterFamily != nil {
		fc := ffs[0]
		if fc.State != Qualified && fc.State != Active {
			return "", cl.argError("carer", "rodzina zastępcza "+id+" jest w stanie "+string(fc.State)+": nie przyjmuje dzieci",
				"foster family "+id+" is "+string(fc.State)+": it takes no children")
		}
		if fc.State == Qualified {
			cl.linked = append(cl.linked, Write{Case: fc, Expected: fc.Version}) // activateCarer changes it
		}
		return fc.FosterFamily.Form, nil
	}
	if _, err := cl.e.dir.Institution(cl.ctx, id); err == nil {
		return FormInstitution, nil
	} else if !errors.Is(err, ErrUnknownInstitution) {
		return "", err
	}
	return "", cl.argError("carer", "nieznana rodzina zastępcza ani placówka "+id, "no foster family or institution "+id)
}

// activateCarer fires activate on a qualified foster family receiving its
// first child, in the same batch as the placement.
func (cl *call) activateCarer() error {
	for i := range cl.linked {
		fc := cl.linked[i].Case
		from := fc.State
		fc.State = Active
		applyFacts(fc, TriggerActivate, nil, cl.cmd.Actor, cl.cmd.On, from)
		if err := applyObligations(cl.rs, fc, TriggerActivate, nil, cl.cmd.Actor, cl.cmd.On, from, nil); err != nil {
			return err
		}
		ev := cl.newEvent(fc, from, TriggerActivate, cl.c.ID)
		ev.Args = nil
		cl.linked[i].Events = []Event{ev}
	}
	return nil
}

func (cl *call) fosterEnv() (rules.Env, error) {
	env := FosterFamilyEnvOf(cl.c, cl.args, cl.cmd.Actor)
	kids, _, err := cl.e.store.Index(cl.ctx, CarerKey(cl.c.ID))
	if err != nil {
		return nil, err
	}
	env.FosterFamily.Children = len(kids)
	if cl.cmd.Trigger == "assign_coordinator" {
		w, err := cl.worker("coordinator", FosterCareCoordinator)
		if err != nil {
			return nil, err
		}
		supported, err := cl.index(CoordinatorKey(w.ID))
		if err != nil {
			return nil, err
		}
		supported = slices.DeleteFunc(supported, func(c *Case) bool { return c.ID == cl.c.ID })
		env.Worker = rules.Worker{ID: w.ID, Role: string(w.Role), FTE: w.EffectiveFTE(), FosterFamilies: len(supported)}
	}
	return env, nil
}

// FamilyEnvOf maps a family case's facts, a trigger's arguments and its
// actor to the rules environment. It reads nothing from the store: the
// counts of children and the worker's load are the caller's to fill.
func FamilyEnvOf(c *Case, a Args, actor Actor) *rules.FamilyEnv {
	env := &rules.FamilyEnv{}
	fillFamilyEnv(env, c, a, actor)
	return env
}

func fillFamilyEnv(env *rules.FamilyEnv, c *Case, a Args, actor Actor) {
	f := c.Family
	*env = rules.FamilyEnv{}
	env.Actor = rules.Actor{ID: actor.ID, Role: string(actor.Role)}
	env.Family = rules.Family{ID: c.ID, Difficulty: f.Difficulty, ZaZyciem: f.ZaZyciem(), Basis: string(f.Basis),
		State: string(c.State), Urgent: f.Urgent, ReportEveryMonths: f.ReportEveryMonths, Assistant: f.Assistant}
	// One pass over the (few) arguments rather than a lookup per field:
	// each field as a.Bool, a.Int or a.String would give it.
	fa := &env.Args
	for k, v := range a {
		switch k {
		case "urgent":
			fa.Urgent, _ = v.(bool)
		case "mandatory":
			fa.Mandatory, _ = v.(bool)
		case "kind":
			fa.Kind, _ = v.(string)
		case "court_ref":
			fa.CourtRef, _ = v.(string)
		case "report_every_months":
			fa.ReportEveryMonths, _ = v.(int)
		case "assistant":
			fa.Assistant, _ = v.(string)
		case "result":
			fa.Result, _ = v.(string)
		case "reason":
			fa.Reason, _ = v.(string)
		}
	}
}

// ChildEnvOf maps a child case's facts, arguments and actor to the rules
// environment. The carer and the family are the caller's to fill.
func ChildEnvOf(c *Case, a Args, actor Actor) *rules.ChildEnv {
	env := &rules.ChildEnv{}
	fillChildEnv(env, c, a, actor)
	return env
}

func fillChildEnv(env *rules.ChildEnv, c *Case, a Args, actor Actor) {
	ch := c.Child
	*env = rules.ChildEnv{}
	env.Actor = rules.Actor{ID: actor.ID, Role: string(actor.Role)}
	env.Child = rules.Child{ID: c.ID, Born: ch.Born.Time(), State: string(c.State), Form: ch.Form, Carer: ch.Carer,
		PlacedOn: ch.PlacedOn.Time(), FirstPlaced: ch.FirstPlaced.Time(), StayExtended: ch.StayExtended,
		LegalStatusSettled: ch.LegalStatusSettled}
	ca := &env.Args // as in fillFamilyEnv: one pass over the arguments
	for k, v := range a {
		switch k {
		case "form":
			ca.Form, _ = v.(string)
		case "carer":
			ca.Carer, _ = v.(string)
		case "court_ref":
			ca.CourtRef, _ = v.(string)
		case "siblings":
			ca.Siblings, _ = v.(bool)
		case "exception":
			ca.Exception, _ = v.(string)
		}
	}
}

// FosterFamilyEnvOf maps a foster family case's facts, arguments and actor
// to the rules environment. Its child count and the coordinator's load are
// the caller's to fill.
func FosterFamilyEnvOf(c *Case, a Args, actor Actor) *rules.FosterFamilyEnv {
	ff := c.FosterFamily
	env := &rules.FosterFamilyEnv{}
	env.Actor = rules.Actor{ID: actor.ID, Role: string(actor.Role)}
	env.FosterFamily = rules.FosterFamily{ID: c.ID, Form: ff.Form, State: string(c.State), Assessments: ff.Assessments,
		Coordinator: ff.Coordinator}
	env.Args = rules.FosterFamilyArgs{Coordinator: a.String("coordinator"), Result: a.String("result")}
	return env
}
