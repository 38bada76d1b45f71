-- Reference data: the 12 regions and the 75 prefectures and provinces of Morocco's 2015
-- administrative division (decree 2-15-40 of 20 February 2015, Bulletin officiel n° 6340 of
-- 5 March 2015; 13 prefectures and 62 provinces). Codes are the ISO 3166-2:MA subdivision codes
-- without the "MA-" prefix (regions 01-12, prefectures and provinces three letters), as in the
-- ISO 3166-2:MA list and the ministry of the interior's composition of each region published with
-- the decree. protocol.md cites provincial committees "in 81 provinces" (programme figures); the
-- division itself counts 75. French names as the ISO list spells them, Arabic names as the
-- decree's Arabic edition does, without the words "préfecture"/"province" (عمالة/إقليم): `kind`
-- says which. The demo provinces (DEMO, OTHR) stay in prisma/seed.sql. Existing rows are kept.

INSERT INTO "regions" ("code", "name_fr", "name_ar") VALUES
  ('01', 'Tanger-Tétouan-Al Hoceïma', 'طنجة - تطوان - الحسيمة'),
  ('02', 'L''Oriental', 'الشرق'),
  ('03', 'Fès-Meknès', 'فاس - مكناس'),
  ('04', 'Rabat-Salé-Kénitra', 'الرباط - سلا - القنيطرة'),
  ('05', 'Béni Mellal-Khénifra', 'بني ملال - خنيفرة'),
  ('06', 'Casablanca-Settat', 'الدار البيضاء - سطات'),
  ('07', 'Marrakech-Safi', 'مراكش - آسفي'),
  ('08', 'Drâa-Tafilalet', 'درعة - تافيلالت'),
  ('09', 'Souss-Massa', 'سوس - ماسة'),
  ('10', 'Guelmim-Oued Noun', 'كلميم - واد نون'),
  ('11', 'Laâyoune-Sakia El Hamra', 'العيون - الساقية الحمراء'),
  ('12', 'Dakhla-Oued Ed-Dahab', 'الداخلة - وادي الذهب')
ON CONFLICT DO NOTHING;

INSERT INTO "provinces" ("code", "name_fr", "name_ar", "region_code", "kind") VALUES
  -- 01 Tanger-Tétouan-Al Hoceïma
  ('TNG', 'Tanger-Assilah', 'طنجة - أصيلة', '01', 'prefecture'),
  ('MDF', 'M''diq-Fnideq', 'المضيق - الفنيدق', '01', 'prefecture'),
  ('TET', 'Tétouan', 'تطوان', '01', 'province'),
  ('FAH', 'Fahs-Anjra', 'الفحص - أنجرة', '01', 'province'),
  ('LAR', 'Larache', 'العرائش', '01', 'province'),
  ('HOC', 'Al Hoceïma', 'الحسيمة', '01', 'province'),
  ('CHE', 'Chefchaouen', 'شفشاون', '01', 'province'),
  ('OUZ', 'Ouezzane', 'وزان', '01', 'province'),
  -- 02 L'Oriental
  ('OUJ', 'Oujda-Angad', 'وجدة - أنكاد', '02', 'prefecture'),
  ('NAD', 'Nador', 'الناظور', '02', 'province'),
  ('DRI', 'Driouch', 'الدريوش', '02', 'province'),
  ('JRA', 'Jerada', 'جرادة', '02', 'province'),
  ('BER', 'Berkane', 'بركان', '02', 'province'),
  ('TAI', 'Taourirt', 'تاوريرت', '02', 'province'),
  ('GUF', 'Guercif', 'جرسيف', '02', 'province'),
  ('FIG', 'Figuig', 'فكيك', '02', 'province'),
  -- 03 Fès-Meknès
  ('FES', 'Fès', 'فاس', '03', 'prefecture'),
  ('MEK', 'Meknès', 'مكناس', '03', 'prefecture'),
  ('HAJ', 'El Hajeb', 'الحاجب', '03', 'province'),
  ('IFR', 'Ifrane', 'إفران', '03', 'province'),
  ('MOU', 'Moulay Yacoub', 'مولاي يعقوب', '03', 'province'),
  ('SEF', 'Sefrou', 'صفرو', '03', 'province'),
  ('BOM', 'Boulemane', 'بولمان', '03', 'province'),
  ('TAO', 'Taounate', 'تاونات', '03', 'province'),
  ('TAZ', 'Taza', 'تازة', '03', 'province'),
  -- 04 Rabat-Salé-Kénitra
  ('RAB', 'Rabat', 'الرباط', '04', 'prefecture'),
  ('SAL', 'Salé', 'سلا', '04', 'prefecture'),
  ('SKH', 'Skhirate-Témara', 'الصخيرات - تمارة', '04', 'prefecture'),
  ('KEN', 'Kénitra', 'القنيطرة', '04', 'province'),
  ('KHE', 'Khémisset', 'الخميسات', '04', 'province'),
  ('SIK', 'Sidi Kacem', 'سيدي قاسم', '04', 'province'),
  ('SIL', 'Sidi Slimane', 'سيدي سليمان', '04', 'province'),
  -- 05 Béni Mellal-Khénifra
  ('BEM', 'Béni Mellal', 'بني ملال', '05', 'province'),
  ('AZI', 'Azilal', 'أزيلال', '05', 'province'),
  ('FQH', 'Fquih Ben Salah', 'الفقيه بن صالح', '05', 'province'),
  ('KHN', 'Khénifra', 'خنيفرة', '05', 'province'),
  ('KHO', 'Khouribga', 'خريبكة', '05', 'province'),
  -- 06 Casablanca-Settat
  ('CAS', 'Casablanca', 'الدار البيضاء', '06', 'prefecture'),
  ('MOH', 'Mohammadia', 'المحمدية', '06', 'prefecture'),
  ('JDI', 'El Jadida', 'الجديدة', '06', 'province'),
  ('NOU', 'Nouaceur', 'النواصر', '06', 'province'),
  ('MED', 'Médiouna', 'مديونة', '06', 'province'),
  ('BES', 'Benslimane', 'بنسليمان', '06', 'province'),
  ('BRR', 'Berrechid', 'برشيد', '06', 'province'),
  ('SET', 'Settat', 'سطات', '06', 'province'),
  ('SIB', 'Sidi Bennour', 'سيدي بنور', '06', 'province'),
  -- 07 Marrakech-Safi
  ('MAR', 'Marrakech', 'مراكش', '07', 'prefecture'),
  ('CHI', 'Chichaoua', 'شيشاوة', '07', 'province'),
  ('HAO', 'Al Haouz', 'الحوز', '07', 'province'),
  ('KES', 'El Kelâa des Sraghna', 'قلعة السراغنة', '07', 'province'),
  ('ESI', 'Essaouira', 'الصويرة', '07', 'province'),
  ('REH', 'Rehamna', 'الرحامنة', '07', 'province'),
  ('SAF', 'Safi', 'آسفي', '07', 'province'),
  ('YUS', 'Youssoufia', 'اليوسفية', '07', 'province'),
  -- 08 Drâa-Tafilalet
  ('ERR', 'Errachidia', 'الرشيدية', '08', 'province'),
  ('MID', 'Midelt', 'ميدلت', '08', 'province'),
  ('OUA', 'Ouarzazate', 'ورزازات', '08', 'province'),
  ('TIN', 'Tinghir', 'تنغير', '08', 'province'),
  ('ZAG', 'Zagora', 'زاكورة', '08', 'province'),
  -- 09 Souss-Massa
  ('AGD', 'Agadir-Ida-Ou-Tanane', 'أكادير - إداوتنان', '09', 'prefecture'),
  ('INE', 'Inezgane-Aït Melloul', 'إنزكان - أيت ملول', '09', 'prefecture'),
  ('CHT', 'Chtouka-Aït Baha', 'اشتوكة - أيت باها', '09', 'province'),
  ('TAR', 'Taroudannt', 'تارودانت', '09', 'province'),
  ('TIZ', 'Tiznit', 'تيزنيت', '09', 'province'),
  ('TAT', 'Tata', 'طاطا', '09', 'province'),
  -- 10 Guelmim-Oued Noun
  ('GUE', 'Guelmim', 'كلميم', '10', 'province'),
  ('ASZ', 'Assa-Zag', 'آسا - الزاك', '10', 'province'),
  ('TNT', 'Tan-Tan', 'طانطان', '10', 'province'),
  ('SIF', 'Sidi Ifni', 'سيدي إفني', '10', 'province'),
  -- 11 Laâyoune-Sakia El Hamra
  ('LAA', 'Laâyoune', 'العيون', '11', 'province'),
  ('BOD', 'Boujdour', 'بوجدور', '11', 'province'),
  ('TAF', 'Tarfaya', 'طرفاية', '11', 'province'),
  ('ESM', 'Es-Semara', 'السمارة', '11', 'province'),
  -- 12 Dakhla-Oued Ed-Dahab
  ('OUD', 'Oued Ed-Dahab', 'وادي الذهب', '12', 'province'),
  ('AOU', 'Aousserd', 'أوسرد', '12', 'province')
ON CONFLICT DO NOTHING;
