package artifact

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// IgnoreFile is the file, at the top of a zipped directory, whose lines add
// to the ignore list: one glob per line (path.Match syntax), "#" comments,
// a trailing "/" for directories only, a "/" inside to match the path from
// the directory's top instead of any name, and "!name" to keep one of the
// defaults (e.g. "!.env").
const IgnoreFile = ".deployerignore"

// DefaultIgnore is what no zip contains: version-control data, OS litter,
// build caches that differ between machines (Python bytecode embeds source
// mtimes, so it would defeat deterministic zips), SAM's build directory,
// and .env files (.env, .env.production...), which hold local secrets.
// node_modules is kept: it is the function's dependencies, and aws-cli and
// SAM keep it too.
var DefaultIgnore = []string{
	".git", ".hg", ".svn", ".bzr", ".DS_Store", "Thumbs.db",
	"__pycache__/", ".aws-sam/", ".env", ".env.*", IgnoreFile,
}

// maxIgnoreFile bounds the ignore file: patterns, not data.
const maxIgnoreFile = 1 << 20

type pattern struct {
	glob     string
	dirOnly  bool
	anchored bool
}

// ignorer decides which entries of one zipped directory are left out.
type ignorer struct {
	patterns []pattern
}

// newIgnorer combines the defaults, extra (Options.Ignore) and the
// directory's own IgnoreFile.
func newIgnorer(dir string, extra []string) (*ignorer, error) {
	lines := append(append([]string(nil), DefaultIgnore...), extra...)
	// Read only when it is a regular file: a FIFO would block the read.
	b, err := readRegular(filepath.Join(dir, IgnoreFile), maxIgnoreFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	kept := map[string]bool{}
	for _, l := range lines {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "!") {
			kept[strings.TrimPrefix(l, "!")] = true
		}
	}
	ig := &ignorer{}
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "!") || kept[l] || kept[strings.TrimSuffix(l, "/")] {
			continue
		}
		p := pattern{dirOnly: strings.HasSuffix(l, "/")}
		l = strings.TrimSuffix(l, "/")
		p.anchored = strings.Contains(l, "/")
		p.glob = strings.TrimPrefix(l, "/")
		if _, err := path.Match(p.glob, ""); err != nil {
			return nil, err
		}
		ig.patterns = append(ig.patterns, p)
	}
	return ig, nil
}

// ignored reports whether the entry at rel (slash-separated, from the top
// of the zipped directory) is left out.
func (ig *ignorer) ignored(rel string, isDir bool) bool {
	for _, p := range ig.patterns {
		if p.dirOnly && !isDir {
			continue
		}
		subject := path.Base(rel)
		if p.anchored {
			subject = rel
		}
		if ok, _ := path.Match(p.glob, subject); ok {
			return true
		}
	}
	return false
}
