package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileIsPrivateAndReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "out.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	// An existing world-readable file keeps neither its mode nor its bytes.
	if err := os.WriteFile(path, []byte("old content that is longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("content %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".out.json.*")); len(left) != 0 {
		t.Errorf("temp files left behind: %v", left)
	}
}

func TestWriteFileNeverWritesThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "outputs.env")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("A=1\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("the symlink's target was written: %q", b)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink != 0 {
		t.Errorf("outputs.env is still a symlink (%v)", err)
	}
}

func TestWriteFileCreatesMissingDirectoriesPrivately(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "222222222222-us-east-1.json")
	if err := WriteFile(path, []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Dir(path))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v (%v), want 0700", st.Mode().Perm(), err)
	}
}

func TestWriterRefusesTwoOwnersOfOnePath(t *testing.T) {
	w := NewWriter()
	path := filepath.Join(t.TempDir(), "out.json")
	if err := w.File("222222222222/us-east-1", path, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := w.File("222222222222/us-east-1", path, []byte("b")); err != nil {
		t.Errorf("the same owner rewriting its file: %v", err)
	}
	err := w.File("333333333333/us-east-1", path, []byte("c"))
	if err == nil || !strings.Contains(err.Error(), "{account}") {
		t.Errorf("second owner: got %v, want an error suggesting placeholders", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "b" {
		t.Errorf("the refused write changed the file: %q", b)
	}
}

func TestMarshalJSONEmptyListIsBrackets(t *testing.T) {
	var none []string
	b, err := MarshalJSON(none)
	if err != nil || strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("got %q, %v; want []", b, err)
	}
	if b, _ := MarshalJSON(NonNil[int](nil)); strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("NonNil: got %q", b)
	}
}

func TestEnvFileLeavesOutShellChangingNamesWithoutPrefix(t *testing.T) {
	data, skipped, err := EnvFile("", map[string]string{"BucketName": "b", "PATH": "/evil", "BASH_ENV": "/tmp/x"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "PATH=") || strings.Contains(string(data), "BASH_ENV") || len(skipped) != 2 {
		t.Errorf("data %q skipped %v", data, skipped)
	}
	data, skipped, _ = EnvFile("APP", map[string]string{"PATH": "/x"})
	if string(data) != "APP_PATH=/x\n" || len(skipped) != 0 {
		t.Errorf("with a prefix: %q %v", data, skipped)
	}
}
