package settings

// A setting shared by several commands is declared once, here, as a value:
// its flag, alias, variables, default, help and check. Commands bind it to
// their own destination; none repeats the declaration. Catalogue lists them
// all, so tests and the reference generator walk one list.

// StringSetting is a string setting declared once.
type StringSetting struct {
	Decl
	Check func(string) error // nil: any value
}

// BoolSetting is a boolean setting declared once.
type BoolSetting struct{ Decl }

// ListSetting is a list setting declared once.
type ListSetting struct {
	Decl
	Check func([]string) error // nil: any values
}

// Bind declares the setting in s, writing the value to dst.
func (d StringSetting) Bind(s *Set, dst *string) { s.String(d.Decl, dst, d.Check) }

// Apply declares the setting in s; apply converts a value that passed the
// check (a duration, a number) into the command's own field.
func (d StringSetting) Apply(s *Set, apply func(string) error) {
	s.String(d.Decl, new(string), func(v string) error {
		if d.Check != nil {
			if err := d.Check(v); err != nil {
				return err
			}
		}
		return apply(v)
	})
}

// Bind declares the setting in s, writing the value to dst.
func (d BoolSetting) Bind(s *Set, dst *bool) { s.Bool(d.Decl, dst) }

// Bind declares the setting in s, writing the values to dst.
func (d ListSetting) Bind(s *Set, dst *[]string) { s.List(d.Decl, dst, d.Check) }

// Apply declares the setting in s; apply converts values that passed the
// check into the command's own field.
func (d ListSetting) Apply(s *Set, apply func([]string) error) {
	s.List(d.Decl, new([]string), func(v []string) error {
		if d.Check != nil {
			if err := d.Check(v); err != nil {
				return err
			}
		}
		return apply(v)
	})
}

// declared is every shared setting, in declaration order.
var declared []Decl

func str(group string, d Decl, check func(string) error) StringSetting {
	d.Group = group
	declared = append(declared, d)
	return StringSetting{Decl: d, Check: check}
}

func boolean(group string, d Decl) BoolSetting {
	d.Group = group
	declared = append(declared, d)
	return BoolSetting{Decl: d}
}

func list(group string, d Decl, check func([]string) error) ListSetting {
	d.Group = group
	declared = append(declared, d)
	return ListSetting{Decl: d, Check: check}
}

// Catalogue returns every shared setting's declaration, grouped as declared:
// what a reference generator lists once, and what commands' declarations
// are checked against.
func Catalogue() []Decl { return append([]Decl(nil), declared...) }
