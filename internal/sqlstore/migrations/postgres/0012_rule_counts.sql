-- 0012 rule counts: the persons(…)/events(…) counts of the indicator
-- engine kept per county, rule, year, month and village, maintained by
-- every write of the rows they count (docs/design.md, "Rule counts").
-- rule_mark is the registry: a rule counted whole for a county and year,
-- with what the count means (function, programme, stage, rule text and
-- the kinds of its fields), so that any process's writes keep it exact.
CREATE TABLE rule_mark (
    county_code text NOT NULL,
    rule_key    text NOT NULL,
    year        integer NOT NULL,
    function    text NOT NULL,
    programme   text NOT NULL,
    stage       text NOT NULL,
    rule        text NOT NULL,
    fields      text NOT NULL,
    PRIMARY KEY (county_code, rule_key, year)
);
SELECT weijian_distribute('rule_mark', 'county_code');
-- month is 0 for persons(…) (whole years), 1–12 for events(…).
CREATE TABLE rule_count (
    county_code  text NOT NULL,
    rule_key     text NOT NULL,
    year         integer NOT NULL,
    month        integer NOT NULL,
    village_path text COLLATE "C" NOT NULL,
    n            bigint NOT NULL,
    PRIMARY KEY (county_code, rule_key, year, month, village_path)
);
SELECT weijian_distribute('rule_count', 'county_code');
-- One row per county: the lock a counting (FOR UPDATE) and the writers
-- (FOR SHARE) take, so that no write falls between a count and its mark.
CREATE TABLE rule_lock (
    county_code text NOT NULL,
    PRIMARY KEY (county_code)
);
SELECT weijian_distribute('rule_lock', 'county_code');
