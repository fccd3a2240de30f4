// Package stackset hands a targets file to CloudFormation StackSets: it
// creates or updates a StackSet in the account it acts in, then creates,
// updates and removes stack instances wave by wave so that they match the
// file, follows every operation to its end, and returns one row per stack
// instance. It prints nothing; progress goes to the logger it is given.
package stackset

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// API is the part of CloudFormation this package calls; *cloudformation.Client
// satisfies it.
type API interface {
	DescribeStackSet(ctx context.Context, in *cloudformation.DescribeStackSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackSetOutput, error)
	CreateStackSet(ctx context.Context, in *cloudformation.CreateStackSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.CreateStackSetOutput, error)
	UpdateStackSet(ctx context.Context, in *cloudformation.UpdateStackSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.UpdateStackSetOutput, error)
	DeleteStackSet(ctx context.Context, in *cloudformation.DeleteStackSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DeleteStackSetOutput, error)
	CreateStackInstances(ctx context.Context, in *cloudformation.CreateStackInstancesInput, optFns ...func(*cloudformation.Options)) (*cloudformation.CreateStackInstancesOutput, error)
	UpdateStackInstances(ctx context.Context, in *cloudformation.UpdateStackInstancesInput, optFns ...func(*cloudformation.Options)) (*cloudformation.UpdateStackInstancesOutput, error)
	DeleteStackInstances(ctx context.Context, in *cloudformation.DeleteStackInstancesInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DeleteStackInstancesOutput, error)
	ListStackInstances(ctx context.Context, in *cloudformation.ListStackInstancesInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListStackInstancesOutput, error)
	DescribeStackInstance(ctx context.Context, in *cloudformation.DescribeStackInstanceInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackInstanceOutput, error)
	DescribeStackSetOperation(ctx context.Context, in *cloudformation.DescribeStackSetOperationInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackSetOperationOutput, error)
	ListStackSetOperations(ctx context.Context, in *cloudformation.ListStackSetOperationsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListStackSetOperationsOutput, error)
	ListStackSetOperationResults(ctx context.Context, in *cloudformation.ListStackSetOperationResultsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListStackSetOperationResultsOutput, error)
}
