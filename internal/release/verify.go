package release

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"os"
	"runtime/debug"
)

// verifyBinary checks a built binary without running it, which is how the
// release checks the platforms this machine cannot execute (linux/arm64 on
// an amd64 host, darwin, windows): the executable format and machine are the
// target's, and the build info says it was built the reproducible way with
// the version stamped. It returns the build info for the SBOM.
func verifyBinary(path string, t Target, s Stamp) (*debug.BuildInfo, error) {
	if err := checkMachine(path, t); err != nil {
		return nil, err
	}
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("build info of %s: %w", t, err)
	}
	settings := map[string]string{}
	for _, kv := range bi.Settings {
		settings[kv.Key] = kv.Value
	}
	want := map[string]string{"GOOS": t.OS, "GOARCH": t.Arch, "CGO_ENABLED": "0", "-trimpath": "true"}
	for k, v := range want {
		if settings[k] != v {
			return nil, fmt.Errorf("binary for %s was built with %s=%q, want %q", t, k, settings[k], v)
		}
	}
	// go build leaves -ldflags out of the build info under -trimpath, so
	// look for the stamped values themselves. The function names in the
	// binary's line table (kept by -s) tell whether internal/version is
	// linked; a main that does not use it carries main.version only.
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("binary for %s: %w", t, err)
	}
	stamped := []string{s.Version}
	if bytes.Contains(data, []byte(versionPkg+".")) {
		stamped = []string{s.Version, s.Commit, s.dateString()}
	}
	for _, v := range stamped {
		if !bytes.Contains(data, []byte(v)) {
			return nil, fmt.Errorf("binary for %s lacks the stamped %q", t, v)
		}
	}
	return bi, nil
}

// checkMachine reads the executable's header: ELF for linux, Mach-O for
// darwin, PE for windows, with the target's CPU.
func checkMachine(path string, t Target) error {
	var got string
	switch t.OS {
	case "linux":
		f, err := elf.Open(path)
		if err != nil {
			return fmt.Errorf("binary for %s is not ELF: %w", t, err)
		}
		defer f.Close()
		got = map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[f.Machine]
	case "darwin":
		f, err := macho.Open(path)
		if err != nil {
			return fmt.Errorf("binary for %s is not Mach-O: %w", t, err)
		}
		defer f.Close()
		got = map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
	case "windows":
		f, err := pe.Open(path)
		if err != nil {
			return fmt.Errorf("binary for %s is not PE: %w", t, err)
		}
		defer f.Close()
		got = map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
	default:
		return fmt.Errorf("no check for the executables of %s", t.OS)
	}
	if got != t.Arch {
		return fmt.Errorf("binary for %s is for the %q CPU", t, got)
	}
	return nil
}
