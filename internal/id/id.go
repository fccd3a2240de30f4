// Package id makes the unique names deployer hands AWS: idempotency tokens,
// StackSet operation ids, change-set name suffixes, lock ids. One generator,
// so each is random, readable as deployer's, and valid where it goes.
package id

import (
	"crypto/rand"
	"encoding/hex"
)

// Hex is n random bytes as 2n hexadecimal characters.
func Hex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// New is prefix, a dash and 16 random bytes in hex: 41 characters for
// "deployer", valid as a ClientRequestToken ([a-zA-Z0-9][-a-zA-Z0-9]*, at
// most 128) and as a StackSet OperationId, and saying who made it.
func New(prefix string) string { return prefix + "-" + Hex(16) }
