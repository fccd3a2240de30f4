package artifact

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// upload turns one reference into an object in the bucket: a nested
// template after its own references, a directory or a file Lambda needs
// zipped as a deterministic zip, any other file as it is.
func (p *packer) upload(ctx context.Context, r *ref) (key string, size, unzipped int64, uploaded bool, err error) {
	if r.Nested {
		body, err := p.document(ctx, r.child)
		if err != nil {
			return "", 0, 0, false, err
		}
		ext := "yaml"
		if r.child.isJSON {
			ext = "json"
		}
		key = p.key(sha256.Sum256(body), ext)
		if err := p.acquire(ctx); err != nil {
			return "", 0, 0, false, err
		}
		defer p.release()
		uploaded, err = p.u.put(ctx, key, bytes.NewReader(body), int64(len(body)))
		return key, int64(len(body)), int64(len(body)), uploaded, err
	}
	if err := p.acquire(ctx); err != nil {
		return "", 0, 0, false, err
	}
	defer p.release()
	f, ext, unzipped, err := p.source(ctx, r)
	if err != nil {
		return "", 0, 0, false, err
	}
	defer f.close()
	h := sha256.New()
	size, err = io.Copy(h, ctxReader{ctx, f.File})
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		return "", 0, 0, false, fmt.Errorf("read %s: %w", r.Path, err)
	}
	key = p.key([32]byte(h.Sum(nil)), ext)
	uploaded, err = p.u.put(ctx, key, f.File, size)
	return key, size, unzipped, uploaded, err
}

func (p *packer) acquire(ctx context.Context) error {
	select {
	case p.sem <- struct{}{}:
		return ctx.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *packer) release() { <-p.sem }

func (p *packer) key(sum [32]byte, ext string) string {
	name := hex.EncodeToString(sum[:])
	if ext != "" {
		name += "." + ext
	}
	if p.o.Prefix == "" {
		return name
	}
	return strings.TrimSuffix(p.o.Prefix, "/") + "/" + name
}

// sourceFile is what gets uploaded; a temporary zip is removed on close.
type sourceFile struct {
	*os.File
	temp bool
}

func (s sourceFile) close() {
	s.Close()
	if s.temp {
		os.Remove(s.Name())
	}
}

// source opens the bytes to upload for r, zipping when needed, the object
// key's extension, and the size unzipped. Every path is stat'ed before it
// is opened and opened without blocking: a FIFO or device is refused, never
// read.
func (p *packer) source(ctx context.Context, r *ref) (sourceFile, string, int64, error) {
	st, err := statKind(r.Abs)
	if err != nil {
		return sourceFile{}, "", 0, r.fail(err)
	}
	var entries []zipEntry
	unzipped := st.Size()
	zipped := false
	switch {
	case st.IsDir():
		ig, err := newIgnorer(r.Abs, p.o.Ignore)
		if err != nil {
			return sourceFile{}, "", 0, r.fail(fmt.Errorf("%s: %w", IgnoreFile, err))
		}
		if entries, unzipped, err = collect(ctx, r.Abs, ig, p.o.Limits); err != nil {
			return sourceFile{}, "", 0, r.fail(err)
		}
	case r.zip:
		if zipped, unzipped, err = zipSize(r.Abs, st.Size()); err != nil {
			return sourceFile{}, "", 0, r.fail(err)
		}
		if !zipped {
			entries = []zipEntry{{rel: filepath.Base(r.Abs), abs: r.Abs, mode: fileMode(st.Mode())}}
		}
	}
	if entries == nil {
		f, err := openRegular(r.Abs)
		if err != nil {
			return sourceFile{}, "", 0, r.fail(err)
		}
		return sourceFile{File: f}, strings.TrimPrefix(path.Ext(filepath.Base(r.Abs)), "."), unzipped, nil
	}
	// A temporary file, not memory: with Concurrency zips in flight, Lambda's
	// 250 MB limit times 8 would not fit every CI runner.
	f, err := os.CreateTemp("", "deployer-artifact-*.zip")
	if err != nil {
		return sourceFile{}, "", 0, err
	}
	sf := sourceFile{File: f, temp: true}
	if err := writeZip(ctx, f, entries); err != nil {
		sf.close()
		return sourceFile{}, "", 0, r.fail(fmt.Errorf("zip: %w", err))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		sf.close()
		return sourceFile{}, "", 0, err
	}
	return sf, "zip", unzipped, nil
}

// zipSize reads whether a file Lambda needs zipped already is a zip (its
// local-file-header signature) and, if so, its size unzipped from the
// central directory; otherwise its own size.
func zipSize(name string, size int64) (bool, int64, error) {
	f, err := openRegular(name)
	if err != nil {
		return false, 0, err
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil || !bytes.Equal(magic, []byte("PK\x03\x04")) {
		return false, size, nil
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return true, size, nil // CloudFormation or Lambda will say what is wrong with it
	}
	var total int64
	for _, e := range zr.File {
		total += int64(e.UncompressedSize64)
	}
	return true, total, nil
}

// rewrite replaces a path node with the object's location in the shape its
// property takes, keeping the node's comments.
func rewrite(n *yaml.Node, shape Shape, bucket, region, key string) {
	head, line, foot := n.HeadComment, n.LineComment, n.FootComment
	switch shape {
	case ShapeURI:
		*n = *strNode("s3://" + bucket + "/" + key)
	case ShapeURL:
		*n = *strNode(templateURL(bucket, region, key))
	case ShapeS3BucketKey, ShapeBucketKey:
		b, k := "Bucket", "Key"
		if shape == ShapeS3BucketKey {
			b, k = "S3Bucket", "S3Key"
		}
		*n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map",
			Content: []*yaml.Node{strNode(b), strNode(bucket), strNode(k), strNode(key)}}
		// A block mapping cannot carry the path's line comment on its own
		// line: the emitter would hang it on the next key of the parent.
		// It goes on the first entry instead, next to the bucket.
		n.Content[1].LineComment, line = line, ""
	}
	n.HeadComment, n.LineComment, n.FootComment = head, line, foot
}

// templateURL is the path-style https URL TemplateURL needs, the form aws-cli
// and SAM CLI write; it also suits bucket names with dots, which break
// virtual-hosted TLS names.
func templateURL(bucket, region, key string) string {
	domain := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		domain = "amazonaws.com.cn"
	}
	if region == "" {
		region = "us-east-1"
	}
	return fmt.Sprintf("https://s3.%s.%s/%s/%s", region, domain, bucket, key)
}
