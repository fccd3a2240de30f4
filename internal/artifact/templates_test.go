package artifact

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestUploadTemplateIsContentAddressedOwnerCheckedAndPathStyle: a large
// template goes where packaged code goes, under its full hash, once, with
// the bucket owner checked, at a URL that works for dotted bucket names.
func TestUploadTemplateIsContentAddressedOwnerCheckedAndPathStyle(t *testing.T) {
	api := newFakeS3()
	api.region = "eu-west-1"
	up := Templates{API: api, Options: Options{Bucket: "artifacts.example", Prefix: "222222222222", Region: "eu-west-1", ExpectedBucketOwner: "111111111111"}}
	body := []byte("Resources: {}\n")
	sum := sha256.Sum256(body)
	wantKey := "222222222222/app/" + hex.EncodeToString(sum[:]) + ".template"

	for range 2 {
		url, err := up.UploadTemplate(context.Background(), "app", body)
		if err != nil {
			t.Fatal(err)
		}
		if want := "https://s3.eu-west-1.amazonaws.com/artifacts.example/" + wantKey; url != want {
			t.Errorf("url %q, want %q", url, want)
		}
	}
	if len(api.puts) != 1 {
		t.Fatalf("%d uploads, want 1 (the second finds the object)", len(api.puts))
	}
	put := api.puts[0]
	if aws.ToString(put.Key) != wantKey || aws.ToString(put.ExpectedBucketOwner) != "111111111111" {
		t.Errorf("put %s owner %s, want %s owned by 111111111111", aws.ToString(put.Key), aws.ToString(put.ExpectedBucketOwner), wantKey)
	}
}

func TestUploadTemplateRefusesABucketInAnotherRegion(t *testing.T) {
	api := newFakeS3()
	api.region = "us-west-2"
	_, err := Templates{API: api, Options: Options{Bucket: "b", Region: "eu-west-1"}}.UploadTemplate(context.Background(), "app", []byte("x"))
	var re *RegionError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a RegionError", err)
	}
}
