-- 0003 notifiable-disease surveillance: case reports (传染病报告卡) and their
-- history, daily counts kept current on write, zero reports, signals with
-- their workflow, inbox notifications, the webhook outbox, and the
-- scheduler's lock and run records.
-- Per-resident tables carry county_code in every key (CITUS.md rules 1–2).

CREATE TABLE case_report (
    county_code     TEXT NOT NULL,
    id              INTEGER NOT NULL,
    card_id         TEXT,
    card_no         TEXT NOT NULL DEFAULT '',
    disease         TEXT NOT NULL,
    subtype         TEXT NOT NULL DEFAULT '',
    case_class      TEXT NOT NULL,
    acute_chronic   TEXT NOT NULL DEFAULT '',
    patient_name    TEXT NOT NULL,
    parent_name     TEXT NOT NULL DEFAULT '',
    id_number       TEXT NOT NULL DEFAULT '',
    sex             INTEGER NOT NULL,
    birth_date      DATE,
    age_text        TEXT NOT NULL DEFAULT '',
    occupation      TEXT NOT NULL,
    belongs         TEXT NOT NULL DEFAULT '',
    work_unit       TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    address_code    TEXT NOT NULL,
    address_detail  TEXT NOT NULL DEFAULT '',
    address_unit_id INTEGER NOT NULL REFERENCES org_unit (id),
    address_path    TEXT NOT NULL,
    town_id         INTEGER,
    county_id       INTEGER NOT NULL,
    facility_code   TEXT NOT NULL,
    facility_id     INTEGER NOT NULL REFERENCES org_unit (id),
    facility_path   TEXT NOT NULL,
    doctor          TEXT NOT NULL DEFAULT '',
    onset_date      DATE NOT NULL,
    diagnosed_at    TIMESTAMP NOT NULL,
    death_date      DATE,
    reported_at     TIMESTAMP NOT NULL,
    remark          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    version         INTEGER NOT NULL,
    verified_at     TIMESTAMP,
    verified_by     TEXT NOT NULL DEFAULT '',
    duplicate_of    INTEGER,
    withdraw_reason TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE UNIQUE INDEX case_report_card ON case_report (county_code, card_id);
CREATE INDEX case_report_id ON case_report (id);
CREATE INDEX case_report_address ON case_report (county_code, address_path);
CREATE INDEX case_report_facility ON case_report (facility_path);
CREATE INDEX case_report_reported ON case_report (county_code, reported_at);
CREATE INDEX case_report_person ON case_report (county_code, disease, patient_name);

CREATE TABLE case_report_history (
    county_code TEXT NOT NULL,
    report_id   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    action      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    snapshot    TEXT NOT NULL,
    PRIMARY KEY (county_code, report_id, seq)
);

-- Daily counts per item (disease code or syndromic source), area (county or
-- township) and basis (onset or report date for cases; day for syndromic
-- series), kept current by every write of a card.
CREATE TABLE surveil_count (
    county_code TEXT NOT NULL,
    item        TEXT NOT NULL,
    area_id     INTEGER NOT NULL,
    basis       TEXT NOT NULL,
    day         DATE NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (county_code, item, basis, area_id, day)
);
-- One day's detection reads every series of a county over a few day ranges:
-- a covering index, so the read never visits the table.
CREATE INDEX surveil_count_day ON surveil_count (county_code, basis, day, item, area_id, n);

CREATE TABLE zero_report (
    county_code TEXT NOT NULL,
    facility_id INTEGER NOT NULL REFERENCES org_unit (id),
    day         DATE NOT NULL,
    reported_at TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    PRIMARY KEY (county_code, facility_id, day)
);

CREATE TABLE surveil_signal (
    county_code  TEXT NOT NULL,
    id           INTEGER NOT NULL,
    item         TEXT NOT NULL,
    area_id      INTEGER NOT NULL REFERENCES org_unit (id),
    area_path    TEXT NOT NULL,
    method       TEXT NOT NULL,
    params       TEXT NOT NULL,
    fixed        BOOLEAN NOT NULL,
    window_from  DATE NOT NULL,
    window_to    DATE NOT NULL,
    observed     REAL NOT NULL,
    expected     REAL NOT NULL,
    threshold    REAL NOT NULL,
    merged       INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    responded_at TIMESTAMP,
    responded_by TEXT NOT NULL DEFAULT '',
    judged_at    TIMESTAMP,
    judged_by    TEXT NOT NULL DEFAULT '',
    result_at    TIMESTAMP,
    result_by    TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE UNIQUE INDEX surveil_signal_window ON surveil_signal (county_code, item, area_id, method, window_to);
CREATE INDEX surveil_signal_id ON surveil_signal (id);
CREATE INDEX surveil_signal_created ON surveil_signal (county_code, created_at);

CREATE TABLE signal_event (
    county_code TEXT NOT NULL,
    signal_id   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    at          TIMESTAMP NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (county_code, signal_id, seq)
);

CREATE TABLE notification (
    county_code TEXT NOT NULL,
    id          INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    signal_id   INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP,
    PRIMARY KEY (county_code, id)
);
CREATE INDEX notification_user ON notification (user_id, read_at);

CREATE TABLE webhook_outbox (
    county_code TEXT NOT NULL,
    id          INTEGER NOT NULL,
    signal_id   INTEGER NOT NULL,
    event       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (county_code, id)
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox (sent_at);

-- The scheduler's lease (one detection run at a time, across processes) and
-- the days already run (a restart catches up without running a day twice).
CREATE TABLE job_lock (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE detection_run (
    run_day     DATE PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    signals     INTEGER NOT NULL
);
