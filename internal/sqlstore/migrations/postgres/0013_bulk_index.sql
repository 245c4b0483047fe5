-- 0013 the secondary indexes a bulk load of residents (the demo) dropped,
-- to be built again when the load ends (resident_bulk.go). A row stays
-- only while a load runs, or after one that was killed: Open builds the
-- listed indexes again, so a database never stays without them. A small
-- shared table: a reference table on Citus.
CREATE TABLE bulk_index (
    name text NOT NULL PRIMARY KEY,
    tbl  text NOT NULL,
    sql  text NOT NULL
);
SELECT weijian_distribute('bulk_index');

-- person_year_unit (county_code, programme, year, village_path) is a prefix
-- of person_year_flags (0008), which serves every query it served: one
-- B-tree less to keep on each write of a year status.
DROP INDEX person_year_unit;
