package release

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// SignatureFile is the SSH signature of checksums.txt that scripts/install.sh
// verifies when DEPLOYER_PUBKEY is set.
const SignatureFile = ChecksumsFile + ".sig"

// SigningNamespace and SigningIdentity are the -n and -I of ssh-keygen -Y:
// a signature made for another purpose with the same key does not verify
// as a release's.
const (
	SigningNamespace = "deployer-release"
	SigningIdentity  = "release@deployer"
)

// signCmd builds the ssh-keygen command that signs dir's checksums.txt with
// the private key in keyFile, writing checksums.txt.sig beside it. ssh-keygen
// comes with OpenSSH on every CI image: no new dependency.
func signCmd(ctx context.Context, keygen, keyFile, dir string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, keygen, "-Y", "sign", "-q", "-f", keyFile, "-n", SigningNamespace, ChecksumsFile)
	cmd.Dir = dir
	// No agent, no askpass: an encrypted key without a terminal fails
	// rather than waiting for a passphrase.
	cmd.Env = []string{"PATH=/usr/bin:/bin", "SSH_AUTH_SOCK=", "SSH_ASKPASS=", "DISPLAY="}
	return cmd
}

// Sign signs dir's checksums.txt with keyFile and returns the signature's
// name. keygen is the ssh-keygen command ("ssh-keygen" to find it on PATH).
func Sign(ctx context.Context, keygen, keyFile, dir string) (string, error) {
	if keygen == "" {
		keygen = "ssh-keygen"
	}
	abs, err := filepath.Abs(keyFile)
	if err != nil {
		return "", fmt.Errorf("signing key: %w", err)
	}
	cmd := signCmd(ctx, keygen, abs, dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("sign %s with %s: %w: %s", ChecksumsFile, keyFile, err, strings.TrimSpace(stderr.String()))
	}
	return SignatureFile, nil
}

// AllowedSigners is the allowed_signers line for pubkey, as install.sh and
// "ssh-keygen -Y verify" read it.
func AllowedSigners(pubkey string) string {
	return fmt.Sprintf("%s namespaces=%q %s\n", SigningIdentity, SigningNamespace, strings.TrimSpace(pubkey))
}
