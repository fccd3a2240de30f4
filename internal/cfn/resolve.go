package cfn

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/exitcode"
)

// resolveParameters matches the given values against what the template
// declares. Unknown keys and missing required values are bad input (exit 2),
// found before any change set exists. On update, declared parameters not
// given keep the stack's previous value.
func resolveParameters(declared []types.ParameterDeclaration, given map[string]string, existing []types.Parameter, update bool) ([]types.Parameter, error) {
	decl := make(map[string]types.ParameterDeclaration, len(declared))
	names := make([]string, 0, len(declared))
	for _, d := range declared {
		k := aws.ToString(d.ParameterKey)
		decl[k] = d
		names = append(names, k)
	}
	sort.Strings(names)
	var unknown []string
	for k := range given {
		if _, ok := decl[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, exitcode.Usagef("parameter %s is not declared by the template (declared: %s)",
			strings.Join(unknown, ", "), orNone(names))
	}
	had := map[string]bool{}
	for _, p := range existing {
		had[aws.ToString(p.ParameterKey)] = true
	}
	var params []types.Parameter
	var missing []string
	for _, k := range names {
		if v, ok := given[k]; ok {
			params = append(params, types.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)})
			continue
		}
		switch {
		case update && had[k]:
			params = append(params, types.Parameter{ParameterKey: aws.String(k), UsePreviousValue: aws.Bool(true)})
		case decl[k].DefaultValue == nil:
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, exitcode.Usagef("parameter %s has no value and no default (expected --parameter %s=VALUE or a parameters file)",
			strings.Join(missing, ", "), missing[0])
	}
	return params, nil
}

// checkCapabilities refuses, before any change set, a template that needs
// capabilities the user did not acknowledge.
func checkCapabilities(needed []types.Capability, reason string, given []string) error {
	have := map[string]bool{}
	for _, g := range given {
		have[g] = true
	}
	var lacking []string
	for _, c := range needed {
		if !have[string(c)] && !(c == types.CapabilityCapabilityIam && have["CAPABILITY_NAMED_IAM"]) {
			lacking = append(lacking, string(c))
		}
	}
	if len(lacking) == 0 {
		return nil
	}
	msg := fmt.Sprintf("the template needs --capabilities %s", strings.Join(lacking, ","))
	if reason != "" {
		msg += " (" + reason + ")"
	}
	return exitcode.Usagef("%s", msg)
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
