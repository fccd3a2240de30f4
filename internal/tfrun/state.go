package tfrun

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/runenv"
	"github.com/deployer-dev/deployer/internal/tf"
)

// stateKeys are the key this run uses and the keys an earlier pipeline may
// have kept the same state under: the key without the per-account prefix,
// the key with it (an earlier deployer), and TFSTATE_FILE_NAME's.
func stateKeys(o Options, key, account, region string) (chosen string, others []string) {
	chosen = tf.BackendKey(key, o.TF.KeyPrefix, account, region)
	fill := strings.NewReplacer("{account}", account, "{region}", region)
	others = append(others, fill.Replace(key), tf.BackendKey(key, "{account}/", account, region))
	if legacy := strings.TrimSpace(o.LegacyStateKey); legacy != "" {
		others = append(others, fill.Replace(legacy))
	}
	return chosen, others
}

// checkStateLocation refuses (exit 2) to run terraform on an empty state
// while another key of the same bucket holds the state: what a switch from
// the old pipeline's key to the prefixed one would otherwise do is plan
// every resource again. It touches nothing.
func checkStateLocation(ctx context.Context, e *runenv.Env, s *assume.Session, o Options, chosen string, others []string, log zerolog.Logger) error {
	b := o.TF.Options.Backend
	if b.Bucket == "" || chosen == "" {
		return nil
	}
	if ws := o.Workspace; ws != "" && ws != "default" {
		log.Debug().Str("workspace", ws).Msg("state location not checked: only the default workspace's key is known before init")
		return nil
	}
	store := Store(e, s, b)
	unreadable, err := tf.CheckLocation(ctx, store, chosen, others)
	for _, u := range unreadable {
		log.Warn().Str("key", u.Key).Msg("could not read this key with the backend's credentials to check whether the old pipeline's state is there; if it is, run deployer tf state move first")
	}
	var elsewhere *tf.ElsewhereError
	if errors.As(err, &elsewhere) {
		return &exitcode.Error{Code: exitcode.BadInput, Err: err}
	}
	if err != nil {
		log.Warn().Err(err).Str("key", chosen).Msg("could not check where the state lives; terraform will report what it finds")
	}
	return nil
}

// Store is the state bucket as the backend sees it.
func Store(e *runenv.Env, s *assume.Session, b tf.Backend) *tf.Store {
	return tf.BackendStore(s.Config, s.SourceConfig, b, func(c aws.Config) tf.ObjectAPI { return e.Clients.S3(c) })
}

// ownKeys keeps the keys that name the account: with many targets, a key
// without it (the old single-account pipeline's) may hold another target's
// state, and must not stop this one.
func ownKeys(keys []string, account string) []string {
	var out []string
	for _, k := range keys {
		if strings.Contains(k, account) {
			out = append(out, k)
		}
	}
	return out
}
