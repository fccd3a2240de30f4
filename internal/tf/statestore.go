package tf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// ObjectAPI is the S3 calls the state check and the state move make.
type ObjectAPI interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// LockAPI is the DynamoDB calls of terraform's S3 backend locking.
type LockAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// Store is one S3 backend's bucket, seen with the backend's credentials.
type Store struct {
	Objects ObjectAPI
	Locks   LockAPI // nil without a lock table
	Bucket  string
	Table   string // dynamodb_table, "" for none
	// Encrypt and KMSKeyID are the backend's encrypt and kms_key_id: a
	// copied state is written as terraform would write it.
	Encrypt  bool
	KMSKeyID string
}

// read returns the object at key; found is false when there is none.
func (s *Store) read(ctx context.Context, key string) (raw []byte, found bool, err error) {
	out, err := s.Objects.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key)})
	if err != nil {
		if notFound(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("read s3://%s/%s: %w", s.Bucket, key, err)
	}
	defer out.Body.Close()
	raw, err = io.ReadAll(out.Body)
	if err != nil {
		return nil, false, fmt.Errorf("read s3://%s/%s: %w", s.Bucket, key, err)
	}
	return raw, true, nil
}

// exists tells whether an object is at key (the .tflock of newer terraforms).
func (s *Store) exists(ctx context.Context, key string) (bool, error) {
	_, err := s.Objects.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key)})
	if err == nil {
		return true, nil
	}
	if notFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("look for s3://%s/%s: %w", s.Bucket, key, err)
}

func (s *Store) write(ctx context.Context, key string, raw []byte) error {
	in := &s3.PutObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key), Body: bytes.NewReader(raw),
		ContentType: aws.String("application/json")}
	if s.KMSKeyID != "" {
		in.ServerSideEncryption, in.SSEKMSKeyId = s3types.ServerSideEncryptionAwsKms, aws.String(s.KMSKeyID)
	} else if s.Encrypt {
		in.ServerSideEncryption = s3types.ServerSideEncryptionAes256
	}
	if _, err := s.Objects.PutObject(ctx, in); err != nil {
		return fmt.Errorf("write s3://%s/%s: %w", s.Bucket, key, err)
	}
	return nil
}

func (s *Store) remove(ctx context.Context, key string) error {
	if _, err := s.Objects.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key)}); err != nil {
		return fmt.Errorf("delete s3://%s/%s: %w", s.Bucket, key, err)
	}
	return nil
}

// readState reads and parses the state at key; a missing object is an
// empty state with found false.
func (s *Store) readState(ctx context.Context, key string) (st State, raw []byte, found bool, err error) {
	raw, found, err = s.read(ctx, key)
	if err != nil || !found {
		return State{}, nil, found, err
	}
	st, err = ParseState(raw)
	if err != nil {
		return State{}, nil, true, fmt.Errorf("s3://%s/%s: %w", s.Bucket, key, err)
	}
	return st, raw, true, nil
}

func notFound(err error) bool {
	var nsk *s3types.NoSuchKey
	var nf *s3types.NotFound
	if errors.As(err, &nsk) || errors.As(err, &nf) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound")
}

// accessDenied is an answer that says these credentials may not read there
// (the kit's bucket policy scopes each account to its own prefix).
func accessDenied(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "AccessDenied" || ae.ErrorCode() == "Forbidden")
}
