-- 0001 core: org-unit tree, population, users, sessions, audit.
-- The org-unit tree and metadata are small reference tables (copied to every
-- Citus node). None of these tables is per-resident, so none carries a
-- county_code column (CITUS.md rule 1).

CREATE TABLE org_level (
    key     TEXT PRIMARY KEY,
    rank    INTEGER NOT NULL UNIQUE,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE facility_type (
    key     TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE org_unit (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    level         TEXT NOT NULL REFERENCES org_level (key),
    facility_type TEXT REFERENCES facility_type (key),
    uscc          TEXT,
    parent_id     INTEGER REFERENCES org_unit (id),
    path          TEXT NOT NULL,
    depth         INTEGER NOT NULL,
    pinyin        TEXT NOT NULL DEFAULT '',
    valid_from    DATE NOT NULL,
    valid_to      DATE,
    replaced_by   INTEGER REFERENCES org_unit (id),
    updated_at    TIMESTAMP NOT NULL
);
-- One current unit per code; closed units keep their code (codes are never reused).
CREATE UNIQUE INDEX org_unit_code_current ON org_unit (code) WHERE valid_to IS NULL;
CREATE INDEX org_unit_code ON org_unit (code);
CREATE UNIQUE INDEX org_unit_path ON org_unit (path);
CREATE INDEX org_unit_parent ON org_unit (parent_id);
-- No index on pinyin here: SQLite's LIKE is case-insensitive and cannot use a
-- plain index for 'x%' (PostgreSQL's "C" collation can), so it would only slow imports.

CREATE TABLE org_unit_version (
    org_unit_id INTEGER NOT NULL REFERENCES org_unit (id),
    valid_from  DATE NOT NULL,
    valid_to    DATE,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES org_unit (id),
    PRIMARY KEY (org_unit_id, valid_from)
);

CREATE TABLE population (
    org_unit_id INTEGER NOT NULL REFERENCES org_unit (id),
    year        INTEGER NOT NULL,
    sex         INTEGER NOT NULL CHECK (sex IN (0, 1, 2)),
    age_from    INTEGER NOT NULL CHECK (age_from >= 0),
    age_to      INTEGER NOT NULL CHECK (age_to > age_from),
    count       INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (org_unit_id, year, sex, age_from, age_to)
);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);

-- Usernames are unique whatever their case (login is case-insensitive).
CREATE UNIQUE INDEX app_user_username_lower ON app_user (lower(username));

CREATE TABLE user_grant (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    org_unit_id INTEGER REFERENCES org_unit (id)
);
CREATE INDEX user_grant_user ON user_grant (user_id);

CREATE TABLE login_throttle (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    first_at     TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

CREATE TABLE user_session (
    id           TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TIMESTAMP NOT NULL,
    user_id INTEGER,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '',
    ip      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
