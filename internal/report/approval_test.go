package report

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// removals is a report whose attention list has n removals, the last one's
// resource name padded by pad characters.
func removals(n, pad int) *Report {
	t := Target{ID: "111111111111/eu-west-1", Name: "app", Engine: CloudFormation}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Bucket%02d", i)
		if i == n-1 {
			name += strings.Repeat("x", pad)
		}
		t.Changes = append(t.Changes, Change{Action: Remove, Resource: name, Type: "AWS::S3::Bucket"})
	}
	return &Report{Command: "cfn deploy --dry-run", Targets: []Target{t}}
}

// At exactly 1,000 characters nothing is cut; one more and the last item
// gives way to a line saying it was left out.
func TestApprovalBoundary(t *testing.T) {
	base := utf8.RuneCountInString(Approval(removals(8, 0), 1<<20))
	pad := MaxApproval - base
	if pad < 0 {
		t.Fatalf("fixture too long: %d characters", base)
	}
	exact := Approval(removals(8, pad), MaxApproval)
	if n := utf8.RuneCountInString(exact); n != MaxApproval {
		t.Fatalf("exact fixture is %d characters, want %d", n, MaxApproval)
	}
	if strings.Contains(exact, "more in the full report") {
		t.Errorf("a text of exactly %d characters was cut:\n%s", MaxApproval, exact)
	}
	over := Approval(removals(8, pad+1), MaxApproval)
	if n := utf8.RuneCountInString(over); n > MaxApproval {
		t.Errorf("text is %d characters, over %d", n, MaxApproval)
	}
	lines := strings.Split(over, "\n")
	if last := lines[len(lines)-1]; last != "... and 1 more in the full report" {
		t.Errorf("last line = %q, want the one item left out counted", last)
	}
}

// Whatever the length of the items, the text stays within the cap, is cut
// between items, and counts what it left out.
func TestApprovalCutsBetweenItems(t *testing.T) {
	for n := 1; n <= 40; n += 3 {
		for _, pad := range []int{0, 37, 400, 2000} {
			r := removals(n, pad)
			text := Approval(r, MaxApproval)
			if c := utf8.RuneCountInString(text); c > MaxApproval {
				t.Fatalf("n=%d pad=%d: %d characters", n, pad, c)
			}
			lines := strings.Split(text, "\n")
			shown := 0
			for _, l := range lines[3:] {
				if strings.HasPrefix(l, "- removal: Bucket") {
					shown++
				}
			}
			left := n - shown
			last := lines[len(lines)-1]
			switch {
			case left == 0 && strings.Contains(last, "more in the full report"):
				t.Errorf("n=%d pad=%d: says items were left out, none were", n, pad)
			case left > 0 && last != fmt.Sprintf("... and %d more in the full report", left):
				t.Errorf("n=%d pad=%d: %d left out, last line %q", n, pad, left, last)
			}
		}
	}
}
