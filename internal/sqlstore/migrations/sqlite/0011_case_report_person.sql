-- 0012 a case report linked to the resident (person) whose ID number it
-- carries, in the same county; NULL when none matches.
ALTER TABLE case_report ADD COLUMN person_id INTEGER;
CREATE INDEX case_report_person_id ON case_report (county_code, person_id);
