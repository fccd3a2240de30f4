# deployer demo: a configuration that needs no provider download. Its
# provisioner shows which account a process started by terraform acts in.
terraform {
  backend "s3" {}
}

variable "release" {
  type    = string
  default = "1.0.0"
}

resource "terraform_data" "release" {
  input = var.release
  provisioner "local-exec" {
    command = "deployer whoami --log-level error"
  }
}

output "release" {
  value = terraform_data.release.output
}
