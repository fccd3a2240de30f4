# deployer kit, target account, as a Terraform module: the same roles as
# buildspec/iam/target-account.yaml. Apply it as an administrator of each
# target account.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "cicd_account_id" {
  type        = string
  description = "FILL IN: the CI/CD account id."
}

variable "codebuild_role_name" {
  type    = string
  default = "deployer-codebuild"
}

variable "deploy_role_name" {
  type    = string
  default = "deployer-target"
}

variable "execution_role_name" {
  type    = string
  default = "deployer-cfn-exec"
}

variable "external_id" {
  type    = string
  default = ""
}

variable "stack_name_prefix" {
  type        = string
  default     = "app"
  description = "The deploy role may change stacks named <prefix>-<anything>."
}

variable "execution_role_permissions_boundary" {
  type        = string
  default     = ""
  description = "Optional ARN of a managed policy set as the execution role's permissions boundary."
}

variable "create_stackset_execution_role" {
  type        = bool
  default     = false
  description = "Add AWSCloudFormationStackSetExecutionRole, trusted by the CI/CD account as AWS documents."
}

variable "artifact_bucket_name" {
  type        = string
  description = "FILL IN: output artifact_bucket_name of the cicd-account module."
}

variable "artifact_key_arn" {
  type        = string
  description = "FILL IN: output artifact_key_arn of the cicd-account module."
}

variable "state_bucket_name" {
  type        = string
  description = "FILL IN: output state_bucket_name of the cicd-account module."
}

variable "execution_policy_arn" {
  type        = string
  default     = "arn:aws:iam::aws:policy/PowerUserAccess"
  description = "FILL IN: what the stacks may create; narrow it to your resources."
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  partition = data.aws_partition.current.partition
  exec_arn  = "arn:${local.partition}:iam::${local.account}:role/${var.execution_role_name}"
}

resource "aws_iam_role" "deploy" {
  name                 = var.deploy_role_name
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [merge(
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${var.cicd_account_id}:role/${var.codebuild_role_name}" }
        Action    = ["sts:AssumeRole", "sts:TagSession"]
      },
      var.external_id == "" ? {} : { Condition = { StringEquals = { "sts:ExternalId" = var.external_id } } },
    )]
  })
}

resource "aws_iam_role_policy" "deploy" {
  name = "deployer-deploy"
  role = aws_iam_role.deploy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ChangeSetsOnTheNamedStacks"
        Effect = "Allow"
        Action = [
          "cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet",
          "cloudformation:DeleteChangeSet", "cloudformation:ListChangeSets", "cloudformation:DescribeStacks",
          "cloudformation:DescribeStackEvents", "cloudformation:DeleteStack", "cloudformation:CancelUpdateStack",
          "cloudformation:SetStackPolicy", "cloudformation:UpdateTerminationProtection",
        ]
        Resource = "arn:${local.partition}:cloudformation:*:${local.account}:stack/${var.stack_name_prefix}-*/*"
      },
      {
        Sid      = "TemplateSummaryHasNoResource"
        Effect   = "Allow"
        Action   = ["cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"]
        Resource = "*"
      },
      {
        Sid       = "PassOnlyTheExecutionRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.exec_arn
        Condition = { StringEquals = { "iam:PassedToService" = "cloudformation.amazonaws.com" } }
      },
      {
        Sid      = "DoctorReadsTheRoles"
        Effect   = "Allow"
        Action   = "iam:GetRole"
        Resource = [local.exec_arn, aws_iam_role.deploy.arn]
      },
      {
        Sid      = "LocateTheBuckets"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:GetEncryptionConfiguration"]
        Resource = "arn:${local.partition}:s3:::${var.artifact_bucket_name}"
      },
      {
        Sid    = "ListThisAccountsPrefix"
        Effect = "Allow"
        Action = "s3:ListBucket"
        Resource = [
          "arn:${local.partition}:s3:::${var.artifact_bucket_name}",
          "arn:${local.partition}:s3:::${var.state_bucket_name}",
        ]
        Condition = { StringLike = { "s3:prefix" = "${local.account}/*" } }
      },
      {
        Sid      = "ArtifactsOfThisAccount"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
        Resource = "arn:${local.partition}:s3:::${var.artifact_bucket_name}/${local.account}/*"
      },
      {
        Sid       = "ArtifactKeyThroughS3"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = var.artifact_key_arn
        Condition = { StringLike = { "kms:ViaService" = "s3.*.amazonaws.com" } }
      },
      {
        Sid      = "TerraformStateOfThisAccount"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "arn:${local.partition}:s3:::${var.state_bucket_name}/${local.account}/*"
      },
    ]
  })
}

resource "aws_iam_role" "execution" {
  name                 = var.execution_role_name
  permissions_boundary = var.execution_role_permissions_boundary == "" ? null : var.execution_role_permissions_boundary
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = ["cloudformation.amazonaws.com"] }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = var.execution_policy_arn
}

# What CloudFormation reads for this account's stacks: nested templates and
# Lambda code under this account's prefix, decrypted through S3.
resource "aws_iam_role_policy" "execution_reads_artifacts" {
  name = "deployer-read-artifacts"
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ArtifactsOfThisAccount"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "arn:${local.partition}:s3:::${var.artifact_bucket_name}/${local.account}/*"
      },
      {
        Sid       = "ArtifactKeyThroughS3"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = var.artifact_key_arn
        Condition = { StringLike = { "kms:ViaService" = "s3.*.amazonaws.com" } }
      },
    ]
  })
}

# Self-managed StackSets execution role, named and trusted as AWS documents.
resource "aws_iam_role" "stackset_execution" {
  count = var.create_stackset_execution_role ? 1 : 0
  name  = "AWSCloudFormationStackSetExecutionRole"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:${local.partition}:iam::${var.cicd_account_id}:root" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "stackset_execution" {
  count      = var.create_stackset_execution_role ? 1 : 0
  role       = aws_iam_role.stackset_execution[0].name
  policy_arn = var.execution_policy_arn
}

output "deploy_role_arn" {
  value = aws_iam_role.deploy.arn
}

output "execution_role_arn" {
  value = aws_iam_role.execution.arn
}
