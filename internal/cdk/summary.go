package cdk

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// templateSummary reads what the deploy needs from GetTemplateSummary out
// of a synthesized template itself: its parameters (type, default, NoEcho,
// description) and resource types. The CDK writes plain JSON and a stack is
// always deployed with all three capabilities, so the summary's
// capabilities never refuse anything and are left out. A no-op then sends
// only the reads that can show a change, and a template over the inline
// limit need not wait for its upload to be summarised. nil, and the call is
// made, for anything this reading could get wrong: a template that is not
// one JSON object, declares a transform (CloudFormation expands it into
// parameters and resources), or a parameter whose default or NoEcho is not
// a plain string, number or boolean.
func templateSummary(body []byte) *cloudformation.GetTemplateSummaryOutput {
	var t struct {
		Transform  json.RawMessage `json:"Transform"`
		Parameters map[string]struct {
			Type        string          `json:"Type"`
			Default     json.RawMessage `json:"Default"`
			NoEcho      json.RawMessage `json:"NoEcho"`
			Description string          `json:"Description"`
		} `json:"Parameters"`
		Resources map[string]struct {
			Type string `json:"Type"`
		} `json:"Resources"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&t); err != nil || t.Transform != nil || dec.More() || bytes.Contains(body, []byte(`"Fn::Transform"`)) {
		return nil
	}
	out := &cloudformation.GetTemplateSummaryOutput{}
	keys := make([]string, 0, len(t.Parameters))
	for k := range t.Parameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := t.Parameters[k]
		d := types.ParameterDeclaration{ParameterKey: aws.String(k), ParameterType: aws.String(p.Type)}
		if p.Description != "" {
			d.Description = aws.String(p.Description)
		}
		if p.Default != nil {
			v, ok := scalar(p.Default)
			if !ok {
				return nil
			}
			d.DefaultValue = aws.String(v)
		}
		noEcho := "false"
		if p.NoEcho != nil {
			var ok bool
			if noEcho, ok = scalar(p.NoEcho); !ok || (noEcho != "true" && noEcho != "false") {
				return nil
			}
		}
		d.NoEcho = aws.Bool(noEcho == "true")
		out.Parameters = append(out.Parameters, d)
	}
	seen := map[string]bool{}
	for _, r := range t.Resources {
		if r.Type != "" && !seen[r.Type] {
			seen[r.Type] = true
			out.ResourceTypes = append(out.ResourceTypes, r.Type)
		}
	}
	sort.Strings(out.ResourceTypes)
	return out
}

// scalar is a JSON string, number or boolean as CloudFormation reads it: a
// string's value, a number's or boolean's literal.
func scalar(raw json.RawMessage) (string, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}
