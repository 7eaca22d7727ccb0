// Package national generates a synthetic, deterministic dataset of the
// whole Polish system of family support and family foster care: every
// gmina's OPS with its head, social workers and family assistants, every
// powiat's PCPR with its organisers and foster-care coordinators, the care
// institutions, and the cases: families, children in care and foster
// families. It is meant for load tests, benchmarks and demonstrations; it
// holds IDs, codes and dates only, and no real person.
//
// # Figures and their sources
//
// [National] returns the default figures. Scale 1.0 generates them; a
// smaller scale shrinks every count in proportion (at least one of each).
//
//   - Family assistants: 3,750. Press figure of 3,748 assistants at the end
//     of 2023, on average about 12 families each (Gazeta Prawna, 2025,
//     serwisy.gazetaprawna.pl/samorzad/artykuly/10494115 [S]).
//   - Families in assistant work: 45,000 = 3,750 × 12 (ibid.); 45,400
//     supported families in 2018, about 6,400 of them obliged by a court
//     (praca.gazetaprawna.pl/artykuly/1415982 [S]): the court-ordered
//     share 6,400/45,400.
//   - Gminas (OPS): 2,477; powiats (PCPR): 380; inhabitants: 37.6 million.
//     Round figures of the official territorial division and GUS, not
//     checked against a source [U].
//   - Children in foster care: 72,000; foster families (including family
//     children's homes): 9,000; coordinators: about 1,000. Round figures,
//     not checked against a source [U].
//   - Families in the other states (referred, analysis, waiting for an
//     assistant, monitoring, closed, declined): local practice, not
//     statistics [U]; they are a small share beside the 45,000.
//   - Social workers: each OPS employs what art. 110 ust. 11–12 UPS asks by
//     its inhabitants (one FTE per 2,000, at least 3), one in ten a little
//     short of it. OPS heads: one per gmina. Organisers: one per PCPR and
//     one more per 40 foster families. Institution directors: one per
//     institution.
//
// Institutions take the children that the foster families cannot: every
// foster family is filled to a realistic occupancy within its cap (art. 53,
// 61 UWR: three children in a foster family or emergency home, eight in a
// family children's home, kinship families without a cap but mostly one to
// four), and the rest of the 72,000 go to institutions of at most 14 (art.
// 95 ust. 3), at most 12 each. With 9,000 foster families this leaves about
// two thirds of the children in institutions, well above the real share
// (about a fifth [U]): the default 9,000 is low beside the some 36,000 foster
// families GUS counts [U]. Set Figures.FosterFamilies to change it.
//
// # What is generated
//
// Every case is a short history ending on the as-of date (default
// [DefaultAsOf]; none earlier than [MinAsOf]) that the engine would accept: the path through its
// lifecycle with the real triggers, roles and arguments, no worker or carer
// ever over a cap (each assistant's families, current and ended, are at
// most 15 in all; each coordinator's foster families at most 15; each
// foster family and institution within its limit), the institution minimum
// age respected, and every date from [Epoch] on. Periodic acts (the
// assistant's assessment, reviews of children, reports to the court) are
// generated in rhythm, mostly on time and sometimes late, so that some
// obligations are overdue on the as-of date; only the last of each kind is
// kept in the history, as a migrated record would.
//
// # Loading
//
// [Dataset.Import] is the bulk path, as an OPS migrating its records would
// use: each case's snapshot (state, facts and open obligations, computed by
// the engine's own replay under its rule set) is written straight into the
// engine's store through Commit, with one event recording the migration.
// [Dataset.Play] fires every step through the engine in date order, with
// every check; it is slow and meant for validating the generator at small
// scales: both give the same cases.
package national
