package cfnrun

import (
	"time"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/id"
)

// ChangeSetName is readable (the build id, else the time) and unique: two
// deploys of one stack in one build or one second must not share it.
func ChangeSetName(buildID string, now time.Time) string {
	base := cfn.ChangeSetName(buildID, now)
	suffix := id.Hex(4)
	if len(base)+1+len(suffix) > 128 {
		base = base[:128-1-len(suffix)]
	}
	return base + "-" + suffix
}
