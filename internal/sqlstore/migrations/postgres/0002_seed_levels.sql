-- 0002 built-in org-unit levels and facility types. Levels are data: a
-- deployment may add its own (e.g. a 片区 between county and town) with a
-- rank in between.
INSERT INTO org_level (key, rank, name_zh, name_en) VALUES
    ('province', 10, '省', 'Province'),
    ('city',     20, '市', 'City'),
    ('county',   30, '县（区）', 'County'),
    ('town',     40, '乡镇（街道）', 'Township'),
    ('village',  50, '村（社区）', 'Village'),
    ('facility', 90, '机构', 'Facility');

INSERT INTO facility_type (key, name_zh, name_en, sort) VALUES
    ('health_commission', '卫生健康委员会', 'Health commission', 10),
    ('cdc',               '疾病预防控制中心', 'Center for disease control', 20),
    ('mch',               '妇幼保健院（所）', 'Maternal and child health hospital', 30),
    ('county_hospital',   '县级综合医院', 'County general hospital', 40),
    ('tcm_hospital',      '中医医院', 'Traditional Chinese medicine hospital', 50),
    ('specialist_hospital', '专科医院', 'Specialist hospital', 60),
    ('private_hospital',  '民营医院', 'Private hospital', 70),
    ('township_hc',       '乡镇卫生院', 'Township health centre', 80),
    ('community_hc',      '社区卫生服务中心', 'Community health service centre', 90),
    ('community_station', '社区卫生服务站', 'Community health service station', 100),
    ('village_clinic',    '村卫生室', 'Village clinic', 110),
    ('clinic',            '诊所（门诊部）', 'Clinic', 120),
    ('supervision',       '卫生监督所', 'Health supervision institute', 130),
    ('other',             '其他卫生机构', 'Other health institution', 900);
