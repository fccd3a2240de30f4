package artifact

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Ref is one local path in a template that packaging replaces.
type Ref struct {
	Template string // absolute path of the template holding the reference
	Resource string // logical id, "Globals.Function" or "AWS::Include"
	Type     string // resource type, or "Fn::Transform"
	Property string // property path under Properties, e.g. "Command.ScriptLocation"
	Path     string // as written in the template
	Abs      string // absolute, symlinks resolved
	Shape    Shape  // what replaces it
	Nested   bool   // a child template, packaged recursively
	zip      bool   // a single file is zipped (Lambda code)
}

// document is a parsed template and its local references.
type document struct {
	path   string
	src    []byte
	root   *yaml.Node
	isJSON bool
	refs   []*ref
}

// ref is a Ref with the node it came from, so packaging can rewrite it.
type ref struct {
	Ref
	node  *yaml.Node
	child *document
}

// Find returns every local reference in the template and, children first,
// in the templates it nests. The packaging root is the template's
// directory. A reference that cannot be packaged is a *RefError.
// Directories are walked as Package would (ctx ends the walk, lim bounds
// it).
func Find(ctx context.Context, templatePath string, lim Limits) ([]Ref, error) {
	doc, err := load(ctx, templatePath, "", lim)
	if err != nil {
		return nil, err
	}
	var out []Ref
	var walk func(d *document)
	walk = func(d *document) {
		for _, r := range d.refs {
			if r.child != nil {
				walk(r.child)
			}
			out = append(out, r.Ref)
		}
	}
	walk(doc)
	return out, nil
}

// load parses a template and, recursively, the templates it nests, checking
// every path before anything is zipped or uploaded. root bounds every path;
// empty means the template's own directory.
func load(ctx context.Context, templatePath, root string, lim Limits) (*document, error) {
	abs, err := filepath.Abs(templatePath)
	if err != nil {
		return nil, err
	}
	if root == "" {
		root = filepath.Dir(abs)
	}
	if root, err = filepath.EvalSymlinks(root); err != nil {
		return nil, fmt.Errorf("packaging root: %w", err)
	}
	return loadDoc(ctx, abs, root, lim, nil)
}

// maxTemplate bounds a template read from disk; CloudFormation takes 1 MB.
const maxTemplate = 16 << 20

func loadDoc(ctx context.Context, path, root string, lim Limits, parents []string) (*document, error) {
	src, err := readRegular(path, maxTemplate)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	n, isJSON, err := decodeTemplate(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrTemplate, err)
	}
	d := &document{path: path, src: src, root: n, isJSON: isJSON}
	f := finder{ctx: ctx, doc: d, dir: filepath.Dir(path), root: root, lim: lim}
	if err := f.scan(); err != nil {
		return nil, err
	}
	parents = append(parents, path)
	for _, r := range d.refs {
		if !r.Nested {
			continue
		}
		for _, p := range parents {
			if p == r.Abs {
				return nil, r.fail(fmt.Errorf("%w: the template nests itself", ErrTemplate))
			}
		}
		if r.child, err = loadDoc(ctx, r.Abs, root, lim, parents); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (r *ref) fail(err error) *RefError {
	return &RefError{Template: r.Template, Resource: r.Resource, Property: r.Property, Path: r.Path, Err: err}
}

// finder walks one template.
type finder struct {
	ctx       context.Context
	doc       *document
	dir, root string
	lim       Limits
}

func (f *finder) scan() error {
	top := f.doc.root.Content[0]
	if fn := get(get(top, "Globals"), "Function"); fn != nil {
		if err := f.add("Globals.Function", "AWS::Serverless::Function", globalsFunction, get(fn, "CodeUri")); err != nil {
			return err
		}
	}
	if err := f.resources(get(top, "Resources")); err != nil {
		return err
	}
	return f.includes(top)
}

func (f *finder) resources(m *yaml.Node) error {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		id, res := m.Content[i].Value, m.Content[i+1]
		// Fn::ForEach::Name: [Identifier, Collection, {resources}], as aws-cli reads it.
		if strings.HasPrefix(id, "Fn::ForEach::") {
			if res.Kind == yaml.SequenceNode && len(res.Content) == 3 {
				if err := f.resources(res.Content[2]); err != nil {
					return err
				}
			}
			continue
		}
		typ := get(res, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode {
			continue
		}
		props := get(res, "Properties")
		if err := f.image(id, typ.Value, res, props); err != nil {
			return err
		}
		for _, p := range properties[typ.Value] {
			n := props
			for _, part := range strings.Split(p.path, ".") {
				n = get(n, part)
			}
			if err := f.add(id, typ.Value, p, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// image refuses a function whose image would be built from local sources.
func (f *finder) image(id, typ string, res, props *yaml.Node) error {
	var uri *yaml.Node
	switch typ {
	case "AWS::Lambda::Function":
		uri = get(get(props, "Code"), "ImageUri")
	case "AWS::Serverless::Function":
		uri = get(props, "ImageUri")
		if pt := get(props, "PackageType"); uri == nil && pt != nil && pt.Value == "Image" && get(get(res, "Metadata"), "DockerContext") != nil {
			return &RefError{Template: f.doc.path, Resource: id, Property: "Metadata.DockerContext", Path: get(get(res, "Metadata"), "DockerContext").Value, Err: ErrImage}
		}
	default:
		return nil
	}
	if !isLocal(uri) {
		return nil
	}
	v := uri.Value
	if _, err := os.Stat(filepath.Join(f.dir, v)); err == nil || strings.HasPrefix(v, ".") || strings.HasPrefix(v, "/") {
		return &RefError{Template: f.doc.path, Resource: id, Property: "ImageUri", Path: v, Err: ErrImage}
	}
	return nil
}

// includes finds Fn::Transform AWS::Include anywhere, long form or !Transform.
func (f *finder) includes(n *yaml.Node) error {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "Fn::Transform" {
				if err := f.include(n.Content[i+1]); err != nil {
					return err
				}
			}
		}
	}
	if n.Tag == "!Transform" {
		if err := f.include(n); err != nil {
			return err
		}
	}
	for _, c := range n.Content {
		if err := f.includes(c); err != nil {
			return err
		}
	}
	return nil
}

func (f *finder) include(t *yaml.Node) error {
	if name := get(t, "Name"); name == nil || name.Value != "AWS::Include" {
		return nil
	}
	return f.add("AWS::Include", "Fn::Transform", property{path: "Location", shape: ShapeURI}, get(get(t, "Parameters"), "Location"))
}

// add records n when it is a local path, checking that it exists and stays
// inside the root.
func (f *finder) add(id, typ string, p property, n *yaml.Node) error {
	if !isLocal(n) {
		return nil
	}
	r := &ref{node: n, Ref: Ref{Template: f.doc.path, Resource: id, Type: typ, Property: p.path, Path: n.Value,
		Shape: p.shape, Nested: p.nested, zip: p.zip}}
	abs := n.Value
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(f.dir, abs)
	}
	real, err := filepath.EvalSymlinks(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return r.fail(ErrNotFound)
	}
	if err != nil {
		return r.fail(err)
	}
	if !within(f.root, real) {
		return r.fail(ErrOutsideTree)
	}
	st, err := statKind(real)
	if err != nil {
		return r.fail(err)
	}
	if r.Nested && st.IsDir() {
		return r.fail(fmt.Errorf("%w: a nested template is a file", ErrTemplate))
	}
	if st.IsDir() && r.zip {
		// A symlink leading out of a zipped directory is found now, before
		// anything is uploaded, not while a sibling is already uploading.
		ig, err := newIgnorer(real, nil)
		if err != nil {
			return r.fail(err)
		}
		if _, _, err := collect(f.ctx, real, ig, f.lim); err != nil {
			return r.fail(err)
		}
	}
	r.Abs = real
	f.doc.refs = append(f.doc.refs, r)
	return nil
}

// isLocal says whether n is a plain string that is not already a URL.
// Tagged values (!Ref, !Sub) and intrinsic-function objects are not scalars
// of tag !!str, so they are left alone.
func isLocal(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" || n.Value == "" {
		return false
	}
	for _, scheme := range []string{"s3://", "http://", "https://"} {
		if strings.HasPrefix(n.Value, scheme) {
			return false
		}
	}
	return true
}

func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
