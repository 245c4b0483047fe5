-- 0004 aggregate data values (报表): one value per data set, element, org
-- unit, period and option combo; every change kept in data_value_history;
-- completeness registrations (a zero report is a completion with no
-- values, recorded explicitly). Data set and element codes name the
-- metadata files (metadata/datasets/*.yaml); periods are canonical
-- (2024-01, 2024Q1, 2024).
CREATE TABLE data_value (
    dataset     TEXT NOT NULL,
    element     TEXT NOT NULL,
    org_unit_id INTEGER NOT NULL REFERENCES org_unit (id),
    period      TEXT NOT NULL,
    combo       TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, org_unit_id, period, element, combo)
);
CREATE INDEX data_value_unit ON data_value (org_unit_id, period);

CREATE TABLE data_value_history (
    id          INTEGER PRIMARY KEY,
    dataset     TEXT NOT NULL,
    element     TEXT NOT NULL,
    org_unit_id INTEGER NOT NULL REFERENCES org_unit (id),
    period      TEXT NOT NULL,
    combo       TEXT NOT NULL DEFAULT '',
    old_value   TEXT,
    new_value   TEXT,
    changed_by  TEXT NOT NULL,
    changed_at  TIMESTAMP NOT NULL
);
CREATE INDEX data_value_history_key ON data_value_history (dataset, org_unit_id, period);

CREATE TABLE dataset_completion (
    dataset      TEXT NOT NULL,
    org_unit_id  INTEGER NOT NULL REFERENCES org_unit (id),
    period       TEXT NOT NULL,
    zero_report  BOOLEAN NOT NULL DEFAULT FALSE,
    completed_by TEXT NOT NULL,
    completed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, org_unit_id, period)
);
