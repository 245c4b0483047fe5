package web

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// Web imports are two steps: the upload is checked and previewed, then
// confirmed. Between them the file stays on the server, keyed by its
// SHA-256 and the user who sent it, so the confirm applies exactly the
// previewed bytes (the form carries only the hash) and nobody else's.
// Kept in memory: a preview is short-lived, and a restart only asks the
// user to upload again; a deployment of several servers behind one
// address needs sticky sessions for the import page.
const (
	uploadMax      = 20 << 20         // bytes per file
	uploadTTL      = 30 * time.Minute // a preview older than this must be uploaded again
	uploadsMaxHeld = 100 << 20        // bytes held for all users; the oldest go first
)

// staged is an uploaded file waiting for its confirm.
type staged struct {
	hash      string
	user      int64
	kind      string // "orgunits" or "population"
	name      string
	data      []byte
	validFrom time.Time // orgunits: the date new names take effect
	at        time.Time
}

// uploads holds staged files.
type uploads struct {
	mu  sync.Mutex
	m   map[string]*staged // by user and hash
	now func() time.Time
}

func newUploads(now func() time.Time) *uploads {
	return &uploads{m: map[string]*staged{}, now: now}
}

// put stages a file and returns its hash; it drops expired files, and
// the oldest ones while more than uploadsMaxHeld bytes are held.
func (u *uploads) put(st *staged) string {
	sum := sha256.Sum256(st.data)
	st.hash, st.at = hex.EncodeToString(sum[:]), u.now()
	u.mu.Lock()
	defer u.mu.Unlock()
	u.m[uploadKeyOf(st.user, st.hash)] = st
	for {
		held, oldest := 0, ""
		for k, x := range u.m {
			if u.now().Sub(x.at) > uploadTTL {
				delete(u.m, k)
				continue
			}
			held += len(x.data)
			if oldest == "" || x.at.Before(u.m[oldest].at) {
				oldest = k
			}
		}
		if held <= uploadsMaxHeld || u.m[oldest] == st {
			break
		}
		delete(u.m, oldest)
	}
	return st.hash
}

// get returns the user's staged file with hash, if it is still held; the
// bytes are checked against the hash once more.
func (u *uploads) get(user int64, hash string) (*staged, bool) {
	u.mu.Lock()
	st, ok := u.m[uploadKeyOf(user, hash)]
	u.mu.Unlock()
	if !ok || u.now().Sub(st.at) > uploadTTL {
		return nil, false
	}
	sum := sha256.Sum256(st.data)
	return st, hex.EncodeToString(sum[:]) == hash
}

// drop forgets a staged file (after its import).
func (u *uploads) drop(user int64, hash string) {
	u.mu.Lock()
	delete(u.m, uploadKeyOf(user, hash))
	u.mu.Unlock()
}

func uploadKeyOf(user int64, hash string) string { return strconv.FormatInt(user, 10) + "/" + hash }
