// Package rules is asysta's catalogue of statutory parameters and rules for
// Polish family support and foster care, and the engine that evaluates
// them.
//
// # Parameters
//
// Every value the law fixes (the assistant's cap of 15 families, the
// six-month review interval, the minimum age for an institution) is a
// [Parameter] with an ID, a type and unit, its legal basis, its history of
// values by effective date and its override direction: a statutory ceiling
// may only be lowered locally ([Ceiling]), a statutory minimum only raised
// ([Floor]), local policy set freely within its range ([Policy]).
// [RuleSet.Params] lists the values in force on a date with their source.
//
// # Rules
//
// A [Rule] is an expression (github.com/expr-lang/expr) attached to one or
// more triggers of a lifecycle. Guards yield a bool and block or warn;
// limits yield a number; due rules yield the date an obligation falls due.
// Each expression is type-checked at load against the environment of its
// lifecycle ([FamilyEnv], [ChildEnv], [FosterFamilyEnv]) and reads
// parameters with param("id"); the domain functions (addMonths,
// addWorkingDays, age, …) do calendar arithmetic. expr's now() is disabled:
// the as-of date is always an input.
//
// # Configuration
//
// Municipalities, counties and voivodeships tighten and extend the statute
// in YAML or JSON files ([ParseConfig], [LoadFiles]): they lower ceilings,
// set local policy and add rules named local.*. A load reports every
// problem at once as [Errors], each with file, line, column, the parameter
// or rule ID, a stable [Code] and a message in Polish and English.
//
// # Decisions
//
// [RuleSet.Decide] evaluates the guards of a trigger on a date and returns
// a [Decision]: the outcome, every rule with its result and message, the
// parameters read and where each came from, the date and the rule set's
// [RuleSet.Revision]. Decisions hold IDs and codes only and go to the audit
// log as they are.
//
// # Concurrency
//
// A [RuleSet] is immutable and safe for concurrent use: compile it once and
// share it. [Live] swaps in a new revision atomically when files are
// reloaded. Environments are per call and must not be shared between
// goroutines while a rule runs.
//
// # Dates
//
// [Date] is a calendar date in Europe/Warsaw. Months follow the civil-code
// end-of-month rule ([Date.AddMonths]); working days skip weekends and
// Polish public holidays ([Date.AddWorkingDays], [Holidays]).
package rules
