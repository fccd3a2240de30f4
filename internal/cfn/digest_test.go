package cfn

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The digest a plan records does not depend on the order CloudFormation
// lists changes in, and does change with any value a reviewer saw.
func TestChangeDigest(t *testing.T) {
	a := Change{Action: "Modify", LogicalID: "Db", Type: "AWS::RDS::DBInstance", Replacement: "False",
		Details: []Detail{{Attribute: "Properties", Path: "/Properties/A", After: aws.String("1")}, {Attribute: "Properties", Path: "/Properties/B", After: aws.String("2")}}}
	b := Change{Action: "Add", LogicalID: "Queue", Type: "AWS::SQS::Queue"}
	swapped := a
	swapped.Details = []Detail{a.Details[1], a.Details[0]}
	if ChangeDigest([]Change{a, b}) != ChangeDigest([]Change{b, swapped}) {
		t.Error("the digest depends on the order of changes")
	}
	edited := a
	edited.Details = []Detail{a.Details[0], {Attribute: "Properties", Path: "/Properties/B", After: aws.String("3")}}
	replaced := a
	replaced.Replacement = "True"
	for name, cs := range map[string][]Change{"another value": {edited, b}, "a replacement": {replaced, b}, "one change less": {a}} {
		if ChangeDigest(cs) == ChangeDigest([]Change{a, b}) {
			t.Errorf("%s: same digest", name)
		}
	}
	if d := ChangeDigest(nil); d != ChangeDigest([]Change{}) || len(d) != len("sha256:")+64 {
		t.Errorf("empty digest %q", d)
	}
}
