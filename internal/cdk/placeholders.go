package cdk

import (
	"strings"
)

// Partition is the AWS partition of a region.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// Placeholders fills ${AWS::AccountId}, ${AWS::Region} and
// ${AWS::Partition} in a manifest value. A plain replace-all: the CLI's own
// check misses a value that starts with a placeholder.
func Placeholders(s string, env Environment) string {
	if !strings.Contains(s, "${AWS::") {
		return s
	}
	return strings.NewReplacer(
		"${AWS::AccountId}", env.Account,
		"${AWS::Region}", env.Region,
		"${AWS::Partition}", Partition(env.Region),
	).Replace(s)
}

// In returns a copy of the stack placed in env: an agnostic stack takes the
// target's account and region, and every role, bucket, key, repository and
// URL of the stack and its assets has its placeholders filled. A concrete
// stack keeps its own environment (the caller refuses a mismatch).
func (s *Stack) In(env Environment) *Stack {
	c := *s
	if c.Environment.Account == "" {
		c.Environment.Account = env.Account
	}
	if c.Environment.Region == "" {
		c.Environment.Region = env.Region
	}
	e := c.Environment
	fill := func(v string) string { return Placeholders(v, e) }
	c.DeployRoleARN = fill(c.DeployRoleARN)
	c.ExecutionRoleARN = fill(c.ExecutionRoleARN)
	c.TemplateObjectURL = fill(c.TemplateObjectURL)
	c.BootstrapParameter = fill(c.BootstrapParameter)
	c.NotificationARNs = fillAll(c.NotificationARNs, fill)
	c.Files = make([]FileAsset, len(s.Files))
	for i, f := range s.Files {
		f.Destinations = append([]FileDestination(nil), f.Destinations...)
		for j := range f.Destinations {
			d := &f.Destinations[j]
			d.Bucket, d.Key, d.RoleARN = fill(d.Bucket), fill(d.Key), fill(d.RoleARN)
			d.Region = or(fill(d.Region), e.Region)
		}
		c.Files[i] = f
	}
	c.Images = make([]ImageAsset, len(s.Images))
	for i, im := range s.Images {
		im.Destinations = append([]ImageDestination(nil), im.Destinations...)
		for j := range im.Destinations {
			d := &im.Destinations[j]
			d.Repository, d.Tag, d.RoleARN = fill(d.Repository), fill(d.Tag), fill(d.RoleARN)
			d.Region = or(fill(d.Region), e.Region)
		}
		c.Images[i] = im
	}
	return &c
}

func fillAll(list []string, fill func(string) string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = fill(v)
	}
	return out
}
