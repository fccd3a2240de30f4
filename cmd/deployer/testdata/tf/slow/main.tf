terraform {
  backend "s3" {}
}

variable "pause" {
  type    = number
  default = 12
}

# Two processes started by terraform, seconds apart, each asking the
# deployer's endpoint for credentials: the refresh test compares them; the
# interrupt test stops the run while the second one sleeps.
resource "terraform_data" "first" {
  provisioner "local-exec" {
    command = "deployer whoami --output json --log-level error > first.json"
  }
}

resource "terraform_data" "second" {
  depends_on = [terraform_data.first]
  provisioner "local-exec" {
    command = "sleep ${var.pause} && deployer whoami --output json --log-level error > second.json"
  }
}
