package tf

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/deployer-dev/deployer/internal/id"
)

// Terraform 1.5's S3 backend locks a state with a DynamoDB item whose
// LockID is "BUCKET/KEY" and whose Info is the lock's JSON; it keeps the MD5
// of the state it last wrote in the item "BUCKET/KEY-md5" (attribute
// Digest) and refuses to read a state whose digest differs. Terraform 1.10
// added use_lockfile: an object KEY.tflock beside the state. The move honours
// both, so neither an old nor a new terraform can run on a key meanwhile.
const (
	digestSuffix   = "-md5"
	lockfileSuffix = ".tflock"
)

// LockedError says someone else holds a state's lock.
type LockedError struct {
	Key  string
	Who  string // the holder's Who and Operation, as terraform recorded them
	Lock string // where the lock is: the table item or the .tflock object
}

func (e *LockedError) Error() string {
	who := ""
	if e.Who != "" {
		who = " by " + e.Who
	}
	return fmt.Sprintf("state %s is locked%s (%s); wait for that run to end, or release a stale lock with terraform force-unlock", e.Key, who, e.Lock)
}

// lockInfo is terraform's statemgr.LockInfo, so terraform force-unlock and
// its "Error acquiring the state lock" message can read a lock we hold.
type lockInfo struct {
	ID        string
	Operation string
	Info      string
	Who       string
	Version   string
	Created   time.Time
	Path      string
}

func (s *Store) lockID(key string) string { return s.Bucket + "/" + key }

// lock takes the state lock of key as terraform does; release undoes it.
// Without a lock table only a held .tflock refuses.
func (s *Store) lock(ctx context.Context, key, who string, now time.Time) (release func(context.Context) error, err error) {
	if held, err := s.exists(ctx, key+lockfileSuffix); err != nil {
		return nil, err
	} else if held {
		return nil, &LockedError{Key: key, Lock: "s3://" + s.Bucket + "/" + key + lockfileSuffix}
	}
	if s.Locks == nil || s.Table == "" {
		return func(context.Context) error { return nil }, nil
	}
	info, _ := json.Marshal(lockInfo{ID: id.Hex(16), Operation: "deployer tf state move", Who: who,
		Version: "deployer", Created: now.UTC(), Path: s.lockID(key)})
	_, err = s.Locks.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.Table),
		Item: map[string]ddbtypes.AttributeValue{
			"LockID": &ddbtypes.AttributeValueMemberS{Value: s.lockID(key)},
			"Info":   &ddbtypes.AttributeValueMemberS{Value: string(info)},
		},
		ConditionExpression: aws.String("attribute_not_exists(LockID)"),
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return nil, &LockedError{Key: key, Who: s.holder(ctx, key), Lock: "item " + s.lockID(key) + " of table " + s.Table}
	}
	if err != nil {
		return nil, fmt.Errorf("lock state %s in table %s: %w", key, s.Table, err)
	}
	return func(ctx context.Context) error {
		_, err := s.Locks.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName:                 aws.String(s.Table),
			Key:                       map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: s.lockID(key)}},
			ConditionExpression:       aws.String("Info = :info"),
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":info": &ddbtypes.AttributeValueMemberS{Value: string(info)}},
		})
		if err != nil {
			return fmt.Errorf("release the lock of state %s in table %s: %w", key, s.Table, err)
		}
		return nil
	}, nil
}

// holder reads who holds a lock, for the refusal; "" when it cannot tell.
func (s *Store) holder(ctx context.Context, key string) string {
	out, err := s.Locks.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: s.lockID(key)}}})
	if err != nil || out.Item == nil {
		return ""
	}
	v, ok := out.Item["Info"].(*ddbtypes.AttributeValueMemberS)
	if !ok {
		return ""
	}
	var li lockInfo
	if json.Unmarshal([]byte(v.Value), &li) != nil {
		return ""
	}
	return fmt.Sprintf("%s (%s, lock ID %s)", li.Who, li.Operation, li.ID)
}

// setDigest records the MD5 of the state now at key, as terraform does after
// writing it; raw nil removes the record (the state was deleted).
func (s *Store) setDigest(ctx context.Context, key string, raw []byte) error {
	if s.Locks == nil || s.Table == "" {
		return nil
	}
	id := map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: s.lockID(key) + digestSuffix}}
	var err error
	if raw == nil {
		_, err = s.Locks.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: id})
	} else {
		sum := md5.Sum(raw)
		id["Digest"] = &ddbtypes.AttributeValueMemberS{Value: hex.EncodeToString(sum[:])}
		_, err = s.Locks.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: id})
	}
	if err != nil {
		return fmt.Errorf("record the digest of state %s in table %s: %w", key, s.Table, err)
	}
	return nil
}
