-- 0009 targets (任务数/目标值): one annual target per indicator, org unit and
-- year, in the indicator's own unit (a count of persons, or a percentage
-- for a % rate). method says how it was set: entered, imported, or
-- allocated from the parent (population, hand). Changes are audited
-- (audit_log, action target.set). county_code is the first six digits of
-- the unit's code, as for the per-resident tables.
CREATE TABLE target (
    county_code TEXT NOT NULL,
    indicator   TEXT NOT NULL,
    org_unit_id INTEGER NOT NULL REFERENCES org_unit (id),
    year        INTEGER NOT NULL,
    value       REAL NOT NULL,
    method      TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (county_code, indicator, org_unit_id, year)
);
CREATE INDEX target_unit ON target (county_code, org_unit_id, year);
