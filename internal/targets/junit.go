package targets

import (
	"encoding/xml"
	"fmt"
)

// The JUnit shape CodeBuild's reports section reads (file-format JUNITXML):
// testsuites > testsuite > testcase with failure, error or skipped. One
// suite per wave keeps waves apart in the report; the class name repeats
// the wave because some viewers group by it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     float64      `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      float64     `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit renders the run as JUnit XML (--junit-file): one test suite per
// wave, one test case per target named by its ID. Failures and guard
// refusals are failures, interrupted targets errors, targets not started
// skipped; each carries the one-line reason. Succeeded and no-change
// targets pass, with the stack and change count in system-out.
func JUnit(s Summary) ([]byte, error) {
	all := junitSuites{Name: "deployer", Time: s.Duration.Seconds()}
	for _, r := range s.Results {
		n := len(all.Suites)
		if n == 0 || all.Suites[n-1].Name != r.Target.Wave {
			all.Suites = append(all.Suites, junitSuite{Name: r.Target.Wave})
			if !r.Started.IsZero() {
				all.Suites[n].Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
			}
			n++
		}
		suite := &all.Suites[n-1]
		if suite.Timestamp == "" && !r.Started.IsZero() {
			suite.Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
		}
		c := junitCase{Name: r.Target.ID(), ClassName: "deployer." + r.Target.Wave, Time: r.Duration.Seconds()}
		reason := oneLine(r.Reason)
		switch r.Status {
		case Failed, Refused, PlanMismatch:
			c.Failure = &junitProblem{Message: reason, Type: string(r.Status), Text: reason}
			suite.Failures++
		case Interrupted:
			c.Error = &junitProblem{Message: reason, Type: string(r.Status), Text: reason}
			suite.Errors++
		case NotStarted:
			c.Skipped = &junitProblem{Message: reason}
			suite.Skipped++
		default:
			c.SystemOut = fmt.Sprintf("%s: %s, %d changes, stack %s", r.Target.ID(), r.Status, r.Counts.Total(), r.Stack)
		}
		suite.Tests++
		suite.Time += r.Duration.Seconds()
		suite.Cases = append(suite.Cases, c)
	}
	for _, su := range all.Suites {
		all.Tests += su.Tests
		all.Failures += su.Failures
		all.Errors += su.Errors
		all.Skipped += su.Skipped
	}
	b, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode junit report: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
