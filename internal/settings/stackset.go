package settings

// The StackSet group's settings of their own.
var (
	IfExists = boolean("stackset", Decl{Flag: "if-exists", Env: "DEPLOYER_IF_EXISTS",
		Help: "delete: a StackSet that does not exist is nothing to do (default: exit 1, so a mistyped name does not pass)"})
)
