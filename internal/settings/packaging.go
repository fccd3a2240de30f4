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

// The packaging limits of the artifact group: how much one zipped
// directory may hold.
var (
	MaxPackageEntries = str("artifact", Decl{Flag: "max-package-entries", Env: "DEPLOYER_MAX_PACKAGE_ENTRIES", Value: "N",
		Help: "most files and directories one zipped directory may hold (default 100000)"}, func(v string) error {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			return fmt.Errorf("%q is not a count (expected a whole number above 0, like 200000)", v)
		}
		return nil
	})
	MaxPackageBytes = str("artifact", Decl{Flag: "max-package-bytes", Env: "DEPLOYER_MAX_PACKAGE_BYTES", Value: "SIZE",
		Help: "most bytes, unzipped, one zipped directory may hold (default 1GiB; accepts MiB and GiB)"}, func(v string) error {
		_, err := ParseSize(v)
		return err
	})
)

// PackageLimits declares the packaging limits into l.
func PackageLimits(s *Set, l *PackLimits) {
	MaxPackageEntries.Apply(s, func(v string) (err error) {
		l.Entries, err = strconv.Atoi(v)
		return err
	})
	MaxPackageBytes.Apply(s, func(v string) (err error) {
		l.Bytes, err = ParseSize(v)
		return err
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
