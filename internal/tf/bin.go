// Package tf runs Terraform or OpenTofu against a target account with
// credentials that refresh for as long as the run lasts.
package tf

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"

	version "github.com/hashicorp/go-version"
)

// LookPath finds a program; exec.LookPath in production, a fake in tests.
type LookPath func(name string) (string, error)

// FindBinary returns explicit when given, else terraform then tofu on PATH.
func FindBinary(explicit string, look LookPath) (string, error) {
	if look == nil {
		look = exec.LookPath
	}
	if explicit != "" {
		p, err := look(explicit)
		if err != nil {
			return "", fmt.Errorf("%q not found or not executable (expected a terraform or tofu binary)", explicit)
		}
		return p, nil
	}
	for _, name := range []string{"terraform", "tofu"} {
		if p, err := look(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("neither terraform nor tofu is on PATH (expected one of them, or --terraform-bin PATH)")
}

// Version asks the binary for its version ("terraform version -json"; tofu
// answers the same shape).
func Version(ctx context.Context, bin string, env []string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, "version", "-json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s version: %w", bin, err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.TerraformVersion == "" {
		return "", fmt.Errorf("%s version: unexpected output %q", bin, strings.TrimSpace(string(out)))
	}
	return v.TerraformVersion, nil
}

// ParseConstraint checks a version constraint such as ">= 1.5, < 2.0".
func ParseConstraint(s string) (version.Constraints, error) {
	c, err := version.NewConstraint(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a version constraint (expected e.g. \">= 1.5, < 2.0\")", s)
	}
	return c, nil
}

// CheckVersion reports whether v satisfies c.
func CheckVersion(v string, c version.Constraints) error {
	if c == nil {
		return nil
	}
	ver, err := version.NewVersion(v)
	if err != nil {
		return fmt.Errorf("cannot read version %q: %w", v, err)
	}
	if !c.Check(ver) {
		return fmt.Errorf("terraform %s does not satisfy --terraform-version %q", v, c.String())
	}
	return nil
}
