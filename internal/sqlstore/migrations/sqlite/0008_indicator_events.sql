-- 0008 indicator engine: events(stage, rule) counts a stage's events of a
-- county over a span of days in one query (internal/indicator); without
-- this index that query scans every event of the county.
CREATE INDEX service_event_stage ON service_event (county_code, programme, stage, event_date);
