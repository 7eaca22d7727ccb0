package scenario_test

import (
	"testing"

	"github.com/asysta/asysta/workflow/scenario"
)

func TestFiles(t *testing.T) { scenario.Test(t, "testdata/cap.yaml") }
