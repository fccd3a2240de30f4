package main

import (
	"regexp"
	"time"

	"github.com/deployer-dev/deployer/internal/testenv"
)

// stretch sets the progress stretch of the operations started from now on,
// and remembers it for the event clock.
func (b *bench) stretch(T time.Duration) {
	b.progress.Set(T)
	b.stretchNow.Store(int64(T))
}

var (
	eventMember    = regexp.MustCompile(`(?s)<member>.*?</member>`)
	eventFinished  = regexp.MustCompile(`<ResourceStatus>[A-Z_]*(COMPLETE|FAILED)</ResourceStatus>`)
	eventTimestamp = regexp.MustCompile(`<Timestamp>([^<]+)</Timestamp>`)
)

// eventClock plays CloudFormation's clock on a stretched operation: an event
// is stamped when it happens. moto finishes at once and stamps every event
// then, so the final events the proxy reveals at T carry times from before
// T. sam deploy reads events newest first and stops at the first one not
// newer than the last it showed (samcli/lib/deploy/deployer.py,
// describe_stack_events), so with moto's stamps it never sees the end and
// waits forever. Final events of the stretched operation are stamped at T.
// deployer and aws-cli do not order by timestamp, so their figures do not
// change.
func (b *bench) eventClock() testenv.Hook {
	return testenv.Rewrite("DescribeStackEvents", func(body []byte) []byte {
		at := b.progress.TerminalAt()
		T := time.Duration(b.stretchNow.Load())
		if at.IsZero() || T == 0 || time.Now().Before(at) {
			return body
		}
		started := at.Add(-T)
		return eventMember.ReplaceAllFunc(body, func(m []byte) []byte {
			ts := eventTimestamp.FindSubmatch(m)
			if ts == nil || !eventFinished.Match(m) {
				return m
			}
			when, err := time.Parse(time.RFC3339Nano, string(ts[1]))
			if err != nil || when.Before(started.Add(-time.Second)) || !when.Before(at) {
				return m
			}
			stamp := "<Timestamp>" + at.UTC().Format("2006-01-02T15:04:05.000Z") + "</Timestamp>"
			return eventTimestamp.ReplaceAll(m, []byte(stamp))
		})
	})
}
