package main

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// recordMap maps the OPS system's record numbers to asysta case IDs. The
// case ID is derived from the record number with a keyed hash, so that
// nothing asysta stores, logs or audits can be traced back to a person
// without the OPS system's own database. A real system would keep the key
// secret and store the mapping in its own tables.
type recordMap struct {
	mu   sync.Mutex
	key  []byte
	byID map[string]string // case ID → record
}

func newRecordMap() *recordMap {
	return &recordMap{key: []byte("demo-key: replace with a secret"), byID: map[string]string{}}
}

// caseID returns the case ID for a record, remembering the pair.
func (m *recordMap) caseID(record string) string {
	h := sha256.Sum256(append(append([]byte{}, m.key...), record...))
	id := "C-" + hex.EncodeToString(h[:6])
	m.mu.Lock()
	m.byID[id] = record
	m.mu.Unlock()
	return id
}
