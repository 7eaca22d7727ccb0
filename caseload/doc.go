// Package caseload answers the questions of whoever runs an OPS or a PCPR:
// how loaded each worker is, who should take a family, what falls due and
// whether the centre meets the staffing norms.
//
// # Workers
//
// A [Registry] holds the posts (ID, role, FTE, employer, area, period) and
// checks the law's separation of roles when a post is added: an assistant
// may not be a social worker in the same gmina (art. 17 ust. 3 UWR), a
// coordinator may do no social work (art. 79 ust. 3 UWR). It is the
// [workflow.Directory] of the engine.
//
// # Loads and caps
//
// [Caseload.Load] derives a worker's load from the cases' state: families
// in assistant work counted toward the assistant's cap (honouring
// assistant.count_za_zyciem_in_cap), their summed difficulty, foster
// families per coordinator, and the families in each social worker's social
// work (the cases they opened, until closed; no cap per social worker). The date chooses the cap in force. When a cap
// is lowered (by statute or locally) while workers hold more than the new
// cap, nothing is taken away: [Load.Over] shows them over it and the rules
// refuse new assignments until they are under it.
//
// # Assignment
//
// [Caseload.CheckAssignment] checks one assignment against every rule in
// force and explains the decision; [Caseload.Recommend] ranks the eligible
// assistants; [Caseload.PlanReassignment] proposes new assistants for
// every family of a worker who leaves without breaking any cap.
//
// # Calendar and staffing
//
// [Caseload.Calendar] lists open and overdue obligations by worker and due
// date with a lead time; [Caseload.Staffing] reports the social-worker norm
// of art. 110 ust. 11–12 UPS and the utilisation of assistants and
// coordinators, each breach with its rule ID.
//
// # Concurrency
//
// A Caseload only reads; it is safe for concurrent use. Its answers
// reflect the store at the moment of the call.
package caseload
