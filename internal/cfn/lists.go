package cfn

import (
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// mergeTags applies --tag over a template configuration's tags.
func mergeTags(config, flags map[string]string) []types.Tag {
	all := map[string]string{}
	for k, v := range config {
		all[k] = v
	}
	for k, v := range flags {
		all[k] = v
	}
	if len(all) == 0 {
		// Nil, not empty: the SDK sends an empty list as "Tags=", which
		// CloudFormation reads as "remove every tag"; no Tags at all leaves
		// the tags of a stack another tool made as they are.
		return nil
	}
	return TagList(all)
}

// TagList turns key/value pairs into CloudFormation tags, in key order.
func TagList(m map[string]string) []types.Tag {
	tags := make([]types.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return tags
}

// ParameterList turns key/value pairs into CloudFormation parameters, in key
// order.
func ParameterList(m map[string]string) []types.Parameter {
	params := make([]types.Parameter, 0, len(m))
	for _, k := range sortedKeys(m) {
		params = append(params, types.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(m[k])})
	}
	return params
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
