package engine

import (
	"crypto/sha256"
	"testing"
)

// refBucket computes a bucket the long way, independently of Bucket, so the tests can catch a
// change of the hashing or byte order.
func refBucket(salt, campaignRef, deviceID string) uint64 {
	h := sha256.New()
	for _, part := range []string{salt, ":", campaignRef, ":", deviceID} {
		h.Write([]byte(part))
	}
	sum := h.Sum(nil)
	var n uint64
	for _, b := range sum[:8] {
		n = n<<8 | uint64(b)
	}
	return n % 10000
}

func TestBucketVectors(t *testing.T) {
	tests := []struct {
		salt, campaign, device string
		want                   uint64
	}{
		{"variant", "onboarding-ab", "dev-1", 1950},
		{"holdout", "onboarding-ab", "dev-1", 4150},
	}
	for _, tt := range tests {
		if got := Bucket(tt.salt, tt.campaign, tt.device); got != tt.want {
			t.Errorf("Bucket(%q, %q, %q) = %d, want %d", tt.salt, tt.campaign, tt.device, got, tt.want)
		}
	}
}

func TestBucketMatchesReference(t *testing.T) {
	for _, salt := range []string{SaltHoldout, SaltVariant, ""} {
		for _, campaign := range []string{"onboarding-ab", "a", ""} {
			for _, device := range []string{"dev-1", "dev-2", "", "ü:x"} {
				if got, want := Bucket(salt, campaign, device), refBucket(salt, campaign, device); got != want {
					t.Errorf("Bucket(%q, %q, %q) = %d, want %d", salt, campaign, device, got, want)
				}
			}
		}
	}
}

func TestBucketRange(t *testing.T) {
	seen := make(map[bool]bool)
	for i := range 20000 {
		b := Bucket(SaltVariant, "c", deviceName(i))
		if b >= BucketCount {
			t.Fatalf("bucket %d out of range", b)
		}
		seen[b < 5000] = true
	}
	if !seen[true] || !seen[false] {
		t.Errorf("buckets do not spread over both halves: %v", seen)
	}
}
