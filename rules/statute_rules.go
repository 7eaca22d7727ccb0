package rules

// statuteRules is the built-in rule catalogue: the statutory guards and due
// rules of docs/rules.md ("The statutory rules"), which compute the due dates
// of the obligations of docs/workflow.md ("Obligations").
func statuteRules() []Rule {
	return []Rule{
		guard("assistant.basis_required", "art. 8 ust. 3, art. 11 ust. 1a UWR; art. 109 § 2 pkt 1 KRO; art. 8 ust. 6 ZZ",
			`family.basis in ["consent", "court_order", "za_zyciem", "mandatory"]`,
			Text{"Asystenta można przydzielić tylko za zgodą rodziny, na podstawie zobowiązania sądu, wniosku „Za życiem” albo w trybie art. 11 ust. 1a UWR.",
				"An assistant may be assigned only with the family's consent, on a court obligation, on a 'Za życiem' application or under art. 11(1a) UWR."},
			"family.assign_assistant"),
		guard("assistant.max_families", "art. 15 ust. 4 UWR",
			`worker.families + (family.za_zyciem && !param("assistant.count_za_zyciem_in_cap") ? 0 : 1) <= param("assistant.max_families")`,
			Text{"Asystent rodziny może pracować jednocześnie z najwyżej {assistant.max_families} rodzinami.",
				"A family assistant may work with at most {assistant.max_families} families at the same time."},
			"family.assign_assistant", "family.reassign_assistant"),
		guard("coordinator.max_foster_families", "art. 77 ust. 4 UWR",
			`worker.foster_families + 1 <= param("coordinator.max_foster_families")`,
			Text{"Koordynator może mieć pod opieką najwyżej {coordinator.max_foster_families} rodzin zastępczych lub rodzinnych domów dziecka.",
				"A coordinator may support at most {coordinator.max_foster_families} foster families or family children's homes."},
			"foster_family.assign_coordinator"),
		guard("foster_family.max_children", "art. 53 UWR",
			`!(carer.form in ["non_professional_foster_family", "professional_foster_family", "emergency_family_home"]) || args.siblings || carer.children + 1 <= param("foster_family.max_children")`,
			Text{"W rodzinie zastępczej może przebywać najwyżej {foster_family.max_children} dzieci, chyba że chodzi o rodzeństwo.",
				"A foster family may have at most {foster_family.max_children} children, unless they are siblings."},
			"child.place", "child.move"),
		guard("family_childrens_home.max_children", "art. 61 UWR",
			`carer.form != "family_childrens_home" || args.siblings || carer.children + 1 <= param("family_childrens_home.max_children")`,
			Text{"W rodzinnym domu dziecka może przebywać najwyżej {family_childrens_home.max_children} dzieci, chyba że chodzi o rodzeństwo.",
				"A family children's home may have at most {family_childrens_home.max_children} children, unless they are siblings."},
			"child.place", "child.move"),
		guard("institution.max_children", "art. 95 ust. 3 UWR",
			`carer.form != "institution" || carer.children + 1 <= param("institution.max_children")`,
			Text{"W placówce opiekuńczo-wychowawczej może przebywać najwyżej {institution.max_children} dzieci.",
				"A care institution may have at most {institution.max_children} children."},
			"child.place", "child.move"),
		guard("institution.min_age", "art. 95 ust. 1–2, art. 232 UWR",
			`carer.form != "institution" || args.exception != "" || on > addYears(child.born, param("institution.min_age"))`,
			Text{"W placówce umieszcza się dziecko powyżej {institution.min_age}. roku życia, chyba że zachodzi wyjątek z art. 95 ust. 2 UWR.",
				"Only a child over {institution.min_age} may be placed in an institution, unless an exception of art. 95(2) UWR applies."},
			"child.place", "child.move"),
		guard("adoption.legal_status_settled", "art. 77 ust. 3 pkt 5, art. 100 ust. 4 UWR",
			`child.legal_status_settled`,
			Text{"Do ośrodka adopcyjnego zgłasza się dziecko o uregulowanej sytuacji prawnej.",
				"Only a child whose legal status is settled may be referred for adoption."},
			"child.refer_for_adoption"),
		guard("emergency_family_home.single_extension", "art. 58 ust. 4 UWR",
			`!child.stay_extended`,
			Text{"Pobyt w pogotowiu rodzinnym można przedłużyć tylko raz, do {emergency_family_home.max_stay_extended} miesięcy.",
				"A stay in an emergency family home can be extended only once, to {emergency_family_home.max_stay_extended} months."},
			"child.extend_stay"),
		warning("family_plan.social_worker_consulted", "art. 15 ust. 1 pkt 1 UWR",
			`args.consulted != "" || family.plan_consulted != ""`,
			Text{"Nie zapisano, z którym pracownikiem socjalnym konsultowano plan pracy z rodziną (art. 15 ust. 1 pkt 1 UWR): podaj consulted.",
				"No record of the social worker the work plan was drawn up in consultation with (art. 15(1)(1) UWR): give consulted."},
			"family.approve_plan"),
		warning("family_plan.revised_since_assessment", "art. 15 ust. 1 pkt 15, ust. 3 UWR",
			`family.plan_revised > family.last_assessed`,
			Text{"Plan pracy z rodziną nie był aktualizowany od poprzedniej okresowej oceny: zaktualizuj go (revise_plan).",
				"The work plan has not been revised since the previous periodic assessment: revise it (revise_plan)."},
			"family.assess"),
		warning("placement.family_support_first", "art. 112³ § 1 KRO",
			`child.family_support`,
			Text{"Brak zapisu o wcześniejszym wsparciu rodziny: umieszczenie w pieczy powinno nastąpić po wyczerpaniu form pomocy rodzinie (art. 112³ KRO).",
				"No family support is recorded: placement should follow the failure of support to the family (art. 112³ KRO)."},
			"child.place"),

		due("due.interview", "§ 3 RWS",
			`addWorkingDays(on, args.urgent ? param("interview.deadline_urgent") : param("interview.deadline"))`,
			"family.refer"),
		due("due.family_assessment", "art. 15 ust. 1 pkt 15 UWR",
			`addMonths(on, param("assistant.family_assessment_interval"))`,
			"family.assign_assistant", "family.assess"),
		due("due.family_court_report", "art. 109 § 4 KRO",
			`addMonths(on, args.report_every_months > 0 ? args.report_every_months : family.report_every_months > 0 ? family.report_every_months : param("court_report.interval"))`,
			"family.court_obligation", "family.report_to_court"),
		due("due.monitoring_end", "art. 15 ust. 1 pkt 16 UWR",
			`addMonths(on, param("family.post_closure_monitoring"))`,
			"family.end_work"),
		due("due.plan_coordination", "art. 15 ust. 1 pkt 2 UWR (termin: polityka lokalna)",
			`addWorkingDays(on, param("family.plan_coordination_deadline"))`,
			"family.approve_plan", "family.child_placed"),
		due("due.child_review", "art. 131 ust. 1, art. 138 ust. 1 UWR",
			`addMonths(on, age(child.born, on) < param("child_review.age_threshold") ? param("child_review.interval_under_age") : param("child_review.interval"))`,
			"child.place", "child.review"),
		due("due.court_report", "art. 47 ust. 5 UWR",
			`addMonths(on, param("court_report.interval"))`,
			"child.place", "child.move", "child.report_to_court"),
		due("due.legal_status_motion", "art. 47 ust. 7, art. 100 ust. 4a UWR",
			`addMonths(on, param("legal_status.motion_after"))`,
			"child.place"),
		due("due.emergency_stay_end", "art. 58 ust. 4 UWR",
			`addMonths(child.emergency_since, child.stay_extended ? param("emergency_family_home.max_stay_extended") : param("emergency_family_home.max_stay"))`,
			"child.place", "child.move", "child.extend_stay"),
		due("due.foster_family_assessment", "art. 134 ust. 1–3 UWR",
			`addMonths(on, foster_family.assessments == 0 ? param("foster_family_assessment.first") : args.result == "negative" ? param("foster_family_assessment.after_negative") : foster_family.assessments == 1 ? param("foster_family_assessment.second") : param("foster_family_assessment.subsequent"))`,
			"foster_family.activate", "foster_family.assess"),
	}
}

func guard(id, basis, expr string, msg Text, on ...string) Rule {
	return Rule{ID: id, On: on, Kind: KindGuard, Expr: expr, Basis: basis, Severity: Block, Message: msg}
}

func warning(id, basis, expr string, msg Text, on ...string) Rule {
	r := guard(id, basis, expr, msg, on...)
	r.Severity = Warn
	return r
}

func due(id, basis, expr string, on ...string) Rule {
	return Rule{ID: id, On: on, Kind: KindDue, Expr: expr, Basis: basis}
}
