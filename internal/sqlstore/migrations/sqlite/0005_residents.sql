-- 0003 residents: the master index (居民主索引), programme enrollments,
-- service events with their edit history, and the per-person-per-year
-- status kept on write for indicators.
--
-- Every table here is per-resident, so it is distributed by county_code on
-- Citus (CITUS.md): county_code text NOT NULL, part of every primary key
-- and unique constraint; ids come from identity columns (unique
-- province-wide, so a move between counties keeps them); foreign keys are
-- inline here; the PostgreSQL migration adds them with ALTER TABLE (rule 4) and between
-- distributed tables always include county_code (rule 3).

CREATE TABLE person (
    county_code  TEXT NOT NULL,
    id           INTEGER NOT NULL,
    doc_type     TEXT NOT NULL,
    doc_number   TEXT,
    doc_checked  BOOLEAN NOT NULL,
    name         TEXT NOT NULL,
    pinyin       TEXT NOT NULL,
    sex          INTEGER NOT NULL CHECK (sex IN (0, 1, 2, 9)),
    birth_date   DATE NOT NULL,
    village_id   INTEGER NOT NULL,
    village_path TEXT NOT NULL,
    address      TEXT NOT NULL,
    phone        TEXT NOT NULL,
    household    TEXT NOT NULL,
    doctor_id    INTEGER,
    death_date   DATE,
    merged_into  INTEGER,
    source_id    TEXT,
    version      INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (county_code, id),
    UNIQUE (county_code, doc_type, doc_number),
    UNIQUE (county_code, source_id),
    FOREIGN KEY (village_id) REFERENCES org_unit (id)
);
CREATE INDEX person_id ON person (id);
CREATE INDEX person_name ON person (county_code, name);
CREATE INDEX person_pinyin ON person (county_code, pinyin);
CREATE INDEX person_phone ON person (county_code, phone);
CREATE INDEX person_village ON person (county_code, village_path);
CREATE INDEX person_household ON person (county_code, household);
CREATE INDEX person_birth ON person (county_code, birth_date);

CREATE TABLE enrollment (
    county_code TEXT NOT NULL,
    id          INTEGER NOT NULL,
    person_id   INTEGER NOT NULL,
    programme   TEXT NOT NULL,
    enrolled_on DATE NOT NULL,
    org_unit_id INTEGER NOT NULL,
    org_path    TEXT NOT NULL,
    vals        TEXT NOT NULL,
    ended_on    DATE,
    end_reason  TEXT NOT NULL,
    source_id   TEXT,
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (county_code, id),
    UNIQUE (county_code, source_id),
    FOREIGN KEY (county_code, person_id) REFERENCES person (county_code, id),
    FOREIGN KEY (org_unit_id) REFERENCES org_unit (id)
);
CREATE INDEX enrollment_id ON enrollment (id);
CREATE INDEX enrollment_person ON enrollment (county_code, person_id, programme);
CREATE INDEX enrollment_org ON enrollment (county_code, org_path);

CREATE TABLE service_event (
    county_code TEXT NOT NULL,
    id          INTEGER NOT NULL,
    person_id   INTEGER NOT NULL,
    programme   TEXT NOT NULL,
    stage       TEXT NOT NULL,
    event_date  DATE NOT NULL,
    org_unit_id INTEGER NOT NULL,
    org_path    TEXT NOT NULL,
    vals        TEXT NOT NULL,
    voided      BOOLEAN NOT NULL,
    void_reason TEXT NOT NULL,
    source_id   TEXT,
    version     INTEGER NOT NULL,
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (county_code, id),
    UNIQUE (county_code, source_id),
    FOREIGN KEY (county_code, person_id) REFERENCES person (county_code, id),
    FOREIGN KEY (org_unit_id) REFERENCES org_unit (id)
);
CREATE INDEX service_event_id ON service_event (id);
CREATE INDEX service_event_person ON service_event (county_code, person_id, programme, event_date);
CREATE INDEX service_event_org ON service_event (county_code, org_path);

CREATE TABLE event_version (
    county_code TEXT NOT NULL,
    event_id    INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    event_date  DATE NOT NULL,
    vals        TEXT NOT NULL,
    action      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (county_code, event_id, version),
    FOREIGN KEY (county_code, event_id) REFERENCES service_event (county_code, id)
);

CREATE TABLE person_year (
    county_code  TEXT NOT NULL,
    person_id    INTEGER NOT NULL,
    programme    TEXT NOT NULL,
    year         INTEGER NOT NULL,
    village_path TEXT NOT NULL,
    events       INTEGER NOT NULL,
    last_date    DATE,
    managed      BOOLEAN NOT NULL,
    standard     BOOLEAN NOT NULL,
    controlled   INTEGER NOT NULL,
    status       TEXT NOT NULL,
    vals         TEXT NOT NULL,
    PRIMARY KEY (county_code, person_id, programme, year),
    FOREIGN KEY (county_code, person_id) REFERENCES person (county_code, id)
);
CREATE INDEX person_year_unit ON person_year (county_code, programme, year, village_path);
