package cfn

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// A NoEcho value never reaches a change's details: not where its parameter
// is the cause, not copied into another string, even when the emulator (or
// a Sub) shows it in clear.
func TestMaskNoEcho(t *testing.T) {
	const secret = "hunter2-noecho"
	changes := []Change{{LogicalID: "Fn", Details: []Detail{
		{Path: "/Properties/Environment/Variables/TOKEN", Source: "ParameterReference", Cause: "ApiToken", Before: aws.String("old"), After: aws.String(secret)},
		{Path: "/Properties/Environment/Variables/URL", Source: "DirectModification", Before: aws.String("x"), After: aws.String("https://u:" + secret + "@h")},
		{Path: "/Properties/MemorySize", Source: "DirectModification", Before: aws.String("128"), After: aws.String("256")},
	}}}
	decls := []types.ParameterDeclaration{{ParameterKey: aws.String("ApiToken"), NoEcho: aws.Bool(true)}, {ParameterKey: aws.String("Size")}}
	params := []types.Parameter{{ParameterKey: aws.String("ApiToken"), ParameterValue: aws.String(secret)}, {ParameterKey: aws.String("Size"), ParameterValue: aws.String("256")}}
	maskNoEcho(changes, decls, params)
	for _, d := range changes[0].Details[:2] {
		if aws.ToString(d.Before) != Masked || aws.ToString(d.After) != Masked {
			t.Errorf("%s: %q -> %q, want both masked", d.Path, aws.ToString(d.Before), aws.ToString(d.After))
		}
	}
	if d := changes[0].Details[2]; aws.ToString(d.After) != "256" {
		t.Errorf("%s: %q, want 256 (a plain parameter stays readable)", d.Path, aws.ToString(d.After))
	}
}
