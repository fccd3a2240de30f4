package doctor

import (
	"strings"
	"testing"
)

// The kit's key policy limits each target role to objects under its own
// account's prefix through kms:EncryptionContext:aws:s3:arn; the doctor
// passes it, and warns on the policy without that condition.
func TestKeyLimitedToTheTargetsOwnPrefix(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111111111111:key/k"
	limited := `{"Statement":[{"Sid":"TargetDeployRolesUseTheKeyThroughS3","Effect":"Allow","Principal":{"AWS":["222222222222"]},
		"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*","Condition":{
		"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"},
		"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deployer-target"},
		"StringLike":{"kms:EncryptionContext:aws:s3:arn":["arn:aws:s3:::art/${aws:PrincipalAccount}/*","arn:aws:s3:::state/${aws:PrincipalAccount}/*"]}}}]}`
	open := strings.Replace(limited, `,
		"StringLike":{"kms:EncryptionContext:aws:s3:arn":["arn:aws:s3:::art/${aws:PrincipalAccount}/*","arn:aws:s3:::state/${aws:PrincipalAccount}/*"]}`, "", 1)
	w := who{ARN: "arn:aws:iam::222222222222:role/deployer-target", Account: "222222222222"}
	roles := targetRoles{deploy: w}
	for _, c := range []struct {
		name, doc string
		status    Status
	}{{"limited", limited, Pass}, {"open", open, Warn}} {
		p, err := parsePolicy(c.doc)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := prefixCheck(p, key, []string{"art", "state"}, roles, "us-east-1")
		if got.Status != c.status {
			t.Errorf("%s: %+v, want %s", c.name, got, c.status)
		}
		if c.status == Warn && (!strings.Contains(got.Detail, "art/000000000000/") || !strings.Contains(got.Fix, "${aws:PrincipalAccount}")) {
			t.Errorf("%s: %+v", c.name, got)
		}
		// Its own prefix stays usable.
		if a := keyAdmits(p, "KMS key", key, w, []string{"kms:Decrypt", "kms:GenerateDataKey"}, "us-east-1", ownObject("art")); a.Status != Pass {
			t.Errorf("%s: own prefix: %+v", c.name, a)
		}
	}
	if got := prefixCheck(policy{}, key, []string{"", ""}, roles, "us-east-1"); got.Status != Skip {
		t.Errorf("no bucket: %+v", got)
	}
}
