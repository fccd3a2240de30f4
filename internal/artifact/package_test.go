package artifact

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func pkg(t *testing.T, s3 *fakeS3, tpl string) (*Result, error) {
	t.Helper()
	s3.region = "eu-west-1"
	return Package(context.Background(), s3, tpl, Options{Bucket: "bkt", Prefix: "p", Region: "eu-west-1"}, nil)
}

// propertyAt decodes the packaged template and returns one property.
func propertyAt(t *testing.T, out []byte, resource, prop string) any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	var v any = m["Resources"].(map[string]any)[resource].(map[string]any)["Properties"]
	for _, part := range strings.Split(prop, ".") {
		v = v.(map[string]any)[part]
	}
	return v
}

func TestEveryPropertyGetsItsShape(t *testing.T) {
	for typ, props := range properties {
		for _, p := range props {
			t.Run(typ+"."+p.path, func(t *testing.T) {
				dir := t.TempDir()
				write(t, dir, "src/file.txt", "content")
				write(t, dir, "child.yaml", "Resources: {}\n")
				local := "src"
				if p.nested {
					local = "child.yaml"
				}
				// Build the property's nesting: Command.ScriptLocation -> Command: {ScriptLocation: src}
				parts := strings.Split(p.path, ".")
				body := "      " + parts[0] + ":"
				if len(parts) == 2 {
					body += "\n        " + parts[1] + ":"
				}
				tpl := write(t, dir, "t.yaml", "Resources:\n  R:\n    Type: "+typ+"\n    Properties:\n"+body+" "+local+"\n")
				s3 := newFakeS3()
				res, err := pkg(t, s3, tpl)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Artifacts) != 1 {
					t.Fatalf("artifacts: %+v", res.Artifacts)
				}
				key := res.Artifacts[0].Key
				if s3.object(key) == nil {
					t.Fatalf("%s not uploaded", key)
				}
				var want any
				switch p.shape {
				case ShapeURI:
					want = "s3://bkt/" + key
				case ShapeURL:
					want = "https://s3.eu-west-1.amazonaws.com/bkt/" + key
				case ShapeS3BucketKey:
					want = map[string]any{"S3Bucket": "bkt", "S3Key": key}
				case ShapeBucketKey:
					want = map[string]any{"Bucket": "bkt", "Key": key}
				}
				if diff := cmp.Diff(want, propertyAt(t, res.Template, "R", p.path)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}

const samTemplate = `# The app's template.
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
Resources:
  Hello:
    Type: AWS::Serverless::Function # the function
    Properties:
      CodeUri: hello/ # built by make
      Handler: app.handler
      Environment:
        Variables:
          TABLE: !Ref Table
          ARN: !GetAtt Table.Arn
          URL: !Sub "https://${AWS::Region}.example.com"
  Already:
    Type: AWS::Lambda::Function
    Properties:
      Code:
        S3Bucket: !Ref Bucket
        S3Key: code.zip
  FromS3:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://other/code.zip
  Table:
    Type: AWS::DynamoDB::Table
  Rule:
    Fn::Transform:
      Name: AWS::Include
      Parameters:
        Location: include.yaml
`

func TestYAMLKeepsCommentsTagsAndLeavesOthersAlone(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "hello/app.py", "def handler(e, c): return 1\n")
	write(t, dir, "include.yaml", "Type: AWS::SNS::Topic\n")
	tpl := write(t, dir, "template.yaml", samTemplate)
	s3 := newFakeS3()
	res, err := pkg(t, s3, tpl)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, a := range res.Artifacts {
		keys[a.Resource] = a.Key
	}
	want := strings.NewReplacer(
		"CodeUri: hello/ # built by make", "CodeUri: s3://bkt/"+keys["Hello"]+" # built by make",
		"Location: include.yaml", "Location: s3://bkt/"+keys["AWS::Include"],
	).Replace(samTemplate)
	if diff := cmp.Diff(want, string(res.Template)); diff != "" {
		t.Errorf("packaged template (-want +got):\n%s", diff)
	}
	if !strings.HasSuffix(keys["Hello"], ".zip") || !strings.HasPrefix(keys["Hello"], "p/") || !strings.HasSuffix(keys["AWS::Include"], ".yaml") {
		t.Errorf("keys: %v", keys)
	}
}

const jsonTemplate = `{
    "Resources": {
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": "build/fn",
                "Timeout": 30,
                "Layers": [{"Ref": "Layer"}],
                "Description": "<a> & b"
            }
        },
        "Machine": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {"DefinitionS3Location": "machine.asl.json", "Enabled": true, "Nothing": null}
        }
    }
}
`

func TestJSONStaysJSONInOrder(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "build/fn/index.js", "x")
	write(t, dir, "machine.asl.json", "{}")
	tpl := write(t, dir, "t.json", jsonTemplate)
	res, err := pkg(t, newFakeS3(), tpl)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, a := range res.Artifacts {
		keys[a.Resource] = a.Key
	}
	want := `{
    "Resources": {
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": {
                    "S3Bucket": "bkt",
                    "S3Key": "` + keys["Fn"] + `"
                },
                "Timeout": 30,
                "Layers": [
                    {
                        "Ref": "Layer"
                    }
                ],
                "Description": "<a> & b"
            }
        },
        "Machine": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "DefinitionS3Location": {
                    "Bucket": "bkt",
                    "Key": "` + keys["Machine"] + `"
                },
                "Enabled": true,
                "Nothing": null
            }
        }
    }
}
`
	if diff := cmp.Diff(want, string(res.Template)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.HasSuffix(keys["Machine"], ".json") {
		t.Errorf("a file keeps its extension: %s", keys["Machine"])
	}
}

func TestNestedTemplatesChildrenFirst(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "stacks/fn/index.js", "x")
	write(t, dir, "stacks/child.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fn\n")
	tpl := write(t, dir, "parent.yaml", "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: stacks/child.yaml\n")
	refs, err := Find(context.Background(), tpl, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 || refs[0].Resource != "Fn" || refs[1].Resource != "Child" || !refs[1].Nested {
		t.Fatalf("refs: %+v", refs)
	}
	s3 := newFakeS3()
	var order []string
	res, err := Package(context.Background(), s3, tpl, Options{Bucket: "bkt", Region: "us-east-1"}, func(a Artifact) { order = append(order, a.Resource) })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Fn", "Child"}, order); diff != "" {
		t.Errorf("report order (-want +got):\n%s", diff)
	}
	childKey := res.Artifacts[1].Key
	child := string(s3.object(childKey))
	if want := "CodeUri: s3://bkt/" + res.Artifacts[0].Key; !strings.Contains(child, want) {
		t.Errorf("uploaded child %q lacks %q", child, want)
	}
	if got := propertyAt(t, res.Template, "Child", "TemplateURL"); got != "https://s3.us-east-1.amazonaws.com/bkt/"+childKey {
		t.Errorf("TemplateURL = %v", got)
	}
}

func TestRefErrors(t *testing.T) {
	cases := []struct {
		name, tpl string
		want      error
		resource  string
		property  string
	}{
		{"missing", "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: nope/\n", ErrNotFound, "F", "CodeUri"},
		{"outside", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: ../\n", ErrOutsideTree, "F", "Code"},
		{"image path", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n        ImageUri: ./img\n", ErrImage, "F", "ImageUri"},
		{"docker context", "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n    Metadata:\n      DockerContext: ./img\n", ErrImage, "F", "Metadata.DockerContext"},
		{"include", "Resources:\n  T:\n    Fn::Transform:\n      Name: AWS::Include\n      Parameters:\n        Location: gone.yaml\n", ErrNotFound, "AWS::Include", "Location"},
		{"bad nested", "Resources:\n  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: bad.yaml\n", ErrTemplate, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "proj")
			write(t, dir, "bad.yaml", "a: [\n")
			tpl := write(t, dir, "t.yaml", c.tpl)
			_, err := Find(context.Background(), tpl, Limits{})
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			var re *RefError
			if c.resource != "" && (!errors.As(err, &re) || re.Resource != c.resource || re.Property != c.property) {
				t.Fatalf("got %#v, want resource %s property %s", err, c.resource, c.property)
			}
		})
	}
}

func TestNoLocalPathsNoCallsSameBytes(t *testing.T) {
	dir := t.TempDir()
	src := "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: !Sub 's3://${B}/x.zip'\n      InlineCode: x\n\n\n"
	tpl := write(t, dir, "t.yaml", src)
	res, err := Package(context.Background(), nil, tpl, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Template) != src {
		t.Fatalf("template changed: %q", res.Template)
	}
	write(t, dir, "fn/a", "a")
	tpl = write(t, dir, "t2.yaml", "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: fn\n")
	if _, err := Package(context.Background(), nil, tpl, Options{}, nil); !errors.Is(err, ErrNoBucket) {
		t.Fatalf("got %v, want ErrNoBucket", err)
	}
}

func TestSameSourceTwiceZippedOnce(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "fn/a.py", "a")
	tpl := write(t, dir, "t.yaml", "Resources:\n  A:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fn\n  B:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ./fn/\n")
	s3 := newFakeS3()
	res, err := pkg(t, s3, tpl)
	if err != nil {
		t.Fatal(err)
	}
	if len(s3.puts) != 1 || len(res.Artifacts) != 2 || res.Artifacts[0].Key != res.Artifacts[1].Key {
		t.Fatalf("puts %d, artifacts %+v", len(s3.puts), res.Artifacts)
	}
}

func TestBucketName(t *testing.T) {
	if got := BucketName("artifacts-{region}-111", "eu-west-3"); got != "artifacts-eu-west-3-111" {
		t.Errorf("got %s", got)
	}
}
