package engine

import (
	"crypto/sha256"
	"encoding/binary"
)

// Bucket salts used by Decide.
const (
	SaltHoldout = "holdout"
	SaltVariant = "variant"
)

// BucketCount is the number of buckets: a bucket is in 0..BucketCount-1, so one percent is 100 buckets.
const BucketCount = 10000

// Bucket places a device in one of 10000 buckets for a campaign: the first 8 bytes of
// SHA-256(salt+":"+campaignRef+":"+deviceID), big-endian, modulo 10000.
func Bucket(salt, campaignRef, deviceID string) uint64 {
	sum := sha256.Sum256([]byte(salt + ":" + campaignRef + ":" + deviceID))
	return binary.BigEndian.Uint64(sum[:8]) % BucketCount
}
