package cfn

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Detail is one property change of a resource, as DescribeChangeSet reports
// it with IncludePropertyValues.
type Detail struct {
	Attribute  string // Properties, Metadata, Tags, ...
	Name       string // the property's top-level name
	Path       string // JSON pointer of the property, e.g. /Properties/PolicyDocument
	ChangeType string // Add, Remove, Modify (AttributeChangeType)
	Before     *string
	After      *string
	Recreation string // Never, Conditionally, Always
	Source     string // ResourceReference, ParameterReference, DirectModification, ...
	Cause      string // the causing entity: a parameter or resource name
	Evaluation string // Static or Dynamic
}

// Masked is how CloudFormation shows a value it will not reveal (NoEcho
// parameters and what they flow into); values we mask look the same.
const Masked = "****"

// describeInput asks for property values: without IncludePropertyValues
// DescribeChangeSet leaves BeforeValue and AfterValue out. The flag is a
// DescribeChangeSet parameter; CreateChangeSet has none.
func describeInput(id, next *string) *cloudformation.DescribeChangeSetInput {
	return &cloudformation.DescribeChangeSetInput{ChangeSetName: id, NextToken: next, IncludePropertyValues: aws.Bool(true)}
}

func details(in []types.ResourceChangeDetail) []Detail {
	var out []Detail
	for _, d := range in {
		t := d.Target
		if t == nil {
			continue
		}
		out = append(out, Detail{
			Attribute:  string(t.Attribute),
			Name:       aws.ToString(t.Name),
			Path:       aws.ToString(t.Path),
			ChangeType: string(t.AttributeChangeType),
			Before:     t.BeforeValue,
			After:      t.AfterValue,
			Recreation: string(t.RequiresRecreation),
			Source:     string(d.ChangeSource),
			Cause:      aws.ToString(d.CausingEntity),
			Evaluation: string(d.Evaluation),
		})
	}
	return out
}

// maskNoEcho hides what NoEcho parameters put into property values:
// CloudFormation masks them itself, but an emulator or a value copied into
// another string (a Sub) would otherwise carry the secret into the report.
// A value that a NoEcho parameter causes, or that contains a NoEcho value,
// is masked whole.
func maskNoEcho(changes []Change, decls []types.ParameterDeclaration, params []types.Parameter) {
	noEcho := map[string]bool{}
	for _, d := range decls {
		if aws.ToBool(d.NoEcho) {
			noEcho[aws.ToString(d.ParameterKey)] = true
		}
	}
	if len(noEcho) == 0 {
		return
	}
	var secrets []string
	for _, p := range params {
		if v := aws.ToString(p.ParameterValue); noEcho[aws.ToString(p.ParameterKey)] && v != "" {
			secrets = append(secrets, v)
		}
	}
	hides := func(v *string) bool {
		for _, s := range secrets {
			if v != nil && strings.Contains(*v, s) {
				return true
			}
		}
		return false
	}
	for i := range changes {
		for j := range changes[i].Details {
			d := &changes[i].Details[j]
			byParam := d.Source == string(types.ChangeSourceParameterReference) && noEcho[d.Cause]
			if byParam || hides(d.Before) || hides(d.After) {
				d.Before, d.After = maskValue(d.Before), maskValue(d.After)
			}
		}
	}
}

func maskValue(v *string) *string {
	if v == nil {
		return nil
	}
	return aws.String(Masked)
}

// Setting is a stack setting a deploy changes once the change set ran.
type Setting struct {
	Name, Before, After string
}

// pendingSettings are what finish will change: termination protection turned
// on, a stack policy set. The policy in place is not read (that would need
// GetStackPolicy and its permission), so its before value is unknown.
func pendingSettings(o DeployOptions, st *types.Stack, create bool) []Setting {
	var out []Setting
	if o.TermProtection && (create || st == nil || !aws.ToBool(st.EnableTerminationProtection)) {
		out = append(out, Setting{Name: "termination protection", Before: "off", After: "on"})
	}
	if o.Inputs.StackPolicy != "" {
		out = append(out, Setting{Name: "stack policy", Before: "(not read)", After: "set from the configuration"})
	}
	return out
}
