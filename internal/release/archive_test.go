package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	archiveTime = time.Date(2026, 11, 22, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	members     = []member{
		{name: "deployer", mode: 0o755, data: []byte("binary")},
		{name: "README.md", mode: 0o644, data: []byte("# readme")},
		{name: "LICENSE", mode: 0o644, data: []byte("Apache")},
	}
	reversed = []member{members[2], members[1], members[0]}
)

// entry is what an archive says about one file.
type entry struct {
	Name     string
	Mode     fs.FileMode
	Modified time.Time
	Data     string
}

var wantEntries = []entry{
	{"LICENSE", 0o644, archiveTime.UTC(), "Apache"},
	{"README.md", 0o644, archiveTime.UTC(), "# readme"},
	{"deployer", 0o755, archiveTime.UTC(), "binary"},
}

func TestTarGzIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := writeTarGz(&a, members, archiveTime); err != nil {
		t.Fatal(err)
	}
	if err := writeTarGz(&b, reversed, archiveTime.UTC()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same members in another order or time zone gave different bytes")
	}

	zr, err := gzip.NewReader(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header has name %q and time %v, want neither", zr.Name, zr.ModTime)
	}
	var got []entry
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s owned by %d:%d (%q:%q), want 0:0 without names", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, entry{h.Name, h.FileInfo().Mode().Perm(), h.ModTime.UTC(), string(data)})
	}
	if diff := cmp.Diff(wantEntries, got); diff != "" {
		t.Errorf("tar entries (-want +got):\n%s", diff)
	}
}

func TestZipIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := writeZip(&a, members, archiveTime); err != nil {
		t.Fatal(err)
	}
	if err := writeZip(&b, reversed, archiveTime.UTC()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same members in another order or time zone gave different bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var got []entry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, entry{f.Name, f.Mode().Perm(), f.Modified.UTC(), string(data)})
	}
	if diff := cmp.Diff(wantEntries, got); diff != "" {
		t.Errorf("zip entries (-want +got):\n%s", diff)
	}
}

// readTarGz returns the files of a tar.gz by name.
func readTarGz(data []byte) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		if files[h.Name], err = io.ReadAll(tr); err != nil {
			return nil, err
		}
	}
}
