package report

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Kind is why a change needs attention.
type Kind string

// The kinds, in the order the attention list shows them.
const (
	KindError         Kind = "preview failed"
	KindReplacement   Kind = "replacement"
	KindRemoval       Kind = "removal"
	KindPolicy        Kind = "deletion policy"
	KindIAM           Kind = "iam"
	KindSecurityGroup Kind = "security group"
	KindKMS           Kind = "kms key policy"
	KindBucketPolicy  Kind = "bucket policy"
	KindStackPolicy   Kind = "stack policy"
	KindTermination   Kind = "termination protection"
)

var kindOrder = []Kind{KindError, KindReplacement, KindRemoval, KindPolicy, KindIAM, KindSecurityGroup, KindKMS, KindBucketPolicy, KindStackPolicy, KindTermination}

// Item is one entry of the attention list: a resource (or a target's
// setting) and why, with every target where the same holds.
type Item struct {
	Kind     Kind     `json:"kind"`
	Resource string   `json:"resource,omitempty"`
	Type     string   `json:"type,omitempty"`
	Why      string   `json:"why"`
	Targets  []string `json:"targets"`
}

// Attention lists what a reviewer must look at, most severe kind first;
// the same finding in many targets is one item naming them all.
func (r *Report) Attention() []Item {
	var items []Item
	index := map[string]int{}
	add := func(it Item, target string) {
		key := string(it.Kind) + "\x00" + it.Resource + "\x00" + it.Type + "\x00" + it.Why
		if i, ok := index[key]; ok {
			items[i].Targets = append(items[i].Targets, target)
			return
		}
		it.Targets = []string{target}
		index[key] = len(items)
		items = append(items, it)
	}
	for _, t := range r.Targets {
		label := t.Label()
		if t.Error != "" {
			add(Item{Kind: KindError, Why: t.Error}, label)
		}
		for _, c := range t.Changes {
			for _, it := range changeAttention(c) {
				add(it, label)
			}
		}
		for _, s := range t.Settings {
			kind := KindStackPolicy
			if strings.Contains(s.Name, "termination") {
				kind = KindTermination
			}
			add(Item{Kind: kind, Why: s.Name + " " + s.Before + " -> " + s.After}, label)
		}
	}
	rank := map[Kind]int{}
	for i, k := range kindOrder {
		rank[k] = i
	}
	sort.SliceStable(items, func(i, j int) bool { return rank[items[i].Kind] < rank[items[j].Kind] })
	return items
}

// policyWords says what CloudFormation's PolicyAction does to the resource.
var policyWords = map[string]string{
	"Retain":             "kept in the account, outside the stack (DeletionPolicy Retain)",
	"Snapshot":           "deleted after a snapshot (DeletionPolicy Snapshot)",
	"ReplaceAndRetain":   "the old resource is kept in the account after the replacement (UpdateReplacePolicy Retain)",
	"ReplaceAndSnapshot": "the old resource is snapshotted, then deleted (UpdateReplacePolicy Snapshot)",
}

var (
	iamTypes      = regexp.MustCompile(`^(AWS::IAM::|AWS::SSO::|aws_iam_|aws_ssoadmin_)|^(AWS::Lambda::Permission|AWS::SNS::TopicPolicy|AWS::SQS::QueuePolicy|aws_lambda_permission|aws_sns_topic_policy|aws_sqs_queue_policy)$`)
	sgTypes       = regexp.MustCompile(`^(AWS::EC2::SecurityGroup|aws_security_group|aws_vpc_security_group_(ingress|egress)_rule|aws_default_security_group)`)
	kmsTypes      = regexp.MustCompile(`^(AWS::KMS::Key|AWS::KMS::ReplicaKey|aws_kms_key|aws_kms_key_policy|aws_kms_grant|aws_kms_replica_key)$`)
	bucketTypes   = regexp.MustCompile(`^(AWS::S3::BucketPolicy|aws_s3_bucket_policy|aws_s3_bucket_public_access_block)$`)
	policyPathRE  = regexp.MustCompile(`(?i)polic|ManagedPolicyArns|Principal`)
	keyPolicyPath = regexp.MustCompile(`(?i)^/?(Properties/)?KeyPolicy|^policy`)
)

// changeAttention is what one change adds to the list.
func changeAttention(c Change) []Item {
	var out []Item
	item := func(k Kind, why string) {
		out = append(out, Item{Kind: k, Resource: c.Resource, Type: c.Type, Why: why})
	}
	switch c.Action {
	case Replace:
		why := "replaced"
		if c.Detail != "" {
			why += " (" + c.Detail + ")"
		}
		if paths := recreating(c); paths != "" {
			why += ", forced by " + paths
		}
		item(KindReplacement, why)
	case Remove:
		why := "deleted"
		if c.Policy == "Retain" {
			why = "removed from the stack"
		}
		item(KindRemoval, why)
	}
	if w, ok := policyWords[c.Policy]; ok && (c.Action == Remove || c.Action == Replace) {
		item(KindPolicy, w)
	}
	if c.Action == NoChange {
		return out
	}
	switch {
	case iamTypes.MatchString(c.Type):
		item(KindIAM, securityWhy(c, "IAM resource"))
	case sgTypes.MatchString(c.Type):
		item(KindSecurityGroup, securityWhy(c, "security group"))
	// A key's policy goes with the key; a modified key whose properties
	// are not known may change it too.
	case kmsTypes.MatchString(c.Type) && (c.Action != Modify || len(c.Properties) == 0 || hasPath(c, keyPolicyPath)):
		item(KindKMS, securityWhy(c, "key policy"))
	case bucketTypes.MatchString(c.Type):
		item(KindBucketPolicy, securityWhy(c, "bucket policy"))
	case (c.Action == Modify || c.Action == Replace) && hasPath(c, policyPathRE):
		item(KindIAM, "policy changes: "+paths(c, policyPathRE))
	}
	return out
}

// securityWhy says what happens to a security-relevant resource.
func securityWhy(c Change, what string) string {
	switch c.Action {
	case Add:
		return what + " added"
	case Remove:
		return what + " removed"
	case Replace:
		return what + " replaced"
	}
	if p := paths(c, nil); p != "" {
		return what + " changes: " + p
	}
	return what + " changes"
}

// hasPath reports whether a changed property's path matches re.
func hasPath(c Change, re *regexp.Regexp) bool {
	for _, p := range c.Properties {
		if re.MatchString(strings.TrimPrefix(p.Path, "/Properties/")) {
			return true
		}
	}
	return false
}

// paths lists the changed property paths (those matching re, if given).
func paths(c Change, re *regexp.Regexp) string {
	var ps []string
	seen := map[string]bool{}
	for _, p := range c.Properties {
		path := strings.TrimPrefix(p.Path, "/Properties/")
		if (re == nil || re.MatchString(path)) && !seen[path] {
			seen[path] = true
			ps = append(ps, path)
		}
	}
	if len(ps) > 5 {
		ps = append(ps[:5], fmt.Sprintf("and %d more", len(ps)-5))
	}
	return strings.Join(ps, ", ")
}

// recreating names the properties that force the replacement.
func recreating(c Change) string {
	var ps []string
	for _, p := range c.Properties {
		if p.Recreation == "Always" || p.Recreation == "Conditionally" || p.Recreation == "forces replacement" {
			ps = append(ps, strings.TrimPrefix(p.Path, "/Properties/"))
		}
	}
	return strings.Join(ps, ", ")
}
