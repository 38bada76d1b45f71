-- Demo organisation: province DEMO with one person per role (its administrator and the ministry's
-- national administrator included), a second province OTHR for transfers and cross-province
-- checks, and one partner of each type. The country's prefectures and provinces are reference
-- data (migration 20261201300100), not demo data. Idempotent: safe to run at every start.
INSERT INTO "provinces" ("code", "name_fr", "name_ar") VALUES
  ('DEMO', 'Province de démonstration', 'إقليم تجريبي'),
  ('OTHR', 'Autre province', 'إقليم آخر')
ON CONFLICT DO NOTHING;

INSERT INTO "units" ("id", "province_code", "kind", "name") VALUES
  ('unit-demo-upe', 'DEMO', 'protectionUnit', 'Unité de protection de l''enfance (démo)'),
  ('unit-demo-cape', 'DEMO', 'supportCentre', 'Centre d''accompagnement pour la protection de l''enfance (démo)'),
  ('unit-demo-mobile', 'DEMO', 'mobileUnit', 'Unité mobile d''aide sociale (démo)'),
  ('unit-othr-upe', 'OTHR', 'protectionUnit', 'Unité de protection de l''enfance (autre)')
ON CONFLICT DO NOTHING;

INSERT INTO "partners" ("id", "province_code", "partner_type", "name", "focal_email") VALUES
  ('partner-demo-health', 'DEMO', 'health', 'Centre de santé (démo)', 'health@partners.demo.example'),
  ('partner-demo-prosecutor', 'DEMO', 'prosecutor', 'Parquet, cellule enfance (démo)', 'prosecutor@partners.demo.example'),
  ('partner-demo-police', 'DEMO', 'police', 'Brigade des mineurs (démo)', 'police@partners.demo.example'),
  ('partner-demo-school', 'DEMO', 'school', 'Direction provinciale de l''éducation (démo)', 'school@partners.demo.example'),
  ('partner-demo-civilRegistry', 'DEMO', 'civilRegistry', 'Bureau d''état civil (démo)', 'civilregistry@partners.demo.example'),
  ('partner-demo-careInstitution', 'DEMO', 'careInstitution', 'Établissement de protection sociale (démo)', 'careinstitution@partners.demo.example'),
  ('partner-demo-association', 'DEMO', 'association', 'Association partenaire (démo)', 'association@partners.demo.example'),
  ('partner-demo-mobileUnit', 'DEMO', 'mobileUnit', 'Unité mobile (démo)', 'mobileunit@partners.demo.example')
ON CONFLICT DO NOTHING;

INSERT INTO "staff" ("id", "province_code", "unit_id", "role", "display_name", "email", "language", "partner_id") VALUES
  ('staff-demo-handler', 'DEMO', 'unit-demo-upe', 'handler', 'Assistante sociale (démo)', 'handler@demo.example', 'fr', NULL),
  ('staff-demo-supervisor', 'DEMO', 'unit-demo-upe', 'supervisor', 'رئيسة الوحدة (تجريبي)', 'supervisor@demo.example', 'ar', NULL),
  ('staff-demo-coordinator', 'DEMO', 'unit-demo-cape', 'coordinator', 'Coordinateur du CAPE (démo)', 'coordinator@demo.example', 'fr', NULL),
  ('staff-demo-committee', 'DEMO', 'unit-demo-cape', 'committee', 'Secrétariat du comité provincial (démo)', 'committee@demo.example', 'fr', NULL),
  ('staff-demo-partner', 'DEMO', NULL, 'partner', 'Point focal santé (démo)', 'partner@demo.example', 'fr', 'partner-demo-health'),
  ('staff-demo-mediator', 'DEMO', 'unit-demo-cape', 'mediator', 'Médiatrice sociale (démo)', 'mediator@demo.example', 'ar', NULL),
  ('staff-demo-operations', 'DEMO', NULL, 'operations', 'Exploitation (démo)', 'operations@demo.example', 'en', NULL),
  ('staff-demo-auditor', 'DEMO', NULL, 'auditor', 'Inspection (démo)', 'auditor@demo.example', 'fr', NULL),
  ('staff-othr-handler', 'OTHR', 'unit-othr-upe', 'handler', 'Assistant social (autre)', 'handler@othr.example', 'fr', NULL),
  ('staff-othr-supervisor', 'OTHR', 'unit-othr-upe', 'supervisor', 'Chef d''unité (autre)', 'supervisor@othr.example', 'fr', NULL),
  ('staff-othr-coordinator', 'OTHR', 'unit-othr-upe', 'coordinator', 'Coordinatrice (autre)', 'coordinator@othr.example', 'fr', NULL),
  ('staff-othr-committee', 'OTHR', 'unit-othr-upe', 'committee', 'Comité provincial (autre)', 'committee@othr.example', 'fr', NULL),
  ('staff-demo-admin', 'DEMO', NULL, 'admin', 'Administration provinciale (démo)', 'admin@demo.example', 'fr', NULL),
  ('staff-demo-nationalAdmin', 'DEMO', NULL, 'nationalAdmin', 'Administration centrale (ministère)', 'national-admin@ministry.example', 'fr', NULL)
ON CONFLICT DO NOTHING;
