package envfile

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestValuesSurviveAShell writes hostile values and reads them back through
// a real POSIX shell: nothing may be expanded or escape its quotes.
func TestValuesSurviveAShell(t *testing.T) {
	values := []string{"plain", "with space", `it's`, `$HOME`, "`id`", `"dq"`, `back\slash`, "multi\nline", "", "!bang", "a'b'c", "; rm -rf /"}
	var vars []Var
	for i, v := range values {
		vars = append(vars, Var{Name: Name("v" + string(rune('a'+i))), Value: v})
	}
	for _, f := range []Format{Shell, Dotenv} {
		var b bytes.Buffer
		if err := Write(&b, f, vars); err != nil {
			t.Fatal(err)
		}
		script := "set -a\n" + b.String() + "\n"
		for _, v := range vars {
			script += `printf '%s\0' "$` + v.Name + `"` + "\n"
		}
		out, err := exec.Command("sh", "-c", script).Output()
		if err != nil {
			t.Fatalf("%s: shell failed: %v\n%s", f, err, b.String())
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		for i, v := range values {
			if got[i] != v {
				t.Errorf("%s: value %q came back as %q", f, v, got[i])
			}
		}
	}
}

func TestWriteRefusesBadNamesAndNUL(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Dotenv, []Var{{Name: "1BAD", Value: "x"}}); err == nil {
		t.Error("bad name accepted")
	}
	if err := Write(&b, Dotenv, []Var{{Name: "OK", Value: "a\x00b"}}); err == nil {
		t.Error("NUL accepted")
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{"BucketName": "BUCKETNAME", "my-output.x": "MY_OUTPUT_X", "9lives": "_9LIVES", "": "_"} {
		if got := Name(in); got != want || !ValidName(got) {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}
