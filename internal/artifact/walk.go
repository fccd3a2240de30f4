package artifact

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// Limits bound one zipped directory, so a tree of symlinks that fans out,
// or a directory that is not the function's code, fails fast instead of
// filling the disk. Zero fields mean DefaultLimits'.
type Limits struct {
	Entries int   // files and directories
	Bytes   int64 // their total size, unzipped
}

// DefaultLimits: past 100,000 entries or 1 GiB a directory is not a Lambda
// function's code (Lambda takes 250 MB unzipped, function and layers
// together); other artifacts rarely come near.
var DefaultLimits = Limits{Entries: 100_000, Bytes: 1 << 30}

// LambdaUnzippedLimit is Lambda's quota on a function's deployment package
// and its layers, unzipped: 250 MB (262,144,000 bytes).
const LambdaUnzippedLimit = 262_144_000

// Reasons a directory cannot be zipped, wrapped with the entry's name.
var (
	// ErrLeavesCode: a symlink inside a zipped directory leads out of it.
	ErrLeavesCode = errors.New("a symlink inside a zipped directory may not lead out of it")
	// ErrTwice: two paths lead to one directory (symlinks fanning out).
	ErrTwice = errors.New("a directory reached twice: symlinks that lead to one directory again are refused (ignore one path in " + IgnoreFile + ")")
	// ErrLimit: the directory holds more than Limits allow.
	ErrLimit = errors.New("past the packaging limit (raise it with --max-package-entries or --max-package-bytes)")
)

func (l Limits) orDefault() Limits {
	if l.Entries <= 0 {
		l.Entries = DefaultLimits.Entries
	}
	if l.Bytes <= 0 {
		l.Bytes = DefaultLimits.Bytes
	}
	return l
}

// walker is one collect's state.
type walker struct {
	ctx   context.Context
	top   string // the code directory, symlinks resolved: the boundary
	ig    *ignorer
	lim   Limits
	out   []zipEntry
	dirs  map[string]string // real path -> name it is zipped as
	bytes int64
}

// collect lists a directory's entries in a fixed order (os.ReadDir sorts
// by name). Symlinks are followed when they stay inside dir and refused
// when they lead out of it, naming link and target; a directory reached a
// second time, anything but a regular file or directory, and more than lim
// are refused. It returns the entries and their total size.
func collect(ctx context.Context, dir string, ig *ignorer, lim Limits) ([]zipEntry, int64, error) {
	top, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, 0, err
	}
	w := &walker{ctx: ctx, top: top, ig: ig, lim: lim.orDefault(), dirs: map[string]string{top: "."}}
	err = w.walk(top, "")
	return w.out, w.bytes, err
}

func (w *walker) walk(cur, rel string) error {
	names, err := os.ReadDir(cur)
	if err != nil {
		return err
	}
	for _, de := range names {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		name := path.Join(rel, de.Name())
		full := filepath.Join(cur, de.Name())
		real := full
		if de.Type()&fs.ModeSymlink != 0 {
			if real, err = filepath.EvalSymlinks(full); errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s: dangling symlink: %w", name, ErrNotFound)
			} else if err != nil {
				return err
			}
			if !within(w.top, real) {
				return fmt.Errorf("%s: symlink to %s leaves the code directory %s: %w", name, real, w.top, ErrLeavesCode)
			}
		}
		// Stat never blocks, whatever the file is; nothing is opened here.
		st, err := os.Stat(real)
		if err != nil {
			return err
		}
		if w.ig.ignored(name, st.IsDir()) {
			continue
		}
		switch {
		case st.IsDir():
			if first, ok := w.dirs[real]; ok {
				return fmt.Errorf("%s: leads to %s, already zipped as %s: %w", name, real, first, ErrTwice)
			}
			w.dirs[real] = name
			if err := w.add(zipEntry{rel: name + "/", abs: real, dir: true, mode: fs.ModeDir | 0o755}, 0); err != nil {
				return err
			}
			if err := w.walk(real, name); err != nil {
				return err
			}
		case st.Mode().IsRegular():
			if err := w.add(zipEntry{rel: name, abs: real, mode: fileMode(st.Mode())}, st.Size()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s is %s: %w", name, kindOf(st.Mode()), ErrNotRegular)
		}
	}
	return nil
}

func (w *walker) add(e zipEntry, size int64) error {
	w.out = append(w.out, e)
	w.bytes += size
	switch {
	case len(w.out) > w.lim.Entries:
		return fmt.Errorf("%s: more than %d files and directories: %w", e.rel, w.lim.Entries, ErrLimit)
	case w.bytes > w.lim.Bytes:
		return fmt.Errorf("%s: more than %d bytes unzipped: %w", e.rel, w.lim.Bytes, ErrLimit)
	}
	return nil
}
