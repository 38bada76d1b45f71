/**
 * The desk's ICU messages: both catalogs have the same ids, every message parses, and Arabic
 * plurals take their six forms (Intl.PluralRules: 0 zero, 1 one, 2 two, 3–10 few, 11–99 many,
 * 100–102 other). Expected sentences written out by hand.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { FIELD_FORMS, REASON_FORMS } from '../../../api/http/reasons';
import { ar } from '../../../desk/src/i18n/ar';
import { fr } from '../../../desk/src/i18n/fr';
import { workKindValues } from '../../../desk/generated/api';
import labels from '../../../desk/generated/labels.json';

const format = (locale: string, message: string, values: Record<string, number>) =>
  new IntlMessageFormat(message, locale).format(values) as string;

it('has the same message ids in Arabic and French, each of them a valid ICU message', () => {
  expect(Object.keys(ar).sort()).toEqual(Object.keys(fr).sort());
  for (const [locale, catalog] of [
    ['ar-MA', ar],
    ['fr-MA', fr],
  ] as const) {
    for (const [id, message] of Object.entries(catalog)) {
      expect(() => new IntlMessageFormat(message, locale)).not.toThrow();
      expect([id, message.trim().length > 0]).toEqual([id, true]);
    }
  }
});

it('says working days in the six plural forms of Arabic', () => {
  const say = (count: number) => format('ar-MA', ar['due.inWorkingDays'], { count });
  expect(say(0)).toBe('خلال 0 يوم عمل');
  expect(say(1)).toBe('خلال يوم عمل واحد');
  expect(say(2)).toBe('خلال يومي عمل');
  expect(say(3)).toBe('خلال 3 أيام عمل');
  expect(say(10)).toBe('خلال 10 أيام عمل');
  expect(say(11)).toBe('خلال 11 يوم عمل');
  expect(say(100)).toBe('خلال 100 يوم عمل');
});

it('says lateness in Arabic and French as people say it', () => {
  expect(format('ar-MA', ar['due.overdueDays'], { count: 1 })).toBe('متأخر بيوم واحد');
  expect(format('ar-MA', ar['due.overdueDays'], { count: 2 })).toBe('متأخر بيومين');
  expect(format('ar-MA', ar['due.overdueDays'], { count: 5 })).toBe('متأخر بـ5 أيام');
  expect(format('ar-MA', ar['due.overdueDays'], { count: 12 })).toBe('متأخر بـ12 يوماً');
  expect(format('ar-MA', ar['due.inHours'], { count: 2 })).toBe('خلال ساعتين');
  expect(format('fr-MA', fr['due.overdueDays'], { count: 2 })).toBe('en retard de 2 jours');
  expect(format('fr-MA', fr['due.inWorkingDays'], { count: 1 })).toBe('dans 1 jour ouvrable');
  expect(format('fr-MA', fr['due.inWorkingDays'], { count: 3 })).toBe('dans 3 jours ouvrables');
});

it('counts the work list in both languages', () => {
  expect(format('ar-MA', ar['work.count'], { count: 0 })).toBe('لا يوجد أي ملف');
  expect(format('ar-MA', ar['work.count'], { count: 1 })).toBe('ملف واحد');
  expect(format('ar-MA', ar['work.count'], { count: 2 })).toBe('ملفان');
  expect(format('ar-MA', ar['work.count'], { count: 7 })).toBe('7 ملفات');
  expect(format('ar-MA', ar['work.count'], { count: 25 })).toBe('25 ملفاً');
  // Morocco's locales group thousands with a dot (CLDR), in Arabic and in French.
  expect(format('ar-MA', ar['work.count'], { count: 1000 })).toBe('1.000 ملف');
  expect(format('fr-MA', fr['work.count'], { count: 1000 })).toBe('1.000 dossiers');
});

it("counts the work list's tasks and names each kind of work in both languages", () => {
  expect(format('ar-MA', ar['work.items'], { count: 0 })).toBe('لا توجد أي مهمة');
  expect(format('ar-MA', ar['work.items'], { count: 1 })).toBe('مهمة واحدة');
  expect(format('ar-MA', ar['work.items'], { count: 2 })).toBe('مهمتان');
  expect(format('ar-MA', ar['work.items'], { count: 4 })).toBe('4 مهام');
  expect(format('ar-MA', ar['work.items'], { count: 11 })).toBe('11 مهمة');
  expect(format('ar-MA', ar['work.itemsOverdue'], { count: 2 })).toBe('مهمتان متأخرتان');
  expect(format('fr-MA', fr['work.items'], { count: 1 })).toBe('1 tâche');
  expect(format('fr-MA', fr['work.items'], { count: 1000 })).toBe('1.000 tâches');
  expect(format('fr-MA', fr['work.itemsOverdue'], { count: 0 })).toBe('aucune en retard');
  const kind = (locale: string, message: string, k: string, count: number) =>
    new IntlMessageFormat(message, locale).format({ kind: k, count }) as string;
  expect(kind('fr-MA', fr['work.kind.withCount'], fr['work.kind.approval'], 3)).toBe('À valider (3)');
  expect(kind('ar-MA', ar['work.kind.withCount'], ar['work.kind.escalation'], 12)).toBe('تصعيد (12)');
  for (const k of workKindValues) {
    expect([k, `work.kind.${k}` in fr, `work.kind.${k}` in ar]).toEqual([k, true, true]);
  }
});

it('says every coded reason and field error of the API in both languages (api/http/reasons.ts)', () => {
  const reasons = new Set(REASON_FORMS.map((f) => f.code));
  // zod's kinds of issue (api/http/validate.ts issueCode) and the API's own checks.
  const fields = new Set([
    ...['required', 'invalidType', 'invalid', 'tooShort', 'tooLong', 'tooFew', 'tooMany', 'tooSmall'],
    ...['tooLarge', 'notMultipleOf', 'invalidFormat', 'invalidOption', 'unknownField'],
    ...FIELD_FORMS.map((f) => f.code),
  ]);
  const missing = [
    ...[...reasons].map((c) => `reason.${c}`),
    ...[...fields].map((c) => `fieldError.${c}`),
  ].filter((id) => !(id in fr) || !(id in ar));
  expect(missing).toEqual([]);
  expect(format('fr-MA', fr['fieldError.tooShort'], { minimum: 2 })).toBe('au moins 2 caractères');
  expect(format('ar-MA', ar['fieldError.tooShort'], { minimum: 2 })).toBe('حرفان على الأقل');
  expect(format('ar-MA', ar['fieldError.tooFew'], { minimum: 1 })).toBe('اختاروا عنصراً واحداً على الأقل');
  expect(new IntlMessageFormat(fr['fieldError.invalidFormat'], 'fr-MA').format({ format: 'date' })).toBe(
    'date invalide (AAAA-MM-JJ)',
  );
});

it("says why a unit cannot be deactivated, its people and open cases counted in each language's plurals", () => {
  const say = (locale: string, message: string, staff: number, cases: number) =>
    new IntlMessageFormat(message, locale).format({ unit: 'unit-x', staff, cases }) as string;
  expect(say('fr-MA', fr['reason.unit.notEmpty'], 2, 1)).toBe(
    'L’unité unit-x compte encore 2 membres actifs et 1 dossier ouvert : déplacez-les d’abord.',
  );
  expect(say('ar-MA', ar['reason.unit.notEmpty'], 2, 11)).toBe(
    'ما تزال الوحدة unit-x تضم موظفَين نشيطَين و11 ملفاً مفتوحاً: انقلوهم أولاً.',
  );
  expect(say('ar-MA', ar['reason.unit.notEmpty'], 1, 3)).toBe(
    'ما تزال الوحدة unit-x تضم موظفاً نشيطاً واحداً و3 ملفات مفتوحة: انقلوهم أولاً.',
  );
});

describe('role labels', () => {
  it('names every staff role in French and Arabic, those no mail names included', () => {
    const roles = [
      'handler',
      'supervisor',
      'coordinator',
      'committee',
      'partner',
      'mediator',
      'operations',
      'auditor',
      'admin',
      'nationalAdmin',
    ];
    for (const language of ['fr', 'ar'] as const) {
      expect(Object.keys(labels[language].roles).sort()).toEqual([...roles].sort());
    }
    expect(labels.fr.roles.nationalAdmin).toBe('administrateur national (ministère)');
    expect(labels.ar.roles.admin).toBe('المسؤول الإقليمي عن التنظيم');
  });
});
