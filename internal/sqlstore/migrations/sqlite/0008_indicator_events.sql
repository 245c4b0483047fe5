-- 0008 indicator engine (internal/indicator). events(stage, rule) counts a
-- stage's events of a county over a span of days in one query: without
-- the first index that query scans every event of the county. persons(p,
-- rule) over the well-known columns (enrolled, 规范 = standard, control)
-- reads the second index alone, not the rows' JSON.
CREATE INDEX IF NOT EXISTS service_event_stage ON service_event (county_code, programme, stage, event_date);
CREATE INDEX IF NOT EXISTS person_year_flags ON person_year (county_code, programme, year, village_path, managed, standard, controlled);
