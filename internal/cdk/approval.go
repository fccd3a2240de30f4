package cdk

import (
	"fmt"
	"strings"

	"github.com/deployer-dev/deployer/internal/cfn"
	"github.com/deployer-dev/deployer/internal/exitcode"
)

// broadeningTypes are the resource types whose addition or change can widen
// who may do what: IAM, resource policies, security groups. cdk's own check
// reads the policy statements; reading the change set's types is stricter
// (a narrowing edit of a policy asks too), never looser.
var broadeningTypes = []string{
	"AWS::IAM::", "AWS::Lambda::Permission", "AWS::EC2::SecurityGroup", "AWS::S3::BucketPolicy",
	"AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::KMS::Key", "AWS::SecretsManager::ResourcePolicy",
	"AWS::Lambda::LayerVersionPermission", "AWS::ECR::Repository",
}

// Approver returns the --require-approval check: it refuses (exit 6, the
// change set deleted, nothing executed) a change set with a change that
// needs a person's approval at level.
func Approver(level string) func(stack string, changes []cfn.Change) error {
	return func(stack string, changes []cfn.Change) error {
		var need []string
		for _, c := range changes {
			if level == "any-change" || broadening(c) {
				need = append(need, fmt.Sprintf("%s %s (%s)", c.Action, c.LogicalID, c.Type))
			}
		}
		if len(need) == 0 {
			return nil
		}
		return exitcode.Approval(fmt.Errorf("stack %s: %d changes need approval under --require-approval %s: %s; nothing was executed (review them with deployer cdk diff, then deploy with --require-approval never)",
			stack, len(need), level, strings.Join(need, ", ")))
	}
}

func broadening(c cfn.Change) bool {
	if c.Action == "Remove" {
		return false
	}
	for _, t := range broadeningTypes {
		if strings.HasPrefix(c.Type, t) {
			return true
		}
	}
	return false
}
