package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
)

// Config says what to build and where. Paths are relative to ModuleDir
// unless absolute.
type Config struct {
	// GoBin is the go command, "go" to find it on PATH.
	GoBin string
	// ModuleDir is the module's root.
	ModuleDir string
	// Package is the main package, such as "./cmd/deployer".
	Package string
	// Targets are the platforms to build.
	Targets []Target
	// Stamp is the version, commit and commit time.
	Stamp Stamp
	// OutDir receives the release; it must not exist or be empty, so no
	// file of an older release is listed in checksums.txt by mistake.
	OutDir string
	// Docs are files put beside the binary in every archive (LICENSE,
	// README.md), under their base names.
	Docs []string
	// Assets are files copied into OutDir as they are and listed in
	// checksums.txt, such as scripts/install.sh.
	Assets []string
	// Env is the environment go build starts from (the caller's own); the
	// variables that change its output are replaced (see buildEnv).
	Env []string
}

// Result names the files Run wrote, relative to OutDir.
type Result struct {
	Archives  []string
	SBOM      string
	Checksums string
}

// ChecksumsFile is the name of the checksum list, as scripts/install.sh expects it.
const ChecksumsFile = "checksums.txt"

// Run builds every target, checks each binary and writes the archives, the
// SBOM, the assets and checksums.txt into cfg.OutDir.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.Stamp.validate(); err != nil {
		return Result{}, err
	}
	if len(cfg.Targets) == 0 {
		return Result{}, errors.New("no targets given")
	}
	out := cfg.abs(cfg.OutDir)
	if err := emptyDir(out); err != nil {
		return Result{}, err
	}
	docs, err := cfg.readDocs()
	if err != nil {
		return Result{}, err
	}
	work, err := os.MkdirTemp("", "deployer-release-")
	if err != nil {
		return Result{}, fmt.Errorf("work directory: %w", err)
	}
	defer os.RemoveAll(work)

	b := builder{goBin: cfg.GoBin, moduleDir: cfg.ModuleDir, pkg: cfg.Package, env: cfg.Env}
	var res Result
	infos := map[Target]*debug.BuildInfo{}
	for _, t := range cfg.Targets {
		bin := filepath.Join(work, t.OS+"_"+t.Arch, t.binaryName())
		if err := b.build(ctx, t, cfg.Stamp, bin); err != nil {
			return Result{}, err
		}
		if infos[t], err = verifyBinary(bin, t, cfg.Stamp); err != nil {
			return Result{}, err
		}
		name, err := writeArchive(out, bin, t, cfg.Stamp, docs)
		if err != nil {
			return Result{}, err
		}
		res.Archives = append(res.Archives, name)
	}

	sbom, err := writeSBOM(cfg.Stamp, infos[cfg.Targets[0]].Main.Path, infos)
	if err != nil {
		return Result{}, err
	}
	res.SBOM = fmt.Sprintf("deployer_%s_sbom.cdx.json", cfg.Stamp.Version)
	if err := os.WriteFile(filepath.Join(out, res.SBOM), sbom, 0o644); err != nil {
		return Result{}, fmt.Errorf("sbom: %w", err)
	}
	for _, a := range cfg.Assets {
		data, err := os.ReadFile(cfg.abs(a))
		if err != nil {
			return Result{}, fmt.Errorf("asset: %w", err)
		}
		if err := os.WriteFile(filepath.Join(out, filepath.Base(a)), data, 0o644); err != nil {
			return Result{}, fmt.Errorf("asset: %w", err)
		}
	}
	res.Checksums = ChecksumsFile
	if err := writeChecksums(out); err != nil {
		return Result{}, err
	}
	return res, nil
}

func (cfg Config) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(cfg.ModuleDir, p)
}

// readDocs loads the files every archive carries beside the binary.
func (cfg Config) readDocs() ([]member, error) {
	var docs []member
	for _, d := range cfg.Docs {
		data, err := os.ReadFile(cfg.abs(d))
		if err != nil {
			return nil, fmt.Errorf("archive document: %w", err)
		}
		docs = append(docs, member{name: filepath.Base(d), mode: 0o644, data: data})
	}
	return docs, nil
}

// writeArchive packs one target's binary with the documents into out.
func writeArchive(out, bin string, t Target, s Stamp, docs []member) (string, error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", fmt.Errorf("binary for %s: %w", t, err)
	}
	members := append(slices.Clone(docs), member{name: t.binaryName(), mode: 0o755, data: data})
	var buf bytes.Buffer
	if t.OS == "windows" {
		err = writeZip(&buf, members, s.Date)
	} else {
		err = writeTarGz(&buf, members, s.Date)
	}
	if err != nil {
		return "", fmt.Errorf("archive for %s: %w", t, err)
	}
	name := t.archiveName(s.Version)
	if err := os.WriteFile(filepath.Join(out, name), buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("archive for %s: %w", t, err)
	}
	return name, nil
}

// emptyDir creates dir, or accepts it when it exists with nothing in it.
func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("output directory %s is not empty (remove it first)", dir)
	}
	return nil
}

// writeChecksums lists every file of dir in sha256sum's format ("<hex>  <name>",
// sorted by name), so `sha256sum -c checksums.txt` checks a whole download.
func writeChecksums(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("checksums: %w", err)
	}
	var b strings.Builder
	for _, e := range entries { // ReadDir sorts by name
		if !e.Type().IsRegular() || e.Name() == ChecksumsFile {
			continue
		}
		data, err := fs.ReadFile(os.DirFS(dir), e.Name())
		if err != nil {
			return fmt.Errorf("checksums: %w", err)
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), e.Name())
	}
	if err := os.WriteFile(filepath.Join(dir, ChecksumsFile), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("checksums: %w", err)
	}
	return nil
}
