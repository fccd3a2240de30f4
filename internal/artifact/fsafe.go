package artifact

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Reading a FIFO blocks until someone writes to it, and a device can be
// endless; neither belongs in an artifact. Every path is Lstat'ed before it
// is opened, and files are opened without blocking and checked again once
// open, so a FIFO swapped in between the check and the open is refused
// too.

// ErrNotRegular: a named pipe, socket or device where a file or directory
// was expected.
var ErrNotRegular = errors.New("not a regular file or directory")

// kindOf names a file type for people.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "a " + m.Type().String() + " file"
}

// statKind stats name (following symlinks, which never blocks) and refuses
// anything but a regular file or a directory.
func statKind(name string) (fs.FileInfo, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		return nil, fmt.Errorf("%s is %s: %w", name, kindOf(st.Mode()), ErrNotRegular)
	}
	return st, nil
}

// openRegular opens a regular file for reading without ever blocking.
func openRegular(name string) (*os.File, error) {
	if _, err := statKind(name); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fmt.Errorf("%s is %s: %w", name, kindOf(st.Mode()), ErrNotRegular)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// readRegular reads a regular file of at most limit bytes.
func readRegular(name string, limit int64) ([]byte, error) {
	f, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return b, nil
}

// ctxReader stops a long copy once ctx is done, so an interrupt ends a
// zip of a large file within one read.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
