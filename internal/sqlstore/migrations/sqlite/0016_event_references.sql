-- 0016 on PostgreSQL, service_event's references to its person and unit
-- are checked once per statement by triggers instead of per row by
-- foreign keys (see the PostgreSQL migration). SQLite keeps its foreign
-- keys: it has no statement-level triggers, and a foreign-key check there
-- is one index probe inside the same process. Nothing to change.
SELECT 1;
