-- 0011 work lists: the open enrollments of a programme, so that a list of
-- enrolled patients (高血压/糖尿病本季度未随访, 签约续约) reads those
-- enrollments and their persons instead of every resident of the county.
CREATE INDEX enrollment_open ON enrollment (county_code, programme, person_id) WHERE ended_on IS NULL;
