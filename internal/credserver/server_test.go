package credserver

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/rs/zerolog"
)

type fakeProvider struct{ n int }

func (f *fakeProvider) Retrieve(context.Context) (aws.Credentials, error) {
	f.n++
	return aws.Credentials{AccessKeyID: "ASIAFAKE000000000" + string(rune('0'+f.n)), SecretAccessKey: "s", SessionToken: "t",
		CanExpire: true, Expires: time.Now().Add(15 * time.Minute)}, nil
}

func TestServerSpeaksTheContainerProtocol(t *testing.T) {
	p := &fakeProvider{}
	s, err := Start(Options{Sources: map[string]aws.CredentialsProvider{"target": p}, RefreshBefore: 14 * time.Minute, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// The SDK's own container provider is the client terraform's SDKs mirror.
	sdk := endpointcreds.New(s.URL("target"), func(o *endpointcreds.Options) { o.AuthorizationToken = s.Token })
	c, err := sdk.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "ASIAFAKE0000000001" || c.SessionToken != "t" {
		t.Errorf("creds = %+v", c)
	}
	// Advertised expiry is the cache's renewal time, so children come back then.
	if until := time.Until(c.Expires); until > 61*time.Second || until < 55*time.Second {
		t.Errorf("advertised expiry in %v, want about 1m", until)
	}

	for _, tc := range []struct {
		token, path string
		want        int
	}{{"", "/target", 401}, {"wrong", "/target", 401}, {s.Token, "/other", 401}} {
		req, _ := http.NewRequest(http.MethodGet, s.BaseURL+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.want || body["SecretAccessKey"] != nil {
			t.Errorf("%s with token %q: %d, want %d", tc.path, tc.token, resp.StatusCode, tc.want)
		}
	}
	if served, distinct := s.Stats(); served != 1 || distinct != 1 {
		t.Errorf("stats = %d, %d", served, distinct)
	}
}
