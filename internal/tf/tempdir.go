package tf

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// pidFile in a run's directory names the deployer process using it.
const pidFile = "pid"

// DefaultStaleAge is how old a left-over run directory must be before it is
// removed: far longer than any run, so a live one is never touched even if
// its pid file cannot be read.
const DefaultStaleAge = 24 * time.Hour

// RemoveStaleTempDirs removes TempPrefix directories under root that a
// killed run left behind (SIGKILL skips every deferred cleanup): only
// directories, not symlinks, owned by this user, older than maxAge, whose
// recorded process no longer runs. It returns what it removed; a directory
// it cannot judge or remove is left alone.
func RemoveStaleTempDirs(root string, maxAge time.Duration, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), TempPrefix) {
			continue
		}
		path := filepath.Join(root, e.Name())
		fi, err := os.Lstat(path)
		if err != nil || !fi.IsDir() || !ownedByMe(fi) || now.Sub(fi.ModTime()) < maxAge {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(path, pidFile)); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && processRuns(pid) {
				continue
			}
		}
		if err := os.RemoveAll(path); err == nil {
			removed = append(removed, path)
		}
	}
	return removed, nil
}
