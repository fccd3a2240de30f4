package settings

// Doc is one declared setting as the reference documents it: the
// declaration plus what only the set knows (how the flag is spelled and
// whether it takes a value or repeats).
type Doc struct {
	Decl
	Spelling string // "--stack, --stack-name NAME", as -h shows it
	Bool     bool   // the flag takes no value
	List     bool   // the flag repeats; a variable holds several values
}

// Docs lists the set's settings in declaration order, without the settings
// of sibling verbs it only tolerates: the same lines -h prints.
func (s *Set) Docs() []Doc {
	var out []Doc
	for _, it := range s.items {
		if it.ignored {
			continue
		}
		out = append(out, Doc{Decl: it.Decl, Spelling: it.spelling(), Bool: it.kind == kindBool, List: it.kind == kindList})
	}
	return out
}
