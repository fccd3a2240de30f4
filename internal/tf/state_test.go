package tf

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// memObjects is an in-memory bucket.
type memObjects struct {
	objs    map[string][]byte
	failPut error
}

func (m *memObjects) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	b, ok := m.objs[*in.Key]
	if !ok {
		return nil, &s3types.NoSuchKey{}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

func (m *memObjects) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	if _, ok := m.objs[*in.Key]; !ok {
		return nil, &s3types.NotFound{}
	}
	return &s3.HeadObjectOutput{}, nil
}

func (m *memObjects) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	if m.failPut != nil {
		return nil, m.failPut
	}
	b, _ := io.ReadAll(in.Body)
	m.objs[*in.Key] = b
	return &s3.PutObjectOutput{}, nil
}

func (m *memObjects) DeleteObject(_ context.Context, in *s3.DeleteObjectInput, _ ...func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
	delete(m.objs, *in.Key)
	return &s3.DeleteObjectOutput{}, nil
}

const (
	stateA = `{"version":4,"serial":3,"lineage":"L-a","resources":[{"mode":"managed","instances":[{},{}]},{"mode":"data","instances":[{}]}]}`
	stateB = `{"version":4,"serial":1,"lineage":"L-b","resources":[]}`
)

func TestParseStateCountsManagedInstances(t *testing.T) {
	st, err := ParseState([]byte(stateA))
	if err != nil || st.Resources != 2 || st.Lineage != "L-a" || st.Serial != 3 {
		t.Errorf("ParseState = %+v, %v", st, err)
	}
	if _, err := ParseState([]byte(`{"hello":1}`)); err == nil {
		t.Errorf("a JSON object without lineage parsed as a state")
	}
	if st, err := ParseState(nil); err != nil || st.Lineage != "" {
		t.Errorf("empty object: %+v, %v", st, err)
	}
}

func TestCheckLocationFindsStateUnderOtherKey(t *testing.T) {
	s := &Store{Objects: &memObjects{objs: map[string][]byte{"app.tfstate": []byte(stateA)}}, Bucket: "b"}
	_, err := CheckLocation(context.Background(), s, "1/app.tfstate", []string{"1/app.tfstate", "app.tfstate"})
	var e *ElsewhereError
	if !errors.As(err, &e) || e.Other != "app.tfstate" || e.Resources != 2 {
		t.Fatalf("CheckLocation = %v", err)
	}
	if !strings.Contains(err.Error(), "deployer tf state move --from app.tfstate --to 1/app.tfstate") {
		t.Errorf("no fix in %q", err)
	}
	if _, err := CheckLocation(context.Background(), s, "app.tfstate", []string{"1/app.tfstate"}); err != nil {
		t.Errorf("chosen key with state refused: %v", err)
	}
}

func TestMoveRefusesOtherLineageAndIsIdempotent(t *testing.T) {
	objs := &memObjects{objs: map[string][]byte{"old": []byte(stateA), "new": []byte(stateB)}}
	s := &Store{Objects: objs, Bucket: "b"}
	o := MoveOptions{From: "old", To: "new", Now: time.Unix(0, 0)}
	if _, err := Move(context.Background(), s, o); !errors.Is(err, ErrLineage) {
		t.Fatalf("other lineage: %v", err)
	}
	delete(objs.objs, "new")
	objs.failPut = errors.New("connection reset")
	if _, err := Move(context.Background(), s, o); err == nil || string(objs.objs["old"]) != stateA {
		t.Fatalf("failed write: %v, old %q", err, objs.objs["old"])
	}
	objs.failPut = nil
	res, err := Move(context.Background(), s, o)
	if err != nil || !res.Copied || string(objs.objs["new"]) != stateA || string(objs.objs["old"]) != stateA {
		t.Fatalf("move: %+v, %v", res, err)
	}
	res, err = Move(context.Background(), s, o)
	if err != nil || res.Copied {
		t.Errorf("rerun: %+v, %v", res, err)
	}
	objs.objs["old.tflock"] = []byte("{}")
	var locked *LockedError
	if _, err := Move(context.Background(), s, o); !errors.As(err, &locked) {
		t.Errorf("held .tflock: %v", err)
	}
}
