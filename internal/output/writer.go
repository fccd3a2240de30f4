// Package output is the one writer of every file the tool writes (outputs,
// changes, summaries, plans) and the presenters people read on stderr. One
// policy for every file: a temp file in the same directory renamed into
// place, mode 0600, never written through a symlink, and "[]" rather than
// "null" for an empty list.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
)

// Writer writes files for one run. Many targets of one run share it, so it
// refuses a second write of one path by another owner instead of letting the
// last target silently win.
type Writer struct {
	mu     sync.Mutex
	owners map[string]string
}

// NewWriter returns a writer with no files written yet.
func NewWriter() *Writer { return &Writer{owners: map[string]string{}} }

// File writes data to path atomically. owner names who writes it (a target
// id, or "" for a single run) so two owners of one path are an error.
func (w *Writer) File(owner, path string, data []byte) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	w.mu.Lock()
	if prev, ok := w.owners[abs]; ok && prev != owner {
		w.mu.Unlock()
		return fmt.Errorf("%s is written by both %s and %s (expected a path with {account} and {region} in it)", path, orRun(prev), orRun(owner))
	}
	w.owners[abs] = owner
	w.mu.Unlock()
	return WriteFile(path, data)
}

// JSON writes v as indented JSON with a final newline.
func (w *Writer) JSON(owner, path string, v any) error {
	b, err := MarshalJSON(v)
	if err != nil {
		return err
	}
	return w.File(owner, path, b)
}

func orRun(owner string) string {
	if owner == "" {
		return "this run"
	}
	return owner
}

// MarshalJSON is json.MarshalIndent with "[]" for a nil slice at the top.
func MarshalJSON(v any) ([]byte, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		v = reflect.MakeSlice(rv.Type(), 0, 0).Interface()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFile writes data to path through a temp file in the same directory
// and a rename, so a reader never sees half a file and an existing symlink
// at path is replaced, not followed. The file is 0600: outputs can hold
// values a stack marks as secret. Missing parent directories are created
// (0700).
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory (expected a file path)", path)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}

// NonNil returns s, or an empty slice when s is nil, so JSON says [].
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
