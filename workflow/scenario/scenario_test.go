package scenario_test

import (
	"testing"

	"github.com/asysta/asysta/workflow/scenario"
)

// TestTest runs a file and a folder through the go test helper.
func TestTest(t *testing.T) {
	scenario.Test(t, "testdata/cap.yaml")
	scenario.Test(t, "../../examples/scenarios/config/..")
}
