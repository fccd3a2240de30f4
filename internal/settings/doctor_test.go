package settings

import "testing"

func TestDoctorGroupChecksCDKOnlyForANamedAssembly(t *testing.T) {
	cases := []struct {
		args      []string
		environ   []string
		app       string
		stackSet  bool
		delegated bool
	}{
		{nil, nil, "", false, false},
		{[]string{"--app", "cdk.out"}, nil, "cdk.out", false, false},
		{nil, []string{"DEPLOYER_CDK_APP=out"}, "out", false, false},
		{[]string{"--stack-set", "--call-as", "DELEGATED_ADMIN"}, nil, "", true, true},
		{[]string{"--stack-set-roles"}, []string{"DEPLOYER_CALL_AS=SELF"}, "", true, false},
	}
	for _, c := range cases {
		var d Doctor
		s := New("doctor", "")
		DoctorGroup(s, &d)
		if err := s.Parse(c.args, c.environ); err != nil {
			t.Fatalf("%v %v: %v", c.args, c.environ, err)
		}
		if d.CDKApp != c.app || d.StackSet != c.stackSet || d.DelegatedAdmin != c.delegated {
			t.Errorf("%v %v: app %q, stack set %v, delegated %v; want %q, %v, %v", c.args, c.environ, d.CDKApp, d.StackSet, d.DelegatedAdmin, c.app, c.stackSet, c.delegated)
		}
	}
	var d Doctor
	s := New("doctor", "")
	DoctorGroup(s, &d)
	if err := s.Parse([]string{"--artifact-bucket", "b", "--backend-bucket", "state", "--cfn-role-arn", "arn:aws:iam::222222222222:role/exec"}, nil); err != nil {
		t.Fatal(err)
	}
	if d.Setup.ArtifactBucket != "b" || d.Setup.BackendBucket != "state" || d.Setup.CfnRoleARN == "" || d.Setup.ArtifactUploader != "source" {
		t.Errorf("setup %+v, want the buckets, the execution role and the source uploading", d.Setup)
	}
}
