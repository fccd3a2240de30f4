terraform {
  backend "s3" {}
}

variable "marker" {
  default = "one"
}

# The provisioner proves what a process started by terraform sees: the
# target account through the deployer's endpoint, and no other credentials.
resource "terraform_data" "who" {
  input = var.marker
  provisioner "local-exec" {
    command = "deployer whoami --output json --log-level error > who-${self.input}.json && env | cut -d= -f1 | grep '^AWS_' | sort > env-names.txt"
  }
}

output "marker" {
  value = terraform_data.who.output
}
