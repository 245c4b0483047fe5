-- 0015 work lists: the screening positives not yet followed up (筛查阳性未随访)
-- are read through the few year statuses 'positive' (a few dozen a year in a
-- county), then their persons, instead of every resident of a township or
-- county (resident_work.go, readByList). person_year is distributed by
-- county_code already, so the index needs nothing more on Citus.
CREATE INDEX person_year_positive ON person_year (county_code, year, village_path, person_id)
    WHERE status = 'positive';
