package settings

// The StackSet group's settings of their own.
var (
	IfExists = boolean("stackset", Decl{Flag: "if-exists", Env: "DEPLOYER_IF_EXISTS",
		Help: "delete: a StackSet that does not exist is nothing to do (default: exit 1, so a mistyped name does not pass)"})
)

// CallAs is how StackSets are called: SELF, or DELEGATED_ADMIN from a
// delegated administrator account of the organisation. doctor takes it too,
// to check the registration.
var CallAs = str("stackset", Decl{Flag: "call-as", Env: "DEPLOYER_CALL_AS", Default: "SELF", Value: "WHO",
	Help: "SELF, or DELEGATED_ADMIN from a delegated administrator account"}, oneOf("SELF", "DELEGATED_ADMIN"))
