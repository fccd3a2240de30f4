package report

import (
	"fmt"
	"testing"
)

// bigReport is n targets of 4 changes each, every tenth target differing.
func bigReport(n int) *Report {
	r := &Report{Command: "cfn deploy --targets t.yaml --dry-run"}
	for i := 0; i < n; i++ {
		cs := changeSet()
		if i%10 == 0 {
			cs[0].LogicalID = fmt.Sprintf("Db%d", i)
		}
		r.Add(FromChangeSet(fmt.Sprintf("%012d/eu-west-1", 100000000000+i), "app", cs, nil))
	}
	return r
}

func BenchmarkMarkdown1000Targets(b *testing.B) {
	r := bigReport(1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		md := Markdown(r, 0)
		b.SetBytes(int64(len(md)))
	}
}

func BenchmarkApproval1000Targets(b *testing.B) {
	r := bigReport(1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Approval(r, 0)
	}
}

// TestBigReportStaysUnderTheCap: a thousand targets, a hundred of them
// differing, still make a report under the cap that says what it cut.
func TestBigReportStaysUnderTheCap(t *testing.T) {
	md := Markdown(bigReport(1000), 0)
	if len(md) > DefaultMaxMarkdown {
		t.Errorf("%d bytes, over %d", len(md), DefaultMaxMarkdown)
	}
	t.Logf("1000 targets: %d bytes", len(md))
}
