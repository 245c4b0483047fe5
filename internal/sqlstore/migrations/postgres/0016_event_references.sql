-- 0016 service_event's two references (its person, its unit) checked once
-- per statement instead of once per row, on plain PostgreSQL.
--
-- A foreign key checks each inserted row with its own query (an RI
-- trigger call through SPI: executor start-up, an index probe, a FOR KEY
-- SHARE lock): measured, the two of service_event were about 40% of the
-- server's CPU in a bulk import (BENCHMARKS.md, issue 13). Here one
-- statement-level trigger reads the statement's new rows once (a
-- transition table) and refuses the statement, with SQLSTATE 23503 and
-- the old constraint's name, when a person or unit they name is missing.
-- It looks up each distinct person and unit once (an import names each
-- person ten times or so: measured, 108,000–116,000 rows per server CPU-s
-- by COPY instead of 82,000–98,000 looking up every row's).
-- The parent side keeps the foreign keys' NO ACTION: deleting a person or
-- a unit that an event names, or changing its key, is refused (a
-- statement trigger on DELETE, a row trigger on UPDATE that runs only
-- when the key changes). What changes for a caller: nothing but the speed.
--
-- Concurrency. A foreign key locks each parent row it checks (FOR KEY
-- SHARE), so that a delete of that row waits for the inserting
-- transaction. Here the rare side pays instead (persons and units are
-- deleted only when the demo clears a county): before its check, a
-- delete or key change of a person or unit locks service_event in SHARE
-- mode, which waits for every transaction that is writing events and
-- keeps new writers out until it ends; its check then sees every event
-- committed. An insert that checked its person while the delete was not
-- yet committed is seen by that check; one that comes after the delete
-- committed does not find the person. (Measured: locking each inserted
-- event's person cost 2 µs of the server's CPU per event.)
--
-- On Citus the foreign keys stay (CITUS.md rule 10: no triggers on
-- distributed tables): the triggers are made only in a block that returns
-- first when the citus extension is there, which TestCitusRules accepts
-- and the Citus check of scripts/check runs.
-- SQLite keeps its foreign keys (it has no statement-level triggers; its
-- import meets its goal with them).
--
-- SchemaSummary reads the references from the insert trigger's comment,
-- so both dialects still show the same schema (testdata/schema.golden).
CREATE OR REPLACE FUNCTION weijian_event_refs() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    r record;
BEGIN
    -- A person is probed by id (index person_id: ids are unique
    -- province-wide), its county compared under "C" so that no index
    -- led by county_code can serve the probe. Seen without this, while
    -- person had no statistics yet (persons just loaded, no ANALYZE):
    -- the planner probed through person_household (county_code alone)
    -- and filtered every person of the county for each key, 180 ms for a
    -- statement of 1,000 events. (Planning each statement afresh with
    -- EXECUTE did not help — the planner still guessed 1,000 rows — and
    -- cost a single event's write 0.5–1 ms.) PL/pgSQL keeps the plan for
    -- the session until person's statistics change.
    SELECT n.county_code, n.person_id INTO r FROM (SELECT DISTINCT county_code, person_id FROM new_rows) n
     WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id = n.person_id AND p.county_code COLLATE "C" = n.county_code)
     LIMIT 1;
    IF r IS NOT NULL THEN
        RAISE EXCEPTION 'insert or update on table "service_event" violates foreign key constraint "service_event_person_fk"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'service_event_person_fk', TABLE = 'service_event',
                  DETAIL = format('Key (county_code, person_id)=(%s, %s) is not present in table "person".', r.county_code, r.person_id);
    END IF;
    SELECT n.org_unit_id INTO r FROM (SELECT DISTINCT org_unit_id FROM new_rows) n
     WHERE NOT EXISTS (SELECT 1 FROM org_unit o WHERE o.id = n.org_unit_id)
     LIMIT 1;
    IF r IS NOT NULL THEN
        RAISE EXCEPTION 'insert or update on table "service_event" violates foreign key constraint "service_event_org_fk"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'service_event_org_fk', TABLE = 'service_event',
                  DETAIL = format('Key (org_unit_id)=(%s) is not present in table "org_unit".', r.org_unit_id);
    END IF;
    RETURN NULL;
END
$f$;

-- A deleted person (statement) or a person whose key changes (row) that
-- an event still names.
CREATE OR REPLACE FUNCTION weijian_person_event_refs() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    r record;
BEGIN
    LOCK TABLE service_event IN SHARE MODE;
    IF TG_LEVEL = 'ROW' THEN
        SELECT OLD.county_code, OLD.id AS person_id INTO r
         WHERE EXISTS (SELECT 1 FROM service_event e WHERE e.county_code = OLD.county_code AND e.person_id = OLD.id);
    ELSE
        EXECUTE 'SELECT e.county_code, e.person_id FROM old_rows o
                   JOIN service_event e ON e.county_code = o.county_code AND e.person_id = o.id
                  LIMIT 1' INTO r;
    END IF;
    IF r IS NOT NULL THEN
        RAISE EXCEPTION 'update or delete on table "person" violates foreign key constraint "service_event_person_fk" on table "service_event"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'service_event_person_fk', TABLE = 'service_event',
                  DETAIL = format('Key (county_code, id)=(%s, %s) is still referenced from table "service_event".', r.county_code, r.person_id);
    END IF;
    RETURN NULL;
END
$f$;

-- The same for a unit (service_event has no index on org_unit_id: a
-- delete of units reads the events once per statement, as the foreign
-- key read them once per unit).
CREATE OR REPLACE FUNCTION weijian_unit_event_refs() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
    r record;
BEGIN
    LOCK TABLE service_event IN SHARE MODE;
    IF TG_LEVEL = 'ROW' THEN
        SELECT OLD.id INTO r WHERE EXISTS (SELECT 1 FROM service_event e WHERE e.org_unit_id = OLD.id);
    ELSE
        EXECUTE 'SELECT o.id FROM old_rows o
                  WHERE EXISTS (SELECT 1 FROM service_event e WHERE e.org_unit_id = o.id)
                  LIMIT 1' INTO r;
    END IF;
    IF r IS NOT NULL THEN
        RAISE EXCEPTION 'update or delete on table "org_unit" violates foreign key constraint "service_event_org_fk" on table "service_event"'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'service_event_org_fk', TABLE = 'service_event',
                  DETAIL = format('Key (id)=(%s) is still referenced from table "service_event".', r.id);
    END IF;
    RETURN NULL;
END
$f$;

DO $plain$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    ALTER TABLE service_event DROP CONSTRAINT service_event_person_fk;
    ALTER TABLE service_event DROP CONSTRAINT service_event_org_fk;
    CREATE TRIGGER service_event_refs_insert AFTER INSERT ON service_event
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION weijian_event_refs();
    CREATE TRIGGER service_event_refs_update AFTER UPDATE ON service_event
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION weijian_event_refs();
    COMMENT ON TRIGGER service_event_refs_insert ON service_event IS
        'references: (county_code,person_id) -> person (county_code,id) ON DELETE NO ACTION; (org_unit_id) -> org_unit (id) ON DELETE NO ACTION';
    CREATE TRIGGER person_event_refs_delete AFTER DELETE ON person
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION weijian_person_event_refs();
    CREATE TRIGGER person_event_refs_update AFTER UPDATE ON person FOR EACH ROW
        WHEN (OLD.county_code IS DISTINCT FROM NEW.county_code OR OLD.id IS DISTINCT FROM NEW.id)
        EXECUTE FUNCTION weijian_person_event_refs();
    CREATE TRIGGER org_unit_event_refs_delete AFTER DELETE ON org_unit
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION weijian_unit_event_refs();
    CREATE TRIGGER org_unit_event_refs_update AFTER UPDATE ON org_unit FOR EACH ROW
        WHEN (OLD.id IS DISTINCT FROM NEW.id)
        EXECUTE FUNCTION weijian_unit_event_refs();
END
$plain$;
