package docgen

import (
	"path"
	"regexp"
	"strings"
)

// Invocation is one deployer command line found in a fenced code block.
type Invocation struct {
	Line int      // line of the block where the command starts
	Text string   // the command as written, continuations joined
	Env  []string // NAME=value assignments before the command
	Args []string // the words after "deployer"
}

// shellFences are the languages whose blocks hold commands; blocks without
// a language (or text, json...) are output and not read.
var shellFences = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true, "yaml": true, "yml": true}

var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// Invocations finds every deployer command in the shell and YAML blocks of
// a Markdown text: at the start of a line or after ;, &&, |, $( or a YAML
// list's "- ", after any NAME=value assignments, spelled "deployer" or
// ".../deployer". Continuation lines are joined and # comments dropped.
func Invocations(md string) []Invocation {
	var out []Invocation
	lines := strings.Split(md, "\n")
	lang := ""
	inFence := false
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			lang = strings.TrimSpace(strings.TrimLeft(t, "`~"))
			continue
		}
		if !inFence || !shellFences[lang] {
			continue
		}
		start := i
		text := t
		for strings.HasSuffix(text, "\\") && i+1 < len(lines) {
			i++
			text = strings.TrimSuffix(text, "\\") + " " + strings.TrimSpace(lines[i])
		}
		if lang == "console" {
			if !strings.HasPrefix(text, "$ ") {
				continue
			}
			text = text[2:]
		}
		if lang == "yaml" || lang == "yml" {
			text = strings.TrimPrefix(text, "- ")
		}
		for _, words := range commands(text) {
			inv := Invocation{Line: start + 1, Text: text}
			j := 0
			for j < len(words) && assignment.MatchString(words[j]) {
				inv.Env = append(inv.Env, words[j])
				j++
			}
			if j < len(words) && (words[j] == "time" || words[j] == "exec") {
				j++
			}
			if j >= len(words) || path.Base(words[j]) != "deployer" {
				continue
			}
			inv.Args = words[j+1:]
			out = append(out, inv)
		}
	}
	return out
}

// commands splits a shell line into its simple commands, each as words with
// quotes removed: ;, &, | and comments end one; $( ... ) opens a nested one,
// also inside double quotes. It is what the docs need, not a shell.
func commands(line string) [][]string {
	type frame struct {
		words  []string
		word   strings.Builder
		inWord bool
		quote  byte // the quote open in this frame, or 0
	}
	var out [][]string
	stack := []*frame{{}}
	flushWord := func(f *frame) {
		if f.inWord {
			f.words = append(f.words, f.word.String())
			f.word.Reset()
			f.inWord = false
		}
	}
	flush := func(f *frame) {
		flushWord(f)
		if len(f.words) > 0 {
			out = append(out, f.words)
		}
		f.words = nil
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		f := stack[len(stack)-1]
		quote := f.quote
		switch {
		case quote == '\'':
			if c == '\'' {
				f.quote = 0
			} else {
				f.word.WriteByte(c)
			}
		case c == '$' && i+1 < len(line) && line[i+1] == '(':
			f.word.WriteString("$(...)")
			f.inWord = true
			stack = append(stack, &frame{})
			i++
		case c == ')' && len(stack) > 1 && quote == 0:
			flush(f)
			stack = stack[:len(stack)-1]
		case quote == '"':
			switch {
			case c == '"':
				f.quote = 0
			case c == '\\' && i+1 < len(line):
				i++
				f.word.WriteByte(line[i])
			default:
				f.word.WriteByte(c)
			}
		case c == '\'' || c == '"':
			f.quote = c
			f.inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			f.word.WriteByte(line[i])
			f.inWord = true
		case c == ' ' || c == '\t':
			flushWord(f)
		case c == ';' || c == '&' || c == '|' || c == '`':
			flush(f)
		case c == '#' && !f.inWord:
			for _, fr := range stack {
				flush(fr)
			}
			return out
		default:
			f.word.WriteByte(c)
			f.inWord = true
		}
	}
	for j := len(stack) - 1; j >= 0; j-- {
		flush(stack[j])
	}
	return out
}
