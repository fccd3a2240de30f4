package release

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// member is one file of an archive, held in memory (the binary is the
// largest, about 20 MB).
type member struct {
	name string
	mode fs.FileMode
	data []byte
}

// sorted returns the members by name, so the order never depends on how
// the caller listed them.
func sorted(members []member) []member {
	s := slices.Clone(members)
	slices.SortFunc(s, func(a, b member) int { return strings.Compare(a.name, b.name) })
	return s
}

// writeTarGz writes a gzip-compressed tar whose bytes depend only on the
// members and mtime: sorted entries, owner and group 0 with no names, one
// modification time, no access or change times, and a gzip header without a
// file name or time.
func writeTarGz(w io.Writer, members []member, mtime time.Time) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	tw := tar.NewWriter(zw)
	for _, m := range sorted(members) {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     m.name,
			Mode:     int64(m.mode.Perm()),
			Size:     int64(len(m.data)),
			ModTime:  mtime.UTC().Truncate(time.Second),
			Format:   tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("tar header of %s: %w", m.name, err)
		}
		if _, err := tw.Write(m.data); err != nil {
			return fmt.Errorf("tar data of %s: %w", m.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("tar: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// writeZip writes a zip with sorted entries, one modification time and Unix
// modes, so that the Windows archive is as reproducible as the others.
func writeZip(w io.Writer, members []member, mtime time.Time) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	for _, m := range sorted(members) {
		hdr := &zip.FileHeader{
			Name:     m.name,
			Method:   zip.Deflate,
			Modified: mtime.UTC().Truncate(time.Second),
		}
		hdr.SetMode(m.mode.Perm())
		f, err := zw.CreateHeader(hdr)
		if err != nil {
			return fmt.Errorf("zip header of %s: %w", m.name, err)
		}
		if _, err := f.Write(m.data); err != nil {
			return fmt.Errorf("zip data of %s: %w", m.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}
