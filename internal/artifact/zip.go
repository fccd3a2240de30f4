package artifact

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"
)

// zipEpoch is every entry's timestamp: the earliest a zip can hold, so that
// a fresh checkout's mtimes never reach the bytes (aws-cli issue 3131).
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// zipLevel is fixed so that the bytes, hence the key, do not depend on a
// library default. Keys stay stable for one Go toolchain's compress/flate; a
// toolchain whose deflate output changed would upload each artifact once more.
const zipLevel = 6

// zipEntry is one file or directory in a zip.
type zipEntry struct {
	rel  string // slash-separated name inside the zip
	abs  string // real path to read
	dir  bool
	mode fs.FileMode
}

// collect lists a directory's entries in a fixed order (os.ReadDir sorts by
// name), following symlinks that stay inside root and refusing the others.
func collect(root, dir string, ig *ignorer) ([]zipEntry, error) {
	var out []zipEntry
	var walk func(cur, rel string, seen map[string]bool) error
	walk = func(cur, rel string, seen map[string]bool) error {
		names, err := os.ReadDir(cur)
		if err != nil {
			return err
		}
		for _, de := range names {
			name := path.Join(rel, de.Name())
			full := filepath.Join(cur, de.Name())
			real := full
			if de.Type()&fs.ModeSymlink != 0 {
				if real, err = filepath.EvalSymlinks(full); errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("%s: dangling symlink: %w", name, ErrNotFound)
				} else if err != nil {
					return err
				}
				if !within(root, real) {
					return fmt.Errorf("%s: symlink to %s: %w", name, real, ErrOutsideTree)
				}
			}
			st, err := os.Stat(real)
			if err != nil {
				return err
			}
			if ig.ignored(name, st.IsDir()) {
				continue
			}
			switch {
			case st.IsDir():
				if seen[real] {
					return fmt.Errorf("%s: symlink loop", name)
				}
				out = append(out, zipEntry{rel: name + "/", abs: real, dir: true, mode: fs.ModeDir | 0o755})
				next := map[string]bool{real: true}
				for k := range seen {
					next[k] = true
				}
				if err := walk(real, name, next); err != nil {
					return err
				}
			case st.Mode().IsRegular():
				out = append(out, zipEntry{rel: name, abs: real, mode: fileMode(st.Mode())})
			default:
				return fmt.Errorf("%s: not a regular file or directory (%s)", name, st.Mode().Type())
			}
		}
		return nil
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	return out, walk(real, "", map[string]bool{real: true})
}

// fileMode keeps only whether a file is executable: umask and group bits
// differ between checkouts, the execute bit is what Lambda needs.
func fileMode(m fs.FileMode) fs.FileMode {
	if m&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// writeZip writes entries with fixed timestamps, modes and compression, so
// the same tree always yields the same bytes.
func writeZip(w io.Writer, entries []zipEntry) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, newDeflater)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.rel, Method: zip.Deflate, Modified: zipEpoch}
		if e.dir {
			h.Method = zip.Store
		}
		h.SetMode(e.mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if e.dir {
			continue
		}
		if err := copyFile(fw, e.abs); err != nil {
			return err
		}
	}
	return zw.Close()
}

func copyFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// deflaters are reused: a flate.Writer allocates about 1 MB, and a
// node_modules tree has thousands of small files (new writers made zipping
// 2,000 files take 0.5 s; archive/zip pools its default compressor alike).
var deflaters sync.Pool

type deflater struct{ *flate.Writer }

func newDeflater(out io.Writer) (io.WriteCloser, error) {
	if fw, ok := deflaters.Get().(*flate.Writer); ok {
		fw.Reset(out)
		return deflater{fw}, nil
	}
	fw, err := flate.NewWriter(out, zipLevel)
	return deflater{fw}, err
}

func (d deflater) Close() error {
	err := d.Writer.Close()
	deflaters.Put(d.Writer)
	return err
}
