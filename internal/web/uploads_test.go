package web

import (
	"bytes"
	"testing"
	"time"
)

// A staged upload is found by its user and hash only, expires, and the
// oldest go first when too many bytes are held.
func TestUploadsStaging(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	u := newUploads(func() time.Time { return now })
	h := u.put(&staged{user: 1, data: []byte("a,b\n1,2\n")})
	if st, ok := u.get(1, h); !ok || string(st.data) != "a,b\n1,2\n" {
		t.Fatalf("get own upload: %v %v", st, ok)
	}
	if _, ok := u.get(2, h); ok {
		t.Error("another user got the upload")
	}
	now = now.Add(uploadTTL + time.Second)
	if _, ok := u.get(1, h); ok {
		t.Error("an expired upload was returned")
	}

	big := bytes.Repeat([]byte("x"), uploadsMaxHeld/2+1)
	first := u.put(&staged{user: 1, data: big})
	now = now.Add(time.Second)
	second := u.put(&staged{user: 1, data: append([]byte("y"), big...)})
	if _, ok := u.get(1, first); ok {
		t.Error("the oldest upload was kept past the memory limit")
	}
	if _, ok := u.get(1, second); !ok {
		t.Error("the newest upload was dropped")
	}
	u.drop(1, second)
	if _, ok := u.get(1, second); ok {
		t.Error("a dropped upload was returned")
	}
}
