package main

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
	"github.com/deployer-dev/deployer/internal/exitcode"
	"github.com/deployer-dev/deployer/internal/settings"
	"github.com/deployer-dev/deployer/internal/tf"
)

// legacyKey applies the old pipeline's meaning of TFSTATE_FILE_NAME: the
// key it names is used as it is, without the per-account prefix, unless a
// deployer setting asks for a prefix. It reports whether it did.
func legacyKey(s *settings.Set, prefix *string) bool {
	if s.From("backend-key") != "TFSTATE_FILE_NAME" || s.From("backend-key-prefix") != "default" {
		return false
	}
	*prefix = "none"
	return true
}

// stateKeys are the key this run uses and the keys an earlier pipeline may
// have kept the same state under: the key without the per-account prefix,
// the key with it (an earlier deployer), and TFSTATE_FILE_NAME's.
func (a *app) stateKeys(o *tfOptions, key, account, region string) (chosen string, others []string) {
	chosen = tf.BackendKey(key, o.tf.KeyPrefix, account, region)
	fill := strings.NewReplacer("{account}", account, "{region}", region)
	others = append(others, fill.Replace(key), tf.BackendKey(key, "{account}/", account, region))
	if legacy := strings.TrimSpace(settings.Lookup(a.environ, "TFSTATE_FILE_NAME")); legacy != "" {
		others = append(others, fill.Replace(legacy))
	}
	return chosen, others
}

// checkStateLocation refuses (exit 2) to run terraform on an empty state
// while another key of the same bucket holds the state: what a switch from
// the old pipeline's key to the prefixed one would otherwise do is plan
// every resource again. It touches nothing.
func (a *app) checkStateLocation(ctx context.Context, s *assume.Session, o *tfOptions, chosen string, others []string, log zerolog.Logger) error {
	b := o.tf.Options.Backend
	if b.Bucket == "" || chosen == "" {
		return nil
	}
	if ws := settings.Lookup(a.environ, "TF_WORKSPACE"); ws != "" && ws != "default" {
		log.Debug().Str("workspace", ws).Msg("state location not checked: only the default workspace's key is known before init")
		return nil
	}
	store := a.stateStore(s, b)
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

// stateStore is the state bucket as the backend sees it.
func (a *app) stateStore(s *assume.Session, b tf.Backend) *tf.Store {
	return tf.BackendStore(s.Config, s.SourceConfig, b, func(c aws.Config) tf.ObjectAPI { return a.clients.s3(c) })
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
