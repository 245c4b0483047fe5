-- 0013 the secondary indexes a bulk load of residents (the demo) dropped,
-- to be built again when the load ends (resident_bulk.go). A row stays
-- only while a load runs, or after one that was killed: Open builds the
-- listed indexes again, so a database never stays without them.
CREATE TABLE bulk_index (
    name TEXT NOT NULL PRIMARY KEY,
    tbl  TEXT NOT NULL,
    sql  TEXT NOT NULL
);

-- person_year_unit (county_code, programme, year, village_path) is a prefix
-- of person_year_flags (0008), which serves every query it served: one
-- B-tree less to keep on each write of a year status.
DROP INDEX person_year_unit;
