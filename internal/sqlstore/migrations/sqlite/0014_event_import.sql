-- 0014 one B-tree less on every service event written.
-- service_event_org (county_code, org_path) serves no query: the events of
-- a unit's subtree are only ever asked per person (resident scope: the
-- facility that served a person), which service_event_person serves. A
-- bulk load killed while the index was dropped leaves it listed in
-- bulk_index: forget it there too, so that Open does not build it again.
DELETE FROM bulk_index WHERE name = 'service_event_org';
DROP INDEX IF EXISTS service_event_org;
