package settings

import (
	"fmt"
	"strconv"
)

// The cdk group: which cloud assembly, which of its stacks, and how they go
// out. Named as the CDK CLI names them; the stack's parameters, tags,
// notification ARNs, execution role, outputs and --force are the change set,
// target and outputs groups' own settings.
var (
	CDKApp = str("cdk", Decl{Flag: "app", Env: "DEPLOYER_CDK_APP", Default: "cdk.out", Value: "DIR",
		Help: "cloud assembly directory written by cdk synth (deployer never runs an app)"}, nil)
	CDKAll = boolean("cdk", Decl{Flag: "all", Env: "DEPLOYER_CDK_ALL",
		Help: "every top-level stack (stacks of nested stages need a pattern such as 'Prod/*')"})
	CDKExclusively = boolean("cdk", Decl{Flag: "exclusively", Env: "DEPLOYER_CDK_EXCLUSIVELY",
		Help: "only the named stacks, not the stacks they depend on"})
	CDKConcurrency = str("cdk", Decl{Flag: "concurrency", Env: "DEPLOYER_CDK_CONCURRENCY", Default: "1", Value: "N",
		Help: "stacks deployed at once, each still after the stacks it depends on"}, count)
	CDKAssetParallelism = str("cdk", Decl{Flag: "asset-parallelism", Env: "DEPLOYER_CDK_ASSET_PARALLELISM", Default: "8", Value: "N",
		Help: "assets checked and published at once"}, count)
	CDKRequireApproval = str("cdk", Decl{Flag: "require-approval", Env: "DEPLOYER_CDK_REQUIRE_APPROVAL", Default: "broadening", Value: "LEVEL",
		Help: "never, any-change or broadening (IAM, resource policies, security groups): a change set that needs approval is deleted unexecuted, its changes listed, exit 6"},
		oneOf("never", "any-change", "broadening"))
)

// CDK is the resolved cdk group.
type CDK struct {
	App                           string
	All, Exclusively              bool
	Concurrency, AssetParallelism int
	RequireApproval               string
}

// CDKGroup declares the assembly and selection settings; deploy adds what
// only a deploy takes (concurrency of stacks, approval).
func CDKGroup(s *Set, c *CDK, deploy bool) {
	CDKApp.Bind(s, &c.App)
	CDKAll.Bind(s, &c.All)
	CDKExclusively.Bind(s, &c.Exclusively)
	CDKAssetParallelism.Apply(s, func(v string) (err error) { c.AssetParallelism, err = strconv.Atoi(v); return err })
	if deploy {
		CDKConcurrency.Apply(s, func(v string) (err error) { c.Concurrency, err = strconv.Atoi(v); return err })
		CDKRequireApproval.Bind(s, &c.RequireApproval)
	}
}

func count(v string) error {
	if n, err := strconv.Atoi(v); err != nil || n < 1 {
		return fmt.Errorf("%q is not a count (expected a whole number above 0)", v)
	}
	return nil
}
