/** E-mail templates: complete tables for the protocol's words, right-to-left Arabic, no child data. */
import { latenessFor } from '../../../activities/notifications/activities';
import {
  languageOf,
  LANGUAGES,
  renderCaseOpened,
  renderDigest,
  renderEscalation,
  renderNotice,
  TABLES,
  type EscalationMessage,
} from '../../../activities/notifications/templates';
import { loadProtocol } from '../../../protocol';
import { RUNG_RECIPIENTS } from '../../../activities/notifications/recipients';

const protocol = loadProtocol({ version: 1 });

const escalation = (extra: Partial<EscalationMessage> = {}): EscalationMessage => ({
  reference: 'DEMO-2027-000042',
  province: 'Province de démonstration (DEMO)',
  step: 'assessment',
  dueAt: new Date('2027-01-06T23:00:00Z'), // end of Wednesday 6 January, Casablanca
  late: { unit: 'workingDays', amount: 1 },
  level: 1,
  role: 'supervisor',
  fellThrough: [],
  caseUrl: 'http://cases.test/cases/1234',
  previousUnreachable: null,
  ...extra,
});

describe('language tables', () => {
  it.each(LANGUAGES)('%s names every step, channel and escalation role of protocol v1', (language) => {
    const t = TABLES[language];
    for (const step of Object.keys(protocol.steps)) expect(t.steps).toHaveProperty([step]);
    for (const channel of protocol.channels) expect(t.channels).toHaveProperty([channel]);
    const roles = Object.values(protocol.ladders).flatMap((l) => l.rungs.map((r) => r.role));
    for (const role of [...roles, ...Object.keys(RUNG_RECIPIENTS)]) expect(t.roles).toHaveProperty([role]);
    for (const service of Object.keys(protocol.services)) expect(t.services).toHaveProperty([service]);
    for (const reason of protocol.closureReasons) expect(t.closureReasons).toHaveProperty([reason]);
    // Every string filled in.
    const strings = JSON.stringify(t).match(/"[^"]*"/g) ?? [];
    expect(strings).not.toContain('""');
  });

  it('falls back to English for an unknown or missing language', () => {
    expect(languageOf('ar')).toBe('ar');
    expect(languageOf('fr')).toBe('fr');
    expect(languageOf('de')).toBe('en');
    expect(languageOf(null)).toBe('en');
  });
});

describe('escalation message', () => {
  it('is right-to-left Arabic with the protocol’s words, exact subject and the deadline as the end of the day', () => {
    const m = renderEscalation('ar', escalation());
    expect(m.subject).toBe('[DEMO-2027-000042] مرحلة متأخرة: التشخيص — المستوى 1، رئيس الوحدة');
    expect(m.html).toMatch(/^<!doctype html><html lang="ar" dir="rtl">/);
    expect(m.html).toContain('<body dir="rtl"');
    expect(m.text).toContain('الأجل: نهاية يوم الأربعاء، 6 يناير 2027');
    expect(m.text).toContain('التأخير: يوم عمل واحد');
    expect(m.text).toContain('مستوى التصعيد: المستوى 1 — رئيس الوحدة');
    expect(m.text).toContain('فتح الملف: http://cases.test/cases/1234');
  });

  it('is left-to-right French and English, and says when the deadline is only reached (a reminder)', () => {
    const fr = renderEscalation('fr', escalation());
    expect(fr.subject).toBe(
      '[DEMO-2027-000042] Étape en retard : diagnostic — niveau 1, responsable de l’unité',
    );
    expect(fr.html).toContain('<html lang="fr" dir="ltr">');
    expect(fr.text).toContain('Échéance: fin de journée du mercredi 6 janvier 2027');
    expect(fr.text).toContain('Retard: 1 jour ouvrable');
    const en = renderEscalation(
      'en',
      escalation({ level: 0, role: 'handler', late: { unit: 'hours', amount: 0 } }),
    );
    expect(en.subject).toBe('[DEMO-2027-000042] Reminder: assessment is due');
    expect(en.text).toContain('Late by: deadline reached');
    expect(en.html).toContain('<body dir="ltr"');
  });

  it('counts lateness with each language’s plural rules', () => {
    const late = (language: 'ar' | 'fr' | 'en', unit: 'hours' | 'workingDays', amount: number) =>
      renderEscalation(language, escalation({ late: { unit, amount } }))
        .text.split('\n')
        .find((l) => l.startsWith(TABLES[language].escalation.labels.late));
    expect(late('ar', 'workingDays', 2)).toBe('التأخير: يوما عمل');
    expect(late('ar', 'workingDays', 3)).toBe('التأخير: 3 أيام عمل');
    expect(late('ar', 'workingDays', 11)).toBe('التأخير: 11 يوم عمل');
    expect(late('ar', 'hours', 2)).toBe('التأخير: ساعتان');
    expect(late('fr', 'hours', 2)).toBe('Retard: 2 heures');
    expect(late('en', 'workingDays', 5)).toBe('Late by: 5 working days');
  });

  it('says when the rung fell through and when the previous level could not be reached', () => {
    const m = renderEscalation(
      'fr',
      escalation({ role: 'coordinator', fellThrough: ['supervisor'], previousUnreachable: 'handler' }),
    );
    expect(m.text).toContain(
      'Ce message était destiné à : responsable de l’unité. Personne n’occupe ce rôle pour ce dossier ; il vous revient.',
    );
    expect(m.text).toContain(
      'Le niveau précédent (travailleur social chargé du dossier) n’a pas pu être joint.',
    );
    expect(m.html).toContain('<strong>Le niveau précédent');
  });

  it('escapes what it puts into HTML', () => {
    const m = renderEscalation('en', escalation({ reference: 'X<script>' }));
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('X&lt;script&gt;');
  });

  it('shows a clock-hour deadline with its time in Casablanca (UTC+1 in winter, UTC+0 in Ramadan)', () => {
    const winter = renderEscalation('en', escalation({ dueAt: new Date('2027-01-06T09:30:00Z') }));
    expect(winter.text).toContain('Deadline: Wednesday, 6 January 2027 at 10:30');
    // Ramadan 2027 (Morocco sets its clocks to UTC+0).
    const ramadan = renderEscalation('en', escalation({ dueAt: new Date('2027-02-20T09:30:00Z') }));
    expect(ramadan.text).toContain('at 09:30');
  });
});

describe('lateness as the ladder counts it', () => {
  it('counts working days for a working-day ladder and hours for a clock-hour ladder', () => {
    // Assessment (workingDay ladder) due end of Wed 6 Jan 2027; at the end of Tue 12 Jan
    // (Mon 11 Jan is a holiday): Thu 7, Fri 8, Tue 12 = 3 working days.
    expect(
      latenessFor(
        1,
        'DEMO',
        'assessment',
        new Date('2027-01-06T23:00:00Z'),
        new Date('2027-01-12T23:00:00Z'),
      ),
    ).toEqual({ unit: 'workingDays', amount: 3 });
    expect(
      latenessFor(1, 'DEMO', 'screening', new Date('2027-01-06T08:00:00Z'), new Date('2027-01-06T10:00:00Z')),
    ).toEqual({ unit: 'hours', amount: 2 });
  });
});

describe('case-opened and digest messages', () => {
  it('names the channel and urgency, in Arabic right-to-left', () => {
    const m = renderCaseOpened('ar', {
      reference: 'DEMO-2027-000042',
      province: 'إقليم تجريبي (DEMO)',
      channel: 'school',
      urgent: true,
      receivedAt: new Date('2027-01-06T09:30:00Z'),
      caseUrl: 'http://cases.test/cases/1234',
      fellThrough: [],
    });
    expect(m.subject).toBe('[DEMO-2027-000042] مستعجل — فتح ملف جديد — المدرسة');
    expect(m.text).toContain('الاستعجال: تبليغ مستعجل (الفرز داخل ساعتين)');
    expect(m.html).toContain('<html lang="ar" dir="rtl">');
  });

  it('lists every overdue step with a link to its case', () => {
    const m = renderDigest('fr', {
      unit: 'UPE démo',
      date: '2027-01-07',
      items: [
        {
          reference: 'DEMO-1',
          step: 'screening',
          dueAt: new Date('2027-01-06T09:00:00Z'),
          late: { unit: 'hours', amount: 22 },
          level: 3,
          caseUrl: 'http://cases.test/cases/a',
        },
        {
          reference: 'DEMO-2',
          step: 'planApproval',
          dueAt: new Date('2027-01-05T23:00:00Z'),
          late: { unit: 'workingDays', amount: 1 },
          level: null,
          caseUrl: 'http://cases.test/cases/b',
        },
      ],
    });
    expect(m.subject).toBe('[UPE démo] 2 étape(s) en retard — 2027-01-07');
    expect(m.text).toContain('Étapes en retard dans votre unité au jeudi 7 janvier 2027 :');
    expect(m.text).toContain('2 étapes en retard');
    expect(m.html).toContain('<a href="http://cases.test/cases/a">DEMO-1</a>');
    expect(m.html).toContain(
      '<td>projet de vie (validation)</td><td>fin de journée du mardi 5 janvier 2027</td>',
    );
    expect(m.text).toContain('Escalade: aucune');
  });
});

describe('notices', () => {
  it("tells a partner's focal point of a referral in its words, with the referral's link and no child", () => {
    const m = renderNotice('fr', {
      kind: 'referralSent',
      reference: 'DEMO-2027-000042',
      province: 'Province de démonstration (DEMO)',
      service: 'psychological',
      acknowledgeBy: new Date('2027-01-06T23:00:00Z'),
      url: 'http://cases.test/referrals/r-1',
    });
    expect(m.subject).toBe('[DEMO-2027-000042] Nouvelle orientation : soutien psychologique');
    expect(m.text).toContain('Accusé de réception attendu avant: fin de journée du mercredi 6 janvier 2027');
    expect(m.text).toContain('Ouvrir l’orientation: http://cases.test/referrals/r-1');
  });

  it('tells the supervisor, right to left in Arabic, that a new concern withdrew a closure', () => {
    const m = renderNotice('ar', {
      kind: 'closureWithdrawn',
      reference: 'DEMO-2027-000042',
      province: 'إقليم تجريبي (DEMO)',
      reason: 'objectivesMet',
      concernReceivedAt: new Date('2027-01-06T09:00:00Z'),
      url: 'http://cases.test/cases/c-1',
    });
    expect(m.subject).toBe('[DEMO-2027-000042] سحب طلب إغلاق الملف: تبليغ جديد');
    expect(m.html).toMatch(/^<!doctype html><html lang="ar" dir="rtl">/);
    expect(m.text).toContain('سبب الإغلاق المطلوب: تحقيق الأهداف');
  });

  it("puts a transfer to the receiving province's supervisors, naming both provinces", () => {
    const m = renderNotice('en', {
      kind: 'transferRequested',
      reference: 'DEMO-2027-000042',
      fromProvince: 'Province de démonstration (DEMO)',
      toProvince: 'Autre province (OTHR)',
      answerBy: new Date('2027-01-13T23:00:00Z'),
      url: 'http://cases.test/cases/c-1',
    });
    expect(m.subject).toBe('[DEMO-2027-000042] Transfer request to your province');
    expect(m.text).toContain(
      'Province de démonstration (DEMO) asks your province to take over a child-protection case.',
    );
    expect(m.text).toContain('To province: Autre province (OTHR)');
    expect(m.text).toContain('Answer by: end of Wednesday, 13 January 2027');
  });
});
