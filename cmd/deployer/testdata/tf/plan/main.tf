terraform {
  backend "s3" {}
}

variable "stage" {
  type    = number
  default = 1
}

resource "terraform_data" "keep" {}

resource "terraform_data" "upd" {
  input = var.stage
}

resource "terraform_data" "repl" {
  triggers_replace = var.stage
}

resource "terraform_data" "gone" {
  count = var.stage == 1 ? 1 : 0
}

resource "terraform_data" "new" {
  count = var.stage == 2 ? 1 : 0
}
