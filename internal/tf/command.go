package tf

// SourceProfile is the profile name the backend uses with
// --backend-credentials source; it exists only in the run's temporary
// shared config file.
const SourceProfile = "deployer-source"

// Backend holds the init settings. No credential is ever passed as a
// -backend-config value: terraform stores those in .terraform/ and plans.
type Backend struct {
	Bucket, Key, Region string
	Config              []string // K=V, passed through
	SourceCredentials   bool     // use the pipeline's own credentials for state
}

// common are the flags every state-touching command gets.
func common(color bool) []string {
	args := []string{"-input=false"}
	if !color {
		args = append(args, "-no-color")
	}
	return args
}

// InitArgs builds "terraform init".
func InitArgs(b Backend, color bool, extra []string) []string {
	args := append([]string{"init"}, common(color)...)
	for _, kv := range [][2]string{{"bucket", b.Bucket}, {"key", b.Key}, {"region", b.Region}} {
		if kv[1] != "" {
			args = append(args, "-backend-config="+kv[0]+"="+kv[1])
		}
	}
	if b.SourceCredentials {
		args = append(args, "-backend-config=profile="+SourceProfile)
	}
	for _, kv := range b.Config {
		args = append(args, "-backend-config="+kv)
	}
	return append(args, extra...)
}

// PlanArgs builds "terraform plan -out=FILE", -destroy for a destroy plan.
func PlanArgs(planFile string, destroy, detailed, color bool, extra []string) []string {
	args := append([]string{"plan"}, common(color)...)
	args = append(args, "-out="+planFile)
	if destroy {
		args = append(args, "-destroy")
	}
	if detailed {
		args = append(args, "-detailed-exitcode")
	}
	return append(args, extra...)
}

// ApplyArgs builds "terraform apply FILE": a saved plan needs no approval.
func ApplyArgs(planFile string, color bool, extra []string) []string {
	args := append([]string{"apply"}, common(color)...)
	args = append(args, extra...)
	return append(args, planFile)
}

// ShowArgs builds "terraform show -json FILE".
func ShowArgs(planFile string) []string { return []string{"show", "-json", "-no-color", planFile} }

// OutputArgs builds "terraform output -json".
func OutputArgs() []string { return []string{"output", "-json", "-no-color"} }
