terraform {
  backend "s3" {}
}

# Two resources whose ids terraform makes up at creation: a second creation
# shows as new ids, so a test can tell "updated in place" from "made again".
resource "terraform_data" "app" {
  input = "app"
}

resource "terraform_data" "db" {
  input = "db"
}
