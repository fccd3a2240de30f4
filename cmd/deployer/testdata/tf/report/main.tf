terraform {
  backend "s3" {}
}

variable "stage" {
  type    = number
  default = 1
}

variable "token" {
  type      = string
  default   = "tf-sensitive-0"
  sensitive = true
}

resource "terraform_data" "upd" {
  input = var.stage
}

resource "terraform_data" "secret" {
  input = var.token
}

resource "terraform_data" "repl" {
  triggers_replace = var.stage
}
