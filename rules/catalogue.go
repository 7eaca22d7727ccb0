package rules

import "time"

// StatuteStart is the first day the built-in catalogue covers: the day the
// Act on family support and foster care (UWR, Dz.U. 2011 nr 149 poz. 887)
// took effect. Parameters and rules are not in force before it.
var StatuteStart = Date{2012, time.January, 1}

// Abbreviations of the acts cited in legal bases:
//
//	UWR  ustawa z 9 czerwca 2011 r. o wspieraniu rodziny i systemie pieczy zastępczej
//	UPS  ustawa z 12 marca 2004 r. o pomocy społecznej
//	KRO  Kodeks rodzinny i opiekuńczy
//	ZZ   ustawa z 4 listopada 2016 r. o wsparciu kobiet w ciąży i rodzin „Za życiem”
//	RWS  rozporządzenie w sprawie rodzinnego wywiadu środowiskowego (Dz.U. 2021 poz. 893)

// statuteParameters is the built-in parameter catalogue (docs/glossary.md,
// "Parameters"), each with its legal basis and history (docs/legal.md).
func statuteParameters() []Parameter {
	return []Parameter{
		ceiling("assistant.max_families", UnitCount, "art. 15 ust. 4 UWR",
			Text{"Maksymalna liczba rodzin, z którymi asystent rodziny pracuje jednocześnie", "Most families a family assistant works with at the same time"},
			step(20, Date{2014, time.December, 31}), from(15, Date{2015, time.January, 1})),
		noted(policyBool("assistant.count_za_zyciem_in_cap", "art. 15 ust. 4 UWR; art. 8 ust. 6 ZZ",
			Text{"Czy rodziny wspierane w ramach ustawy „Za życiem” liczą się do limitu asystenta", "Whether families supported under 'Za życiem' count toward the assistant's cap"}, true),
			Text{"ustawa milczy", "the statute is silent"}),
		ceiling("assistant.family_assessment_interval", UnitMonths, "art. 15 ust. 1 pkt 15 UWR",
			Text{"Najdłuższy odstęp między okresowymi ocenami sytuacji rodziny", "Longest interval between periodic assessments of the family"}, from(6, StatuteStart)),
		noted(policyInt("family.post_closure_monitoring", UnitMonths, "art. 15 ust. 1 pkt 16 UWR",
			Text{"Czas monitorowania rodziny po zakończeniu pracy; 0 = do end_monitoring", "Months of monitoring after work ends; 0 = until end_monitoring"}, 0, 0, 36),
			Text{"długość nieokreślona, polityka lokalna", "length not set, local policy"}),
		ceiling("interview.deadline", UnitWorkingDays, "§ 3 RWS",
			Text{"Termin przeprowadzenia rodzinnego wywiadu środowiskowego", "Deadline for the family community interview"}, from(14, StatuteStart)),
		ceiling("interview.deadline_urgent", UnitWorkingDays, "§ 3 RWS",
			Text{"Termin wywiadu w sprawach niecierpiących zwłoki", "Deadline for the interview in urgent cases"}, from(2, StatuteStart)),
		ceiling("coordinator.max_foster_families", UnitCount, "art. 77 ust. 4 UWR",
			Text{"Maksymalna liczba rodzin zastępczych i rodzinnych domów dziecka pod opieką koordynatora", "Most foster families and family children's homes per coordinator"},
			step(30, Date{2014, time.December, 31}), from(15, Date{2015, time.January, 1})),
		ceiling("social_worker.inhabitants_per_fte", UnitCount, "art. 110 ust. 11 UPS",
			Text{"Liczba mieszkańców na jeden etat pracownika socjalnego", "Inhabitants per full-time social worker"}, from(2000, StatuteStart)),
		ceiling("social_worker.families_per_fte", UnitCount, "art. 110 ust. 11 UPS",
			Text{"Najwięcej rodzin i osób samotnie gospodarujących objętych pracą socjalną na etat", "Most families and single households in social work per full-time social worker"}, from(50, StatuteStart)),
		floor("social_worker.min_fte", UnitFTE, "art. 110 ust. 12 UPS", 1000,
			Text{"Najmniejsza liczba etatów pracowników socjalnych w ośrodku", "Fewest full-time social workers per centre"}, from(3, StatuteStart)),
		ceiling("child_review.interval", UnitMonths, "art. 131 ust. 1, art. 138 ust. 1 UWR",
			Text{"Najdłuższy odstęp między ocenami sytuacji dziecka", "Longest interval between reviews of a placed child"}, from(6, StatuteStart)),
		ceiling("child_review.interval_under_age", UnitMonths, "art. 131 ust. 1, art. 138 ust. 1 UWR",
			Text{"Najdłuższy odstęp między ocenami sytuacji małego dziecka", "Longest interval between reviews of a young child"}, from(3, StatuteStart)),
		floor("child_review.age_threshold", UnitYears, "art. 131 ust. 1, art. 138 ust. 1 UWR", 18,
			Text{"Wiek, poniżej którego stosuje się krótszy odstęp ocen", "Age below which the shorter review interval applies"}, from(3, StatuteStart)),
		ceiling("court_report.interval", UnitMonths, "art. 47 ust. 5 UWR",
			Text{"Najdłuższy odstęp między informacjami dla sądu o dziecku w rodzinnej pieczy", "Longest interval between reports to the court on a child in family foster care"}, from(6, StatuteStart)),
		ceiling("legal_status.motion_after", UnitMonths, "art. 47 ust. 7, art. 100 ust. 4a UWR",
			Text{"Po ilu miesiącach od umieszczenia składa się wniosek o uregulowanie sytuacji prawnej dziecka", "Months after placement when a motion to settle the child's legal status is due"}, from(18, StatuteStart)),
		ceiling("foster_family_assessment.first", UnitMonths, "art. 134 ust. 1 UWR",
			Text{"Pierwsza ocena rodziny zastępczej od umieszczenia pierwszego dziecka", "First assessment of a foster family after its first placed child"}, from(12, StatuteStart)),
		ceiling("foster_family_assessment.second", UnitMonths, "art. 134 ust. 2 UWR",
			Text{"Druga ocena rodziny zastępczej po pierwszej", "Second assessment of a foster family after the first"}, from(12, StatuteStart)),
		ceiling("foster_family_assessment.subsequent", UnitMonths, "art. 134 ust. 2 UWR",
			Text{"Kolejne oceny rodziny zastępczej", "Later assessments of a foster family"}, from(36, StatuteStart)),
		ceiling("foster_family_assessment.after_negative", UnitMonths, "art. 134 ust. 3 UWR",
			Text{"Ocena po ocenie negatywnej", "Assessment after a negative one"}, from(6, StatuteStart)),
		ceiling("foster_family.max_children", UnitCount, "art. 53 ust. 1 UWR",
			Text{"Najwięcej dzieci w niezawodowej lub zawodowej rodzinie zastępczej", "Most children in a non-professional or professional foster family"}, from(3, StatuteStart)),
		ceiling("family_childrens_home.max_children", UnitCount, "art. 61 ust. 1 UWR",
			Text{"Najwięcej dzieci w rodzinnym domu dziecka", "Most children in a family children's home"}, from(8, StatuteStart)),
		ceiling("institution.max_children", UnitCount, "art. 95 ust. 3 UWR",
			Text{"Najwięcej dzieci w placówce opiekuńczo-wychowawczej", "Most children in one care institution"}, from(14, StatuteStart)),
		floor("institution.min_age", UnitYears, "art. 95 ust. 1–2, art. 232 UWR", 18,
			Text{"Dziecko umieszcza się w placówce dopiero powyżej tego wieku", "A child goes to an institution only when older than this"},
			step(7, Date{2019, time.December, 31}), from(10, Date{2020, time.January, 1})),
		ceiling("emergency_family_home.max_stay", UnitMonths, "art. 58 ust. 4 UWR",
			Text{"Najdłuższy pobyt dziecka w pogotowiu rodzinnym", "Longest stay in an emergency family home"}, from(4, StatuteStart)),
		ceiling("emergency_family_home.max_stay_extended", UnitMonths, "art. 58 ust. 4 UWR",
			Text{"Najdłuższy pobyt w pogotowiu rodzinnym po przedłużeniu", "Longest stay in an emergency family home once extended"}, from(8, StatuteStart)),
		// Beyond the contract (docs/glossary.md, "Parameters").
		ceiling("intervention_institution.max_stay", UnitMonths, "art. 103 ust. 6 UWR",
			Text{"Najdłuższy pobyt dziecka w placówce interwencyjnej (bez przedłużenia do końca postępowania)", "Longest stay in an intervention institution (unless extended until the court proceedings end)"}, from(3, StatuteStart)),
		ceiling("family_type_institution.max_children", UnitCount, "art. 95 ust. 4 UWR",
			Text{"Najwięcej dzieci w placówce typu rodzinnego", "Most children in a family-type institution"}, from(8, StatuteStart)),
		ceiling("family_type_institution.max_children_siblings", UnitCount, "art. 95 ust. 4a UWR",
			Text{"Najwięcej dzieci w placówce typu rodzinnego, gdy chodzi o rodzeństwo (za zgodą wojewody)", "Most children in a family-type institution when siblings are placed (with the voivode's permit)"}, from(10, StatuteStart)),
		noted(policyInt("placement_end_motion.deadline", UnitWorkingDays, "art. 134 ust. 3 UWR",
			Text{"Termin wniosku do sądu o rozwiązanie rodziny zastępczej po ponownej ocenie negatywnej", "Working days to file the motion to end a foster placement after a second negative assessment"}, 10, 1, 30),
			Text{"ustawa: bez terminu; przyjęto niezwłocznie = 10 dni roboczych", "the statute sets no deadline; 'without delay' is read as 10 working days"}),
		noted(policyInt("family.plan_coordination_deadline", UnitWorkingDays, "art. 15 ust. 1 pkt 2 UWR",
			Text{"Termin skoordynowania planu pracy z rodziną z planem pomocy umieszczonego dziecka; 0 = bez terminu", "Working days to coordinate the family's work plan with a placed child's help plan; 0 = no deadline"}, 0, 0, 60),
			Text{"ustawa nie określa terminu, polityka lokalna", "the statute sets no deadline: local policy"}),
	}
}

// step is a statutory value from the start of the history until to; history
// links it to the next value.
func step(v int, to Date) Value { return Value{Value: v, To: to} }

// from is a statutory value from a date until further notice.
func from(v int, d Date) Value { return Value{Value: v, From: d} }

// history chains values: each one starts the day after the previous ends,
// the first starts with the statute.
func history(vs []Value) []Value {
	start := StatuteStart
	for i := range vs {
		if vs[i].From.IsZero() {
			vs[i].From = start
		}
		if !vs[i].To.IsZero() {
			start = vs[i].To.AddDays(1)
		}
	}
	return vs
}

func ceiling(id string, u Unit, basis string, desc Text, vs ...Value) Parameter {
	vs = history(vs)
	top := 0
	for _, v := range vs {
		top = max(top, v.Value.(int))
	}
	return Parameter{ID: id, Type: TypeInt, Unit: u, Basis: basis, Direction: Ceiling, Min: 1, Max: top, Description: desc, History: vs}
}

func floor(id string, u Unit, basis string, top int, desc Text, vs ...Value) Parameter {
	vs = history(vs)
	low := vs[0].Value.(int)
	for _, v := range vs {
		low = min(low, v.Value.(int))
	}
	return Parameter{ID: id, Type: TypeInt, Unit: u, Basis: basis, Direction: Floor, Min: low, Max: top, Description: desc, History: vs}
}

func policyInt(id string, u Unit, basis string, desc Text, v, lo, hi int) Parameter {
	return Parameter{ID: id, Type: TypeInt, Unit: u, Basis: basis, Direction: Policy, Min: lo, Max: hi, Description: desc,
		History: []Value{{Value: v, From: StatuteStart}}}
}

// noted returns p with a note qualifying its basis.
func noted(p Parameter, note Text) Parameter {
	p.Note = note
	return p
}

func policyBool(id, basis string, desc Text, v bool) Parameter {
	return Parameter{ID: id, Type: TypeBool, Unit: UnitBool, Basis: basis, Direction: Policy, Description: desc,
		History: []Value{{Value: v, From: StatuteStart}}}
}
