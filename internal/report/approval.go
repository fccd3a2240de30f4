package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/deployer-dev/deployer/internal/envfile"
)

// MaxApproval is the longest CustomData a CodePipeline manual-approval
// action takes, in characters.
const MaxApproval = 1000

// Approval is the text a reviewer reads in the approval request: the counts,
// then the attention list, at most max characters (0: MaxApproval). It is
// cut between lines, never inside one, and then says how many items were
// left out.
func Approval(r *Report, max int) string {
	if max <= 0 {
		max = MaxApproval
	}
	tot := r.Totals()
	_, unchanged := r.Groups()
	lines := []string{
		fmt.Sprintf("%s: %s, %d with changes.", oneLine(r.Command), plural(len(r.Targets), "target"), len(r.Targets)-len(unchanged)),
		fmt.Sprintf("add %d, modify %d, replace %d, remove %d, unchanged %d", tot.Add, tot.Modify, tot.Replace, tot.Remove, tot.NoChange),
	}
	items := r.Attention()
	if len(items) == 0 {
		lines = append(lines, "Needs attention: nothing.")
	} else {
		lines = append(lines, fmt.Sprintf("Needs attention (%d):", len(items)))
	}
	text := fitLines(lines, max)
	for i, it := range items {
		line := "- " + attentionLine(it, false)
		more := fmt.Sprintf("... and %d more in the full report", len(items)-i)
		// Room is kept for the "and N more" line unless this is the last
		// item and it fits by itself.
		need := runes(text) + 1 + runes(line)
		if i < len(items)-1 {
			need += 1 + runes(more)
		}
		if need > max {
			if i == len(items)-1 && runes(text)+1+runes(line) <= max {
				text += "\n" + line
				break
			}
			// A long item is shortened to fit rather than dropped whole
			// when it is the first: a reviewer sees at least one.
			room := max - runes(text) - 2 - runes(more)
			if i == 0 && room > 40 {
				text += "\n" + cutRunes(line, room)
				if len(items) > 1 {
					text += "\n" + fmt.Sprintf("... and %d more in the full report", len(items)-1)
				}
				break
			}
			if runes(text)+1+runes(more) <= max {
				text += "\n" + more
			}
			break
		}
		text += "\n" + line
	}
	return text
}

// fitLines joins the head lines, shortening any that would overflow.
func fitLines(lines []string, max int) string {
	text := ""
	for _, l := range lines {
		if text != "" {
			l = "\n" + l
		}
		if runes(text)+runes(l) > max {
			return text + cutRunes(l, max-runes(text))
		}
		text += l
	}
	return text
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// cutRunes shortens s to n characters, the last being "…".
func cutRunes(s string, n int) string {
	if runes(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Vars are the counts as variables a buildspec exports (CodeBuild
// exported-variables) and a later stage gates on.
func Vars(r *Report) []envfile.Var {
	tot := r.Totals()
	items := r.Attention()
	kinds := map[Kind]int{}
	for _, it := range items {
		kinds[it.Kind] += len(it.Targets)
	}
	_, unchanged := r.Groups()
	n := strconv.Itoa
	return []envfile.Var{
		{Name: "DEPLOYER_TARGETS", Value: n(len(r.Targets))},
		{Name: "DEPLOYER_TARGETS_CHANGED", Value: n(len(r.Targets) - len(unchanged) - kinds[KindError])},
		{Name: "DEPLOYER_TARGETS_FAILED", Value: n(kinds[KindError])},
		{Name: "DEPLOYER_ADDITIONS", Value: n(tot.Add)},
		{Name: "DEPLOYER_MODIFICATIONS", Value: n(tot.Modify)},
		{Name: "DEPLOYER_REPLACEMENTS", Value: n(tot.Replace)},
		{Name: "DEPLOYER_REMOVALS", Value: n(tot.Remove)},
		{Name: "DEPLOYER_UNCHANGED", Value: n(tot.NoChange)},
		{Name: "DEPLOYER_ATTENTION", Value: n(len(items))},
		{Name: "DEPLOYER_RETAINED", Value: n(kinds[KindPolicy])},
		{Name: "DEPLOYER_IAM_CHANGES", Value: n(kinds[KindIAM])},
		{Name: "DEPLOYER_SECURITY_CHANGES", Value: n(kinds[KindIAM] + kinds[KindSecurityGroup] + kinds[KindKMS] + kinds[KindBucketPolicy])},
		{Name: "DEPLOYER_HAS_CHANGES", Value: strconv.FormatBool(tot.Changed() > 0 || hasSettings(r))},
	}
}

func hasSettings(r *Report) bool {
	for _, t := range r.Targets {
		if len(t.Settings) > 0 {
			return true
		}
	}
	return false
}

// EnvFile renders Vars as NAME=value lines for "set -a; . FILE".
func EnvFile(r *Report) ([]byte, error) {
	var b strings.Builder
	if err := envfile.Write(&b, envfile.Dotenv, Vars(r)); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
