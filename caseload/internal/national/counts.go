package national

import (
	"github.com/asysta/asysta/workflow"
)

// Counts are a dataset's totals, to compare with its figures.
type Counts struct {
	Gminas       int `json:"gminas"`
	Powiats      int `json:"powiats"`
	Inhabitants  int `json:"inhabitants"`
	Institutions int `json:"institutions"`
	// Workers by role; SocialWorkerFTE sums the social workers' FTE.
	Workers         map[workflow.Role]int `json:"workers"`
	SocialWorkerFTE float64               `json:"social_worker_fte"`
	// Families and Children by state; FosterFamilies by form.
	Families       map[workflow.State]int `json:"families"`
	Children       map[workflow.State]int `json:"children"`
	FosterFamilies map[string]int         `json:"foster_families"`
	// FamiliesByBasis counts the families in assistant work by basis.
	FamiliesByBasis map[workflow.Basis]int `json:"families_by_basis"`
	// Coordinated foster families have a coordinator.
	Coordinated int `json:"coordinated"`
	Cases       int `json:"cases"`
}

// Count returns the dataset's totals.
func (ds *Dataset) Count() Counts {
	c := Counts{Gminas: len(ds.Gminas), Powiats: len(ds.Powiats), Institutions: len(ds.Institutions), Cases: ds.Cases(),
		Workers: map[workflow.Role]int{}, Families: map[workflow.State]int{}, Children: map[workflow.State]int{},
		FosterFamilies: map[string]int{}, FamiliesByBasis: map[workflow.Basis]int{}}
	for _, g := range ds.Gminas {
		c.Inhabitants += g.Inhabitants
	}
	for _, w := range ds.Workers {
		c.Workers[w.Role]++
		if w.Role == workflow.SocialWorker {
			c.SocialWorkerFTE += w.EffectiveFTE()
		}
	}
	for _, f := range ds.Families {
		c.Families[f.State]++
		if f.State.In(workflow.AssistantWork) {
			c.FamiliesByBasis[f.Basis]++
		}
	}
	for i := range ds.Children {
		c.Children[ds.Children[i].State()]++
	}
	for _, ff := range ds.FosterFamilies {
		c.FosterFamilies[ff.Form]++
		if ff.Coordinator != "" {
			c.Coordinated++
		}
	}
	return c
}

// FamiliesIn returns the number of families in state s or its substates.
func (c Counts) FamiliesIn(s workflow.State) int { return sumIn(c.Families, s) }

// ChildrenIn returns the number of children in state s or its substates.
func (c Counts) ChildrenIn(s workflow.State) int { return sumIn(c.Children, s) }

// ChildrenInCare returns the children placed, awaiting a return or
// referred for adoption.
func (c Counts) ChildrenInCare() int {
	return c.ChildrenIn(workflow.Placed) + c.ChildrenIn(workflow.Reunification) + c.ChildrenIn(workflow.AdoptionReferred)
}

// FosterFamilyTotal returns the number of foster families of every form.
func (c Counts) FosterFamilyTotal() int {
	n := 0
	for _, v := range c.FosterFamilies {
		n += v
	}
	return n
}

func sumIn(m map[workflow.State]int, s workflow.State) int {
	n := 0
	for k, v := range m {
		if k.In(s) {
			n += v
		}
	}
	return n
}
