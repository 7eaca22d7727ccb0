package pgtest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReport checks the line make test prints when PostgreSQL tests were
// skipped: one line per package, appended, naming the package directory
// from the module root, the count and the reason.
func TestReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "skipped")
	require.NoError(t, report(path, 3, errors.New("initdb and pg_ctl not found\nsee the log")))
	require.NoError(t, report(path, 1, errors.New("port in use")))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t,
		"internal/pgtest: 3 PostgreSQL tests skipped: initdb and pg_ctl not found see the log (set ASYSTA_PG_URL, or apt-get install postgresql)\n"+
			"internal/pgtest: 1 PostgreSQL tests skipped: port in use (set ASYSTA_PG_URL, or apt-get install postgresql)\n",
		string(got))

	assert.NoError(t, report("", 3, errors.New("no server")), "no file asked for: nothing written")
	assert.Error(t, report(filepath.Join(t.TempDir(), "missing", "skipped"), 1, errors.New("no server")))
}
