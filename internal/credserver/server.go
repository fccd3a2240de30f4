// Package credserver serves refreshing credentials to child processes over
// the container-credentials protocol the AWS SDKs already speak
// (AWS_CONTAINER_CREDENTIALS_FULL_URI on a loopback address, with
// AWS_CONTAINER_AUTHORIZATION_TOKEN). Children never hold keys that outlive
// the one-hour role-chaining cap: each time theirs expire, their SDK asks
// again and gets what the deployer's credentials cache holds now. Nothing is
// written to disk.
package credserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/rs/zerolog"

	"github.com/deployer-dev/deployer/internal/assume"
)

// Server is a running loopback credential endpoint.
type Server struct {
	// BaseURL is http://127.0.0.1:PORT; a source is served at BaseURL/NAME.
	BaseURL string
	// Token must be sent as the Authorization header for the "target"
	// source, the one every child (providers, local-exec) is handed.
	Token string

	srv     *http.Server
	sources map[string]aws.CredentialsProvider
	tokens  map[string]string // per source: one token never opens another source
	early   time.Duration
	log     zerolog.Logger

	mu       sync.Mutex
	lastKey  map[string]string
	served   int
	distinct int
}

// Options configures Start.
type Options struct {
	// Sources maps a path name ("target", "source") to credentials.
	Sources map[string]aws.CredentialsProvider
	// RefreshBefore is subtracted from the expiry advertised to children, so
	// they come back when the deployer's cache renews, not later.
	RefreshBefore time.Duration
	Log           zerolog.Logger
	// IdleTimeout closes a kept-alive connection left unused this long;
	// WriteTimeout bounds a request from its headers to the end of the
	// answer (an STS call included). Zero means DefaultIdleTimeout and
	// DefaultWriteTimeout.
	IdleTimeout, WriteTimeout time.Duration
}

// Defaults for Options: SDKs ask again minutes apart, so nothing is lost by
// closing idle connections; an answer needs one STS call at most.
const (
	DefaultIdleTimeout  = 30 * time.Second
	DefaultWriteTimeout = 60 * time.Second
)

// Start listens on a random loopback port, with a random token per source.
func Start(o Options) (*Server, error) {
	tokens := make(map[string]string, len(o.Sources))
	for name := range o.Sources {
		tok := make([]byte, 32)
		if _, err := rand.Read(tok); err != nil {
			return nil, err
		}
		tokens[name] = hex.EncodeToString(tok)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{
		BaseURL: "http://" + ln.Addr().String(),
		Token:   tokens["target"],
		sources: o.Sources,
		tokens:  tokens,
		early:   o.RefreshBefore,
		log:     o.Log,
		lastKey: map[string]string{},
	}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       orDefault(o.IdleTimeout, DefaultIdleTimeout),
		WriteTimeout:      orDefault(o.WriteTimeout, DefaultWriteTimeout),
	}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// TokenFor returns the token that opens source name, and only that source.
// The "source" token (the pipeline's own credentials, which can assume every
// target) belongs in the backend's credential_process alone, never in the
// environment that providers and local-exec children inherit.
func (s *Server) TokenFor(name string) string { return s.tokens[name] }

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// URL is the full URI of one source.
func (s *Server) URL(name string) string { return s.BaseURL + "/" + name }

// Close stops serving; children asking later get connection refused.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// Stats reports how many requests were served and how many distinct access
// keys were handed out per source, summed.
func (s *Server) Stats() (served, distinct int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served, s.distinct
}

// response is the container-credentials JSON shape.
type response struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	name := strings.Trim(r.URL.Path, "/")
	// An unknown path is compared with a token of its own length too, so
	// the answer's timing tells nothing about which sources exist.
	want, known := s.tokens[name]
	if !known {
		want = s.Token
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 || !known {
		// A client that guesses gets one try per connection.
		w.Header().Set("Connection", "close")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	p := s.sources[name]
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	creds, err := p.Retrieve(r.Context())
	if err != nil {
		// The error text may name a role, never a secret.
		s.log.Error().Err(err).Str("source", name).Msg("could not renew credentials for the child process")
		http.Error(w, "credentials unavailable", http.StatusServiceUnavailable)
		return
	}
	exp := time.Now().Add(time.Hour)
	if creds.CanExpire {
		exp = creds.Expires.Add(-s.early)
		if min := time.Now().Add(5 * time.Second); exp.Before(min) {
			exp = min
		}
	}
	s.note(name, creds.AccessKeyID, exp)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(response{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey,
		Token: creds.SessionToken, Expiration: exp.UTC().Format(time.RFC3339),
	})
}

// note logs when a source starts handing out a new key (a refresh).
func (s *Server) note(name, key string, exp time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.served++
	if s.lastKey[name] == key {
		return
	}
	s.distinct++
	renewed := s.lastKey[name] != ""
	s.lastKey[name] = key
	msg := "serving credentials to terraform"
	if renewed {
		msg = "credentials renewed; terraform picks them up on its next request"
	}
	s.log.Info().Str("source", name).Str("key", assume.MaskKey(key)).Str("until", exp.UTC().Format(time.TimeOnly)).Msg(msg)
}
