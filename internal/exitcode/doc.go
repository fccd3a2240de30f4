package exitcode

// Meaning is one documented exit code.
type Meaning struct {
	Code string // "0", "128+n", "child's code"
	Text string
}

// Meanings documents every exit code, in the order the reference lists
// them; the reference pages are generated from this table.
var Meanings = []Meaning{
	{"0", "success (also: help was asked for)"},
	{"1", "the operation failed"},
	{"2", "bad input (flag, environment variable, file), found before any AWS call; nothing was touched"},
	{"3", "access or credential problem: no source credentials, AssumeRole denied, expired token, or an AccessDenied from any AWS call"},
	{"4", "gave up waiting (client-side timeout); the remote operation still runs"},
	{"5", "refused by a safety guard"},
	{"6", "changes need approval under `--require-approval` (cdk deploy); nothing was executed"},
	{"128+n", "interrupted by signal n (130 for SIGINT, 143 for SIGTERM)"},
	{"child's code", "`exec` passes its command's exit code through unchanged"},
}
