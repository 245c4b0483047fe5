-- 0012 rule counts: the persons(…)/events(…) counts of the indicator
-- engine kept per county, rule, year, month and village, maintained by
-- every write of the rows they count (docs/design.md, "Rule counts").
-- rule_mark is the registry: a rule counted whole for a county and year,
-- with what the count means (function, programme, stage, rule text and
-- the kinds of its fields), so that any process's writes keep it exact.
CREATE TABLE rule_mark (
    county_code TEXT NOT NULL,
    rule_key    TEXT NOT NULL,
    year        INTEGER NOT NULL,
    function    TEXT NOT NULL,
    programme   TEXT NOT NULL,
    stage       TEXT NOT NULL,
    rule        TEXT NOT NULL,
    fields      TEXT NOT NULL,
    PRIMARY KEY (county_code, rule_key, year)
);
-- month is 0 for persons(…) (whole years), 1–12 for events(…).
CREATE TABLE rule_count (
    county_code  TEXT NOT NULL,
    rule_key     TEXT NOT NULL,
    year         INTEGER NOT NULL,
    month        INTEGER NOT NULL,
    village_path TEXT NOT NULL,
    n            INTEGER NOT NULL,
    PRIMARY KEY (county_code, rule_key, year, month, village_path)
);
-- One row per county: the lock a counting (FOR UPDATE) and the writers
-- (FOR SHARE) take on PostgreSQL; unused on SQLite, whose writers are
-- serialised.
CREATE TABLE rule_lock (
    county_code TEXT NOT NULL,
    PRIMARY KEY (county_code)
);
