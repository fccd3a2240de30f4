package assume

import "testing"

func TestAlreadyTargetMatchesSessionsOfTheRoleOnly(t *testing.T) {
	const role = "arn:aws:iam::222222222222:role/ci/deployer-target"
	cases := []struct {
		caller string
		want   bool
	}{
		{"arn:aws:sts::222222222222:assumed-role/deployer-target/old-build", true},
		{"arn:aws:sts::222222222222:assumed-role/deployer-target-2/s", false},
		{"arn:aws:sts::333333333333:assumed-role/deployer-target/s", false},
		{"arn:aws:iam::222222222222:user/deployer-target", false},
		{"arn:aws-cn:sts::222222222222:assumed-role/deployer-target/s", false},
	}
	for _, c := range cases {
		if got := alreadyTarget(c.caller, role); got != c.want {
			t.Errorf("alreadyTarget(%s) = %v, want %v", c.caller, got, c.want)
		}
	}
}
