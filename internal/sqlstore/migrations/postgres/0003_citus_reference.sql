-- On Citus (CITUS.md), the foundation's tables are small shared tables:
-- reference tables, copied to every node, so that per-county tables can
-- reference them. Referenced tables first. On plain PostgreSQL
-- weijian_distribute does nothing.
SELECT weijian_distribute('org_level');
SELECT weijian_distribute('facility_type');
SELECT weijian_distribute('org_unit');
SELECT weijian_distribute('org_unit_version');
SELECT weijian_distribute('population');
SELECT weijian_distribute('app_user');
SELECT weijian_distribute('user_grant');
SELECT weijian_distribute('login_throttle');
SELECT weijian_distribute('user_session');
SELECT weijian_distribute('audit_log');
