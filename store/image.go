package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Image is an uploaded picture, stored in the database so a backup stays one file, and addressed by
// the SHA-256 of its bytes so its URL can be cached forever.
type Image struct {
	Hash        string
	ContentType string
	Width       int
	Height      int
	Data        []byte
}

// ImageHash is the content address of data.
func ImageHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// PutImage stores img (if not already there) and fills in its Hash.
func (t *Tx) PutImage(ctx context.Context, img *Image) error {
	img.Hash = ImageHash(img.Data)
	_, err := t.tx.ExecContext(ctx, `INSERT INTO images (hash, content_type, width, height, data, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (hash) DO NOTHING`, img.Hash, img.ContentType, img.Width, img.Height, img.Data, formatTime(t.now))
	if err != nil {
		return fmt.Errorf("store.PutImage: %w", err)
	}
	return nil
}

// Image loads an image by hash.
func (s Reader) Image(ctx context.Context, hash string) (Image, error) {
	var img Image
	err := s.q.QueryRowContext(ctx, `SELECT hash, content_type, width, height, data FROM images WHERE hash = ?`, hash).
		Scan(&img.Hash, &img.ContentType, &img.Width, &img.Height, &img.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return img, fmt.Errorf("store.Image: %w", ErrNotFound)
	}
	if err != nil {
		return img, fmt.Errorf("store.Image: %w", err)
	}
	return img, nil
}
