-- Nothing to do on SQLite: the PostgreSQL migration of this number makes
-- the foundation's tables Citus reference tables (CITUS.md).
SELECT 1;
