# deployer kit, CI/CD account, as a Terraform module: the same resources as
# buildspec/iam/cicd-account.yaml.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "target_account_ids" {
  type        = list(string)
  description = "FILL IN: account ids the pipeline deploys into."
}

variable "target_deploy_role_name" {
  type    = string
  default = "deployer-target"
}

variable "target_execution_role_name" {
  type        = string
  default     = "deployer-cfn-exec"
  description = "CloudFormation execution role in every target account; it reads nested templates and Lambda code."
}

variable "create_stackset_administration_role" {
  type        = bool
  default     = false
  description = "Add AWSCloudFormationStackSetAdministrationRole (self-managed StackSets, as AWS documents it)."
}

variable "codebuild_role_name" {
  type    = string
  default = "deployer-codebuild"
}

variable "artifact_bucket_name" {
  type        = string
  description = "FILL IN: globally unique artifact bucket name."
}

variable "state_bucket_name" {
  type        = string
  description = "FILL IN: globally unique Terraform state bucket name."
}

variable "state_lock_table_name" {
  type    = string
  default = "deployer-tf-locks"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account        = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
  deploy_role_re = "arn:${local.partition}:iam::*:role/${var.target_deploy_role_name}"
  exec_role_re   = "arn:${local.partition}:iam::*:role/${var.target_execution_role_name}"
  via_s3         = "s3.${data.aws_region.current.name}.amazonaws.com"
  # The IAM policy variable, escaped from Terraform's interpolation: every
  # target reaches only <its-account-id>/... in each bucket.
  own_prefix = "$${aws:PrincipalAccount}"
}

resource "aws_kms_key" "artifacts" {
  description         = "deployer artifact key, usable by the target accounts' deploy roles"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdmin"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "TargetDeployRolesUseTheKeyThroughS3"
        Effect    = "Allow"
        Principal = { AWS = var.target_account_ids }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:ViaService" = local.via_s3 }, ArnLike = { "aws:PrincipalArn" = local.deploy_role_re } }
      },
      {
        Sid       = "TargetExecutionRolesDecryptThroughS3"
        Effect    = "Allow"
        Principal = { AWS = var.target_account_ids }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { StringEquals = { "kms:ViaService" = local.via_s3 }, ArnLike = { "aws:PrincipalArn" = local.exec_role_re } }
      },
    ]
  })
}

resource "aws_kms_alias" "artifacts" {
  name          = "alias/deployer-artifacts"
  target_key_id = aws_kms_key.artifacts.key_id
}

resource "aws_s3_bucket" "artifacts" {
  bucket = var.artifact_bucket_name
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.artifacts.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "TargetRolesLocateTheBucket"
        Effect    = "Allow"
        Principal = { AWS = var.target_account_ids }
        Action    = ["s3:GetBucketLocation", "s3:GetEncryptionConfiguration"]
        Resource  = aws_s3_bucket.artifacts.arn
        Condition = { ArnLike = { "aws:PrincipalArn" = local.deploy_role_re } }
      },
      {
        Sid       = "TargetDeployRolesListTheirPrefix"
        Effect    = "Allow"
        Principal = { AWS = var.target_account_ids }
        Action    = "s3:ListBucket"
        Resource  = aws_s3_bucket.artifacts.arn
        Condition = { ArnLike = { "aws:PrincipalArn" = local.deploy_role_re }, StringLike = { "s3:prefix" = "${local.own_prefix}/*" } }
      },
      {
        Sid       = "TargetDeployRolesReadAndUploadTheirPrefix"
        Effect    = "Allow"
        Principal = { AWS = var.target_account_ids }
        Action    = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
        Resource  = "${aws_s3_bucket.artifacts.arn}/${local.own_prefix}/*"
        Condition = { ArnLike = { "aws:PrincipalArn" = local.deploy_role_re } }
      },
      {
        Sid       = "TargetExecutionRolesReadTheirPrefix"
        Effect    = "Allow"
        Principal = { AWS = var.target_account_ids }
        Action    = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource  = "${aws_s3_bucket.artifacts.arn}/${local.own_prefix}/*"
        Condition = { ArnLike = { "aws:PrincipalArn" = local.exec_role_re } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.artifacts.arn, "${aws_s3_bucket.artifacts.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_s3_bucket" "state" {
  bucket = var.state_bucket_name
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.artifacts.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "TargetDeployRolesListTheirPrefix"
        Effect    = "Allow"
        Principal = { AWS = var.target_account_ids }
        Action    = "s3:ListBucket"
        Resource  = aws_s3_bucket.state.arn
        Condition = { ArnLike = { "aws:PrincipalArn" = local.deploy_role_re }, StringLike = { "s3:prefix" = "${local.own_prefix}/*" } }
      },
      {
        Sid       = "TargetDeployRolesUseTheirState"
        Effect    = "Allow"
        Principal = { AWS = var.target_account_ids }
        Action    = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource  = "${aws_s3_bucket.state.arn}/${local.own_prefix}/*"
        Condition = { ArnLike = { "aws:PrincipalArn" = local.deploy_role_re } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_dynamodb_table" "locks" {
  name         = var.state_lock_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
}

resource "aws_iam_role" "codebuild" {
  name = var.codebuild_role_name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["codebuild.amazonaws.com"] }
      Action    = "sts:AssumeRole"
      # Confused-deputy guard: only CodeBuild projects of this account.
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:codebuild:${data.aws_region.current.name}:${local.account}:project/*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "codebuild" {
  name = "deployer-codebuild"
  role = aws_iam_role.codebuild.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AssumeExactlyTheTargetDeployRoles"
        Effect    = "Allow"
        Action    = ["sts:AssumeRole", "sts:TagSession"]
        Resource  = local.deploy_role_re
        Condition = { StringEquals = { "aws:ResourceAccount" = var.target_account_ids } }
      },
      {
        Sid      = "ArtifactBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetEncryptionConfiguration"]
        Resource = aws_s3_bucket.artifacts.arn
      },
      {
        Sid      = "Artifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${aws_s3_bucket.artifacts.arn}/*"
      },
      {
        Sid      = "ArtifactKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
        Resource = aws_kms_key.artifacts.arn
      },
      {
        Sid      = "TerraformStateWithPipelineCredentials"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
      },
      {
        Sid      = "TerraformLocks"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
        Resource = aws_dynamodb_table.locks.arn
      },
      {
        Sid      = "BuildLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:${local.partition}:logs:${data.aws_region.current.name}:${local.account}:log-group:/aws/codebuild/*"
      },
    ]
  })
}

# Self-managed StackSets permissions, named and trusted as AWS documents,
# with the confused-deputy conditions AWS recommends.
resource "aws_iam_role" "stackset_administration" {
  count = var.create_stackset_administration_role ? 1 : 0
  name  = "AWSCloudFormationStackSetAdministrationRole"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudformation.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account }
        StringLike   = { "aws:SourceArn" = "arn:${local.partition}:cloudformation:*:${local.account}:stackset/*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "stackset_administration" {
  count = var.create_stackset_administration_role ? 1 : 0
  name  = "AssumeRole-AWSCloudFormationStackSetExecutionRole"
  role  = aws_iam_role.stackset_administration[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Resource  = "arn:${local.partition}:iam::*:role/AWSCloudFormationStackSetExecutionRole"
      Condition = { StringEquals = { "aws:ResourceAccount" = var.target_account_ids } }
    }]
  })
}

output "artifact_bucket_name" {
  value = aws_s3_bucket.artifacts.bucket
}

output "artifact_key_arn" {
  value = aws_kms_key.artifacts.arn
}

output "state_bucket_name" {
  value = aws_s3_bucket.state.bucket
}

output "codebuild_role_arn" {
  value = aws_iam_role.codebuild.arn
}
