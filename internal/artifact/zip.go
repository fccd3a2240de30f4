package artifact

import (
	"archive/zip"
	"compress/flate"
	"context"
	"io"
	"io/fs"
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
func writeZip(ctx context.Context, w io.Writer, entries []zipEntry) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, newDeflater)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
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
		if err := copyFile(ctx, fw, e.abs); err != nil {
			return err
		}
	}
	return zw.Close()
}

func copyFile(ctx context.Context, w io.Writer, name string) error {
	f, err := openRegular(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, ctxReader{ctx, f})
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
