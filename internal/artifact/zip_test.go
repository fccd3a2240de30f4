package artifact

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// writeTree creates files in the given order with the given mode and mtime.
func writeTree(t *testing.T, dir string, files map[string]string, order []string, mode os.FileMode, mtime time.Time) {
	t.Helper()
	for _, name := range order {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o775); err != nil {
			t.Fatal(err)
		}
		m := mode
		if filepath.Ext(name) == ".sh" {
			m |= 0o111
		}
		if err := os.WriteFile(p, []byte(files[name]), m); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, m); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

var srcFiles = map[string]string{
	"index.js":                           "exports.handler = async () => 'hi'\n",
	"lib/util.js":                        "module.exports = 1\n",
	"node_modules/left-pad/index.js":     "module.exports = s => s\n",
	"node_modules/left-pad/package.json": `{"name":"left-pad"}`,
	"bin/run.sh":                         "#!/bin/sh\n",
	".git/HEAD":                          "ref: refs/heads/main\n",
	".env":                               "SECRET=1\n",
	"__pycache__/x.pyc":                  "bytecode",
}

func zipOf(t *testing.T, dir string, extra ...string) []byte {
	t.Helper()
	ig, err := newIgnorer(dir, extra)
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := collect(context.Background(), dir, ig, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeZip(context.Background(), &buf, entries); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZipIsByteIdenticalAcrossCopies(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	order := []string{"index.js", "lib/util.js", "node_modules/left-pad/index.js", "node_modules/left-pad/package.json", "bin/run.sh", ".git/HEAD", ".env", "__pycache__/x.pyc"}
	reversed := make([]string, len(order))
	for i, n := range order {
		reversed[len(order)-1-i] = n
	}
	writeTree(t, a, srcFiles, order, 0o644, time.Date(2020, 5, 1, 10, 0, 0, 0, time.UTC))
	writeTree(t, b, srcFiles, reversed, 0o664, time.Now())
	za, zb := zipOf(t, a), zipOf(t, b)
	if !bytes.Equal(za, zb) {
		t.Fatal("two copies of one tree zip to different bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(za), int64(len(za)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name+" "+f.Mode().String())
		if !f.Modified.Equal(zipEpoch) {
			t.Errorf("%s: modified %v, want %v", f.Name, f.Modified, zipEpoch)
		}
	}
	want := []string{
		"bin/ drwxr-xr-x", "bin/run.sh -rwxr-xr-x", "index.js -rw-r--r--",
		"lib/ drwxr-xr-x", "lib/util.js -rw-r--r--",
		"node_modules/ drwxr-xr-x", "node_modules/left-pad/ drwxr-xr-x",
		"node_modules/left-pad/index.js -rw-r--r--", "node_modules/left-pad/package.json -rw-r--r--",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("zip entries (-want +got):\n%s", diff)
	}
}

func TestIgnoreFileExtendsAndKeepsDefaults(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"a.js": "a", "a.test.js": "t", "docs/x.md": "x", "keep/docs/y.md": "y", ".env": "S=1",
		IgnoreFile: "# tests and docs\n*.test.js\n/docs/\n!.env\n"}
	writeTree(t, dir, files, []string{"a.js", "a.test.js", "docs/x.md", "keep/docs/y.md", ".env", IgnoreFile}, 0o644, time.Now())
	names := func(extra ...string) []string {
		z := zipOf(t, dir, extra...)
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range zr.File {
			got = append(got, f.Name)
		}
		return got
	}
	want := []string{".env", "a.js", "keep/", "keep/docs/", "keep/docs/y.md"}
	if diff := cmp.Diff(want, names()); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	// Options.Ignore adds to both.
	if diff := cmp.Diff([]string{".env", "a.js"}, names("keep/")); diff != "" {
		t.Errorf("entries with Options.Ignore (-want +got):\n%s", diff)
	}
}

func TestSymlinksInsideFollowedOutsideRefused(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	writeTree(t, root, map[string]string{"shared/lib.js": "lib", "fn/index.js": "fn", "fn/src/lib.js": "lib"}, []string{"shared/lib.js", "fn/index.js", "fn/src/lib.js"}, 0o644, time.Now())
	if err := os.Symlink("src/lib.js", filepath.Join(root, "fn", "lib.js")); err != nil {
		t.Fatal(err)
	}
	tpl := "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: fn\n"
	if err := os.WriteFile(filepath.Join(root, "t.yaml"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	s3 := newFakeS3()
	res, err := Package(context.Background(), s3, filepath.Join(root, "t.yaml"), Options{Bucket: "b", Region: "us-east-1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	z := s3.object(res.Artifacts[0].Key)
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 4 || zr.File[1].Name != "lib.js" {
		t.Fatalf("symlink inside the code directory not followed: %v", zr.File)
	}

	// The boundary is the code directory, not the template's: a link to a
	// sibling of the template is refused too, naming the link and target.
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{filepath.Join(root, "shared", "lib.js"), filepath.Join(outside, "secret")} {
		link := filepath.Join(root, "fn", "leak")
		os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		_, err = Package(context.Background(), s3, filepath.Join(root, "t.yaml"), Options{Bucket: "b", Region: "us-east-1"}, nil)
		var re *RefError
		if !errors.As(err, &re) || !errors.Is(err, ErrLeavesCode) || re.Resource != "Fn" || re.Property != "Code" ||
			!strings.Contains(err.Error(), "leak: symlink to "+target+" leaves the code directory") {
			t.Fatalf("got %v, want a RefError for Fn Code naming the link and %s", err, target)
		}
	}
}
