package tf

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// BackendStore is the state bucket as the S3 backend b sees it: target (or,
// with SourceCredentials, source) credentials, the backend's region,
// endpoints and lock table. objects makes the S3 client.
func BackendStore(target, source aws.Config, b Backend, objects func(aws.Config) ObjectAPI) *Store {
	cfg := target.Copy()
	if b.SourceCredentials {
		cfg = source.Copy()
	}
	if b.Region != "" {
		cfg.Region = b.Region
	}
	s3cfg, ddbcfg := cfg.Copy(), cfg.Copy()
	if ep := backendSetting(b.Config, "endpoint", "endpoints.s3"); ep != "" {
		s3cfg.BaseEndpoint = aws.String(ep)
	}
	if ep := backendSetting(b.Config, "dynamodb_endpoint", "endpoints.dynamodb"); ep != "" {
		ddbcfg.BaseEndpoint = aws.String(ep)
	}
	st := &Store{Objects: objects(s3cfg), Bucket: b.Bucket, Table: backendSetting(b.Config, "dynamodb_table")}
	if st.Table != "" {
		st.Locks = dynamodb.NewFromConfig(ddbcfg)
	}
	st.Encrypt, _ = strconv.ParseBool(backendSetting(b.Config, "encrypt"))
	st.KMSKeyID = backendSetting(b.Config, "kms_key_id")
	return st
}

// backendSetting is the value of the first of names among K=V settings.
func backendSetting(kvs []string, names ...string) string {
	for _, name := range names {
		for _, kv := range kvs {
			if k, v, ok := strings.Cut(kv, "="); ok && strings.TrimSpace(k) == name {
				return strings.TrimSpace(v)
			}
		}
	}
	return ""
}

// The SDK client is what BackendStore is handed in production.
var _ ObjectAPI = (*s3.Client)(nil)
