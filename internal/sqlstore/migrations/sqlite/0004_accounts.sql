-- 0004 accounts: forced password changes, login limits by address as well as
-- by name, known devices, personal access tokens, and audit entries bound to
-- an org unit (imports) so that scoped administrators see them.

-- A password set by someone else (a reset, a generated password) must be
-- changed at the next login.
ALTER TABLE app_user ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- login_throttle now counts failures per key: a login name ("admin"), a
-- name from one address ("admin@192.0.2.1") or an address ("@192.0.2.1").
ALTER TABLE login_throttle RENAME COLUMN username TO key;

-- A browser that has logged in to an account before (OWASP "device
-- cookies"): it passes the account-wide lock. Only the SHA-256 of the
-- cookie is kept.
CREATE TABLE login_device (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX login_device_user ON login_device (user_id);

-- Personal access tokens for the JSON API; only the SHA-256 of the token
-- is kept.
CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    read_only    BOOLEAN NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_token_user ON api_token (user_id);

-- The org unit (its path) an entry is about, '' when none: an import is
-- shown to the administrators whose scope covers it.
ALTER TABLE audit_log ADD COLUMN unit_path TEXT NOT NULL DEFAULT '';
