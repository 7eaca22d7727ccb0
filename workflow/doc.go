// Package workflow runs the lifecycles of family cases, placed children and
// foster families under the rules of package rules: who may fire which
// trigger, in which state, with which arguments, and what the statute (and
// the municipal or county files layered on it) allows. Every accepted
// transition is one append-only [Event] that records the rules' explained
// [rules.Decision], and the deadlines it opens or closes are kept on the
// case as obligations ([Obligation]).
//
// The public vocabulary (roles, states, triggers, arguments, rule and
// obligation IDs) is listed in docs/glossary.md; docs/workflow.md explains
// how the pieces fit together and documents every addition beyond the
// contract, with its legal basis.
//
// # Lifecycles
//
// There are three lifecycles (rules.LifecycleFamily, rules.LifecycleChild
// and rules.LifecycleFosterFamily), each a table of transitions compiled
// once onto a shared github.com/qmuntal/stateless machine:
//
//   - family: the family's case in a gmina (OPS), from referred through
//     analysis and assistant_requested to assistant_work.planning and
//     assistant_work.implementing, then monitoring or closed (or declined).
//     A family is declared with [Engine.DeclareFamily] and has no case
//     (the empty [State]) until refer or apply_za_zyciem opens one.
//   - child: a child's placement in foster care (county), from in_family
//     to placed.<form> (one substate per form of care), reunification,
//     returned, adoption_referred, adopted or left_care. A child is
//     declared in in_family with [Engine.DeclareChild].
//   - foster_family: a foster family or family children's home, declared
//     qualified (or candidate) with [Engine.DeclareFosterFamily]; it becomes
//     active when its first child is placed ([TriggerActivate]), and may be
//     suspended, resumed and dissolved. Institutions have no lifecycle:
//     they are carers the [Directory] knows.
//
// State IDs are dotted paths and [State.In] matches a superstate:
// Placed matches every placed.* state. [States], [Triggers] and [RolesFor]
// list a lifecycle's vocabulary; [DOT] and [Mermaid] draw it.
//
// # Firing
//
// [Engine.Fire] fires a [Command] (trigger, [Actor], as-of date, [Args]) on
// a case. It checks, in this order: that the lifecycle has the trigger and
// a user may fire it; that the actor's role may fire it and that the
// [Directory] knows the worker in that role on that date; that the trigger
// is permitted in the case's state (including conditions on the basis of
// assistant work); that a family assistant acts only on the family
// assigned to them; the arguments; the workers and carers they name; and
// finally the rules in force on the date ([rules.RuleSet.Decide]). Only then
// does it apply the transition, update the facts and obligations, and
// commit the case, its event and any linked case in one [Batch]. The
// [Outcome] holds the case after the transition, the event, the decision
// (with its warnings, such as placement.family_support_first) and the
// linked cases (a foster family activated by its first child).
//
// [Engine.Check] runs the same checks without committing, to show a worker
// what would happen. The engine evaluates triggers under a fixed
// [rules.RuleSet] ([WithRules], the statute by default) or under the one a
// [rules.Live] holds at the moment of each firing ([WithLiveRules]).
//
// # Errors
//
// A refusal changes nothing: no case, no event, no index key. It is one of
// five typed errors, each matching a sentinel with errors.Is:
//
//   - [*ForbiddenError] ([ErrForbidden]): the role may not fire the
//     trigger, the worker is unknown, holds another role or is not employed
//     on the date, or an assistant acts on a family that is not theirs;
//   - [*TransitionError] ([ErrInvalidTransition]): the trigger is not
//     permitted in the state (or not at all, or only the engine may fire
//     it), with the reason when the state alone does not explain it;
//   - [*ArgumentError] ([ErrArgument]): an argument is missing, of the
//     wrong type or value, unknown, or names no suitable worker or carer;
//   - [*DeniedError] ([ErrDenied], which is rules.ErrDenied): rules block
//     the trigger; [DeniedError.RuleIDs] lists them and the decision
//     explains each;
//   - [*ConflictError] ([ErrConflict]): the case, or a caseload the
//     decision counted, changed meanwhile; reload and try again.
//
// Every one speaks Polish and English: [Localize] returns the message in
// a [rules.Lang], and Error returns the English one.
//
// # Obligations
//
// Transitions open, renew and close the obligations of docs/workflow.md
// ("Obligations": interview, family_assessment, child_review, court_report,
// legal_status_motion, emergency_stay_end, foster_family_assessment,
// monitoring_end; see [Obligations]). Due dates are computed by the due
// rules of the rule set in force on the event's date, with the civil-code
// month arithmetic and the Polish working-day calendar of package rules.
// A due date is the last day on time: [StatusOn] and [Engine.Obligations]
// report an obligation overdue from the next day. A case reaching closed,
// declined, returned, adopted, left_care or dissolved has none left open.
//
// # Store
//
// A [Store] keeps cases, their histories and an index that files each
// case under the keys its state gives it ([Case.Keys]: [AssistantKey],
// [CoordinatorKey], [CarerKey], [FamilyKey], [FosterFamilyKey],
// [SocialWorkerKey]); the engine counts an
// assistant's families, a coordinator's foster families and a carer's
// children through it; [Engine.Load] reports a worker's load by the same
// count, and [LoadsOf] many workers' loads in one question
// ([Store.IndexMany], the cases' [Entry]; [Store.Tally] counts them). Only
// the keys a rule's decision reads are versioned ([VersionedKey]), and a
// key's version rises only when what a decision reads through it changes
// ([RaisedKeys]). [Store.Due] lists open obligations by due
// date and by who answers for them, for calendars. [Store.Commit] is the
// only write and is all or nothing. [MemoryStore] is the default and the
// reference implementation; package workflow/storetest checks any other
// against the contract. [Scanner] lets reports visit every case.
//
// # Concurrency
//
// An [Engine] is safe for concurrent use; the compiled machines keep no
// state of their own (each firing carries its state in its context). Two
// changes to one case conflict through the case's version, and two
// decisions over one caseload (two assignments to an assistant at the cap,
// two placements into the last place of a foster family) conflict through
// the versions of the index keys the decision read, which every commit
// guards: one wins, the other gets a [*ConflictError] and nothing of it is
// written. [Command].Version lets a caller insist on the version it showed
// to the user.
//
// # Audit
//
// A case's history ([Engine.History]) is its audit trail: one [Event] per
// accepted transition with the actor, the as-of date, the arguments, the
// rule-set revision and the full [rules.Decision] (every rule consulted,
// its result and legal basis, every parameter read with its value and
// source). Events, errors and logs ([WithLogger]) hold IDs, codes and dates
// only; a child's date of birth never leaves its case. [Engine.Replay]
// rebuilds a case from its declaration and events under the revision each
// event records (older revisions are remembered, or given with
// [WithRevisions]), so a history can be checked against its snapshot after
// the rules have changed.
package workflow
