//go:build unix

package artifact

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultIgnoreCoversEnvVariants(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"index.js", ".env", ".env.production", ".env.local", "env.js"} {
		write(t, dir, name, "x")
	}
	ig, err := newIgnorer(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := collect(context.Background(), dir, ig, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.rel)
	}
	if diff := cmp.Diff([]string{"env.js", "index.js"}, names); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

// Anything but a regular file or directory is refused, naming it, and
// never opened: the ignore file, a file of the tree, the code file itself.
func TestSpecialFilesRefusedNotRead(t *testing.T) {
	for _, fifo := range []string{"fn/" + IgnoreFile, "fn/pipe", "fn.py"} {
		t.Run(fifo, func(t *testing.T) {
			root := t.TempDir()
			write(t, root, "fn/index.py", "x")
			if err := syscall.Mkfifo(filepath.Join(root, fifo), 0o644); err != nil {
				t.Fatal(err)
			}
			code := "fn"
			if fifo == "fn.py" {
				code = "fn.py"
			}
			tpl := write(t, root, "t.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: "+code+"\n")
			_, err := Package(context.Background(), newFakeS3(), tpl, Options{Bucket: "b", Region: "us-east-1"}, nil)
			var re *RefError
			if !errors.As(err, &re) || !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), filepath.Base(fifo)+" is a named pipe (FIFO)") {
				t.Errorf("got %v, want a RefError naming the FIFO", err)
			}
		})
	}
}

func TestWalkStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a/b.txt", "x")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ig, _ := newIgnorer(dir, nil)
	if _, _, err := collect(ctx, dir, ig, Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("collect after cancel: %v", err)
	}
	if err := writeZip(ctx, &strings.Builder{}, []zipEntry{{rel: "b.txt", abs: filepath.Join(dir, "a", "b.txt")}}); !errors.Is(err, context.Canceled) {
		t.Errorf("writeZip after cancel: %v", err)
	}
}

// A Lambda package past 250 MB unzipped is reported with a warning; the
// sizes come from a zip's central directory, not from unzipping it.
func TestLambdaUnzippedLimitWarning(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "big.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "blob", Method: zip.Store, CompressedSize64: 1, UncompressedSize64: 300_000_000, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{0})
	zw.Close()
	f.Close()
	write(t, dir, "small/index.py", "x")
	tpl := write(t, dir, "t.yaml", "Resources:\n  Big:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: big.zip\n"+
		"  Small:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: small\n")
	warnings := map[string]string{}
	_, err = Package(context.Background(), newFakeS3(), tpl, Options{Bucket: "b", Region: "us-east-1"}, func(a Artifact) { warnings[a.Resource] = a.Warning })
	if err != nil {
		t.Fatal(err)
	}
	if w := warnings["Big"]; !strings.Contains(w, "big.zip unzipped is 300 MB, past Lambda's limit of 250 MB") {
		t.Errorf("warning for Big: %q", w)
	}
	if w := warnings["Small"]; w != "" {
		t.Errorf("warning for Small: %q", w)
	}
}
