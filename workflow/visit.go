package workflow

import "context"

// Visitor is implemented by stores that can show every case without
// copying it, for reports over a whole caseload, such as a national
// calendar of obligations, where copying every case costs more than the
// report itself.
type Visitor interface {
	// Visit calls fn with each case as the store holds it, in no
	// particular order, until fn returns an error, which Visit returns.
	// fn must only read the case and must not call the store; it may keep
	// strings and values it copies out, never the case or its slices and
	// pointers.
	Visit(ctx context.Context, fn func(*Case) error) error
}

// Visit implements [Visitor]. fn runs under the store's read lock: writes
// wait until the visit ends, as they do while [MemoryStore.Scan] copies.
func (s *MemoryStore) Visit(ctx context.Context, fn func(*Case) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, m := range s.cases {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(m.c); err != nil {
			return err
		}
	}
	return ctx.Err()
}
