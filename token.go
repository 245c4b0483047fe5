package weijian

import "time"

// APIToken is a personal access token for the JSON API. A user creates it
// for themselves; it acts with the user's own grants (never more, and less
// when ReadOnly), until it expires or is revoked. Only the SHA-256 of the
// token is stored (Hash); the token itself is shown once.
type APIToken struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"-"`
	Name       string    `json:"name"`
	Hash       string    `json:"-"`
	ReadOnly   bool      `json:"readOnly"`
	CreatedAt  time.Time `json:"createdAt"`
	ExpiresAt  time.Time `json:"expiresAt"`
	LastUsedAt time.Time `json:"lastUsedAt,omitzero"`
}

// PasswordChange is a new password hash for an account, stored together
// with its consequences: the account's sessions end, its login locks are
// cleared and the change is audited, all in one transaction.
type PasswordChange struct {
	UserID     int64
	Username   string
	Hash       string
	MustChange bool // someone else chose it: change at the next login
	Audit      AuditEntry
}
