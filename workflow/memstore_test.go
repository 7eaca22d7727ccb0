package workflow_test

import (
	"testing"

	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) workflow.Store { return workflow.NewMemoryStore() })
}
