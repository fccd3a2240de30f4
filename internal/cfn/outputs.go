package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/deployer-dev/deployer/internal/envfile"
)

// OutputFiles says where stack outputs are written after success.
type OutputFiles struct {
	JSON   string // {"OutputKey":"value"}
	Env    string // PREFIX_KEY='value' lines for "set -a; . file"
	Prefix string
}

// writeOutputFiles writes the outputs where asked, each file atomically
// (temp file and rename), so a reader never sees half a file.
func writeOutputFiles(f OutputFiles, outputs []types.Output) error {
	if f.JSON != "" {
		m := make(map[string]string, len(outputs))
		for _, o := range outputs {
			m[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		}
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		if err := writeAtomic(f.JSON, append(b, '\n')); err != nil {
			return fmt.Errorf("--outputs-file: %w", err)
		}
	}
	if f.Env != "" {
		var buf bytes.Buffer
		if err := envfile.Write(&buf, envfile.Dotenv, EnvVars(f.Prefix, outputs)); err != nil {
			return fmt.Errorf("--outputs-env: %w", err)
		}
		if err := writeAtomic(f.Env, buf.Bytes()); err != nil {
			return fmt.Errorf("--outputs-env: %w", err)
		}
	}
	return nil
}

// EnvVars names each output PREFIX_Key (the key kept as CloudFormation spells
// it, so buildspec exported-variables match the template).
func EnvVars(prefix string, outputs []types.Output) []envfile.Var {
	if prefix != "" && !strings.HasSuffix(prefix, "_") {
		prefix += "_"
	}
	vars := make([]envfile.Var, 0, len(outputs))
	for _, o := range outputs {
		name := prefix + aws.ToString(o.OutputKey)
		if !envfile.ValidName(name) {
			name = envfile.Name(name)
		}
		vars = append(vars, envfile.Var{Name: name, Value: aws.ToString(o.OutputValue)})
	}
	return vars
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
