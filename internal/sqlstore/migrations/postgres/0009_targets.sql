-- 0009 targets (任务数/目标值): one annual target per indicator, org unit and
-- year, in the indicator's own unit (a count of persons, or a percentage
-- for a % rate). method says how it was set: entered, imported, or
-- allocated from the parent (population, hand). Changes are audited
-- (audit_log, action target.set). Per-county data: distributed by
-- county_code (the first six digits of the unit's code) on Citus, the
-- foreign key to the org-unit tree (a reference table) added after.
CREATE TABLE target (
    county_code text NOT NULL,
    indicator   text NOT NULL,
    org_unit_id bigint NOT NULL,
    year        integer NOT NULL,
    value       double precision NOT NULL,
    method      text NOT NULL,
    updated_by  text NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, indicator, org_unit_id, year)
);
CREATE INDEX target_unit ON target (county_code, org_unit_id, year);
SELECT weijian_distribute('target', 'county_code');
ALTER TABLE target ADD FOREIGN KEY (org_unit_id) REFERENCES org_unit (id);
