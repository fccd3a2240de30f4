package settings

import (
	"fmt"
	"strconv"
	"strings"
)

// PackLimits bound one zipped directory when packaging; zero means the
// packager's default (100,000 entries, 1 GiB).
type PackLimits struct {
	Entries int
	Bytes   int64
}

// PackageLimits declares --max-package-entries and --max-package-bytes.
func PackageLimits(s *Set, l *PackLimits) {
	s.String(Decl{Flag: "max-package-entries", Env: "DEPLOYER_MAX_PACKAGE_ENTRIES", Value: "N",
		Help: "most files and directories one zipped directory may hold (default 100000)"}, new(string), func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not a count (expected a whole number above 0, like 200000)", v)
		}
		l.Entries = n
		return nil
	})
	s.String(Decl{Flag: "max-package-bytes", Env: "DEPLOYER_MAX_PACKAGE_BYTES", Value: "SIZE",
		Help: "most bytes, unzipped, one zipped directory may hold (default 1GiB; accepts MiB and GiB)"}, new(string), func(v string) error {
		n, err := ParseSize(v)
		if err != nil {
			return err
		}
		l.Bytes = n
		return nil
	})
}

// ParseSize reads a byte count: a whole number, or one with MiB or GiB.
func ParseSize(v string) (int64, error) {
	mult := int64(1)
	num := v
	for suffix, m := range map[string]int64{"MiB": 1 << 20, "GiB": 1 << 30} {
		if n, ok := strings.CutSuffix(v, suffix); ok {
			num, mult = n, m
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 || n > (1<<50)/mult {
		return 0, fmt.Errorf("%q is not a size (expected bytes, or MiB or GiB, like 2GiB)", v)
	}
	return n * mult, nil
}
