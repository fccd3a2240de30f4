package doctor

import (
	"net/url"
	"testing"
)

func TestPolicyAllows(t *testing.T) {
	role := who{ARN: "arn:aws:iam::222222222222:role/deployer-target", Account: "222222222222"}
	cases := []struct {
		name, doc string
		w         who
		action    string
		want      bool
	}{
		{"exact role", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/deployer-target"},"Action":"s3:GetObject"}]}`, role, "s3:GetObject", true},
		{"account id with role condition", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["222222222222"]},"Action":["kms:Decrypt"],"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deployer-target"}}}]}`, role, "kms:Decrypt", true},
		{"condition names another role", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"kms:*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/other"}}}]}`, role, "kms:Decrypt", false},
		{"account root", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"s3:*"}}`, role, "s3:PutObject", true},
		{"another account", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"s3:*"}]}`, role, "s3:GetObject", false},
		{"deny only", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"}]}`, role, "s3:GetObject", false},
		{"wrong action", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket"}]}`, role, "s3:GetObject", false},
		{"service principal", `{"Statement":[{"Effect":"Allow","Principal":{"Service":["cloudformation.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`, who{Service: "cloudformation.amazonaws.com"}, "sts:AssumeRole", true},
		{"service not trusted", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, who{Service: "cloudformation.amazonaws.com"}, "sts:AssumeRole", false},
	}
	for _, c := range cases {
		for _, doc := range []string{c.doc, url.QueryEscape(c.doc)} {
			p, err := parsePolicy(doc)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := p.allows(c.w, c.action); got != c.want {
				t.Errorf("%s: allows = %v, want %v", c.name, got, c.want)
			}
		}
	}
}
