package pgstore

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"github.com/asysta/asysta/workflow"
)

// TestWriteError_outcomeUnknown: a commit whose connection broke after the
// batch was sent says that its outcome is unknown and what to do, and so
// does one whose context ended once the batch was sent, still wrapping the
// context's error; a refusal by the server or a conflict say what they
// are.
func TestWriteError_outcomeUnknown(t *testing.T) {
	w := &preparedWrite{w: workflow.Write{Case: &workflow.Case{ID: "F1"}, Expected: 3}}
	err := writeError(io.ErrUnexpectedEOF, queued{pw: w})
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "read the case again")
	for _, ended := range []error{context.Canceled, context.DeadlineExceeded} {
		err := writeError(ended, queued{pw: w})
		assert.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.ErrorIs(t, err, ended)
	}

	for _, known := range []error{
		&pgconn.PgError{Code: "23502"},
		&pgconn.PgError{Code: "AX409", Detail: "F1", Hint: "3 4"},
	} {
		assert.False(t, errors.Is(writeError(known, queued{pw: w}), ErrOutcomeUnknown), "%v", known)
	}
	var ce *workflow.ConflictError
	assert.ErrorAs(t, writeError(&pgconn.PgError{Code: "AX409", Detail: "F1", Hint: "3 4"}, queued{pw: w}), &ce)
}
