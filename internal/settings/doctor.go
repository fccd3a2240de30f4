package settings

import "github.com/deployer-dev/deployer/internal/doctor"

// Doctor is a resolved "deployer doctor" apart from its credentials: what
// to check in the target.
type Doctor struct {
	Setup    doctor.Setup // the roles, buckets and key to check
	StackSet bool         // also the StackSet roles' trust
	// DelegatedAdmin: --call-as DELEGATED_ADMIN, so the source account
	// must be the organisation's delegated administrator for StackSets.
	DelegatedAdmin bool
	CDKApp         string // --app given: the CDK bootstrap checks of its environments
}

// DoctorGroup declares what "deployer doctor" checks: the shared settings
// naming the roles, buckets and key the other commands use, and its own
// switch for the StackSet roles.
func DoctorGroup(s *Set, d *Doctor) {
	var callAs string
	CfnRoleARN.Bind(s, &d.Setup.CfnRoleARN)
	ArtifactBucket.Bind(s, &d.Setup.ArtifactBucket)
	KMSKeyID.Bind(s, &d.Setup.KMSKeyID)
	ArtifactCredentials.Bind(s, &d.Setup.ArtifactUploader)
	BackendBucket.Bind(s, &d.Setup.BackendBucket)
	// --stack-set names a StackSet elsewhere; here it was a switch.
	s.Bool(Decl{Flag: "stack-set-roles", OldFlag: "stack-set", Env: "DEPLOYER_DOCTOR_STACK_SET",
		Help: "also check the StackSet administration and execution roles' trust"}, &d.StackSet)
	CallAs.Bind(s, &callAs)
	CDKApp.Bind(s, &d.CDKApp)
	s.After(func() error {
		d.DelegatedAdmin = callAs == "DELEGATED_ADMIN"
		if from := s.From("app"); from == "" || from == "default" {
			d.CDKApp = "" // the CDK checks only when an assembly is named
		}
		return nil
	})
}
