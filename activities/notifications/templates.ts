/**
 * Escalation e-mails in Arabic (right-to-left), French and English. Content: case reference,
 * province, late step, deadline, lateness, rung, link — never a child's name or narrative.
 */
export type Language = 'ar' | 'fr' | 'en';

export interface EscalationMessage {
  reference: string;
  province: string;
  step: string;
  dueAt: Date;
  level: number;
  role: string;
  caseUrl: string;
  /** Set when the previous rung could not be reached. */
  previousUnreachable?: boolean;
}

const STEP_NAMES: Record<Language, Record<string, string>> = {
  fr: {
    screening: 'accueil, écoute et tri',
    emergency: 'protection d’urgence',
    judicialNotification: 'signalement au parquet',
    assessment: 'diagnostic',
    planDraft: 'projet de vie (rédaction)',
    planApproval: 'projet de vie (validation)',
    referralAcknowledgement: 'accusé de réception de l’orientation',
    serviceStart: 'démarrage du service',
    referralReassignment: 'réorientation',
    review: 'suivi périodique',
    closureApproval: 'validation de la clôture',
    transferAcceptance: 'acceptation du transfert',
    closureCheckBack: 'contrôle après clôture',
    programme: 'programme d’intégration sociale (évaluation de l’autonomie)',
    programmeReview: 'révision du programme d’intégration',
    exitPlan: 'plan de sortie',
    mediatorContact: 'contact mensuel du médiateur',
    integrationOutcome: 'bilan d’intégration',
  },
  ar: {
    screening: 'الاستقبال والاستماع',
    emergency: 'الحماية الاستعجالية',
    judicialNotification: 'إشعار النيابة العامة',
    assessment: 'التشخيص',
    planDraft: 'إعداد مشروع الحياة',
    planApproval: 'المصادقة على مشروع الحياة',
    referralAcknowledgement: 'الإشعار بتلقي التوجيه',
    serviceStart: 'بدء الخدمة',
    referralReassignment: 'إعادة التوجيه',
    review: 'التتبع الدوري',
    closureApproval: 'المصادقة على إغلاق الملف',
    transferAcceptance: 'قبول التحويل',
    closureCheckBack: 'المراجعة بعد الإغلاق',
    programme: 'برنامج الإدماج الاجتماعي (تقييم الاستقلالية)',
    programmeReview: 'مراجعة برنامج الإدماج',
    exitPlan: 'مخطط الخروج',
    mediatorContact: 'الاتصال الشهري للوسيط الاجتماعي',
    integrationOutcome: 'حصيلة الإدماج',
  },
  en: {
    screening: 'reception and screening',
    emergency: 'emergency protection',
    judicialNotification: 'judicial notification',
    assessment: 'assessment',
    planDraft: 'protection plan (drafting)',
    planApproval: 'protection plan (approval)',
    referralAcknowledgement: 'referral acknowledgement',
    serviceStart: 'service start',
    referralReassignment: 're-referral',
    review: 'periodic review',
    closureApproval: 'closure approval',
    transferAcceptance: 'transfer acceptance',
    closureCheckBack: 'check-back after closure',
    programme: 'integration programme (autonomy assessment)',
    programmeReview: 'integration programme review',
    exitPlan: 'exit plan',
    mediatorContact: 'monthly mediator contact',
    integrationOutcome: 'integration outcome',
  },
};

const TEXT = {
  fr: {
    subject: (m: EscalationMessage, step: string) =>
      `[${m.reference}] Étape en retard : ${step} (niveau ${m.level})`,
    lead: 'Une étape du circuit de protection a dépassé son échéance.',
    labels: ['Dossier', 'Province', 'Étape', 'Échéance', 'Retard', 'Niveau d’escalade'],
    unreachable: 'Le niveau précédent n’a pas pu être joint.',
    open: 'Ouvrir le dossier',
    hours: (h: number) => `${h} h`,
  },
  ar: {
    subject: (m: EscalationMessage, step: string) =>
      `[${m.reference}] مرحلة متأخرة: ${step} (المستوى ${m.level})`,
    lead: 'تجاوزت مرحلة من مسار الحماية أجلها المحدد.',
    labels: ['الملف', 'الإقليم', 'المرحلة', 'الأجل', 'التأخير', 'مستوى التصعيد'],
    unreachable: 'تعذر الوصول إلى المستوى السابق.',
    open: 'فتح الملف',
    hours: (h: number) => `${h} ساعة`,
  },
  en: {
    subject: (m: EscalationMessage, step: string) =>
      `[${m.reference}] Overdue step: ${step} (level ${m.level})`,
    lead: 'A step of the protection circuit has passed its deadline.',
    labels: ['Case', 'Province', 'Step', 'Deadline', 'Late by', 'Escalation level'],
    unreachable: 'The previous level could not be reached.',
    open: 'Open the case',
    hours: (h: number) => `${h} h`,
  },
} as const;

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function renderEscalation(
  language: Language,
  message: EscalationMessage,
  now: Date,
): { subject: string; text: string; html: string } {
  const t = TEXT[language];
  const step = STEP_NAMES[language][message.step] ?? message.step;
  const lateHours = Math.max(0, Math.round((now.getTime() - message.dueAt.getTime()) / 3_600_000));
  const due = new Intl.DateTimeFormat(language === 'ar' ? 'ar-MA' : `${language}-MA`, {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: 'Africa/Casablanca',
  }).format(message.dueAt);
  const values = [message.reference, message.province, step, due, t.hours(lateHours), String(message.level)];
  const rows = t.labels.map((label, i) => [label, values[i] ?? ''] as const);
  const dir = language === 'ar' ? 'rtl' : 'ltr';
  const text = [
    t.lead,
    ...(message.previousUnreachable ? [t.unreachable] : []),
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    `${t.open}: ${message.caseUrl}`,
  ].join('\n');
  const html =
    `<!doctype html><html lang="${language}" dir="${dir}"><head><meta charset="utf-8"></head>` +
    `<body dir="${dir}" style="font-family:sans-serif"><p>${escapeHtml(t.lead)}</p>` +
    (message.previousUnreachable ? `<p><strong>${escapeHtml(t.unreachable)}</strong></p>` : '') +
    `<table dir="${dir}">${rows.map(([l, v]) => `<tr><th>${escapeHtml(l)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>` +
    `<p><a href="${escapeHtml(message.caseUrl)}">${escapeHtml(t.open)}</a></p></body></html>`;
  return { subject: t.subject(message, step), text, html };
}
