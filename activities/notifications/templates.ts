/**
 * E-mail texts as data: one table per language (Arabic right-to-left, French, English as the
 * fallback), read by one generic renderer. Models carry codes, references and instants only — a
 * child's name or narrative has no field to travel in.
 */
import { dayEndedBy, toLocal, DEFAULT_TIME_ZONE } from '../../protocol';
import type { WatchedStep, EscalationRole } from '../../workflows/deadlines/types';

export type Language = 'ar' | 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['ar', 'fr', 'en'];
export const FALLBACK_LANGUAGE: Language = 'en';

export type Channel =
  | 'hotline'
  | 'school'
  | 'healthFacility'
  | 'police'
  | 'family'
  | 'child'
  | 'association'
  | 'mobileUnit'
  | 'judicial';

/** Counted phrases by plural category (Intl.PluralRules), `{n}` is the number. */
type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export interface LanguageTable {
  locale: string;
  dir: 'ltr' | 'rtl';
  steps: Record<WatchedStep, string>;
  roles: Record<EscalationRole, string>;
  channels: Record<Channel, string>;
  /** `{date}`: a deadline that falls at local midnight is shown as the end of the day before. */
  endOfDay: string;
  lateness: { none: string; hours: Plural; workingDays: Plural };
  open: string;
  openReferral: string;
  /** Protocol service codes (a code the table does not know is shown as is). */
  services: Record<string, string>;
  closureReasons: Record<string, string>;
  notices: {
    closureWithdrawn: {
      subject: string;
      lead: string;
      labels: { case: string; province: string; reason: string; concern: string };
    };
    transferRequested: {
      subject: string;
      lead: string;
      labels: { case: string; from: string; to: string; answerBy: string };
    };
    referralSent: {
      subject: string;
      lead: string;
      labels: { case: string; province: string; service: string; acknowledgeBy: string };
    };
  };
  escalation: {
    subject: string;
    reminderSubject: string;
    lead: string;
    reminderLead: string;
    /** Shown when this rung fell through from a role nobody holds. */
    fellThrough: string;
    unreachable: string;
    level: string;
    labels: { case: string; province: string; step: string; deadline: string; late: string; level: string };
  };
  caseOpened: {
    subject: string;
    urgentSubject: string;
    lead: string;
    fellThrough: string;
    urgent: { yes: string; no: string };
    labels: { case: string; province: string; channel: string; urgency: string; receivedAt: string };
  };
  digest: {
    subject: string;
    lead: string;
    steps: Plural;
    columns: { case: string; step: string; deadline: string; late: string; level: string };
    noLevel: string;
  };
}

const fr: LanguageTable = {
  locale: 'fr-MA',
  dir: 'ltr',
  steps: {
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
  roles: {
    handler: 'travailleur social chargé du dossier',
    supervisor: 'responsable de l’unité',
    coordinator: 'coordinateur du centre d’accompagnement',
    committee: 'secrétariat du comité provincial',
    partner: 'point focal du partenaire',
    mediator: 'médiateur social',
  },
  channels: {
    hotline: 'ligne d’écoute',
    school: 'école',
    healthFacility: 'établissement de santé',
    police: 'police ou gendarmerie',
    family: 'famille',
    child: 'l’enfant lui-même',
    association: 'association',
    mobileUnit: 'unité mobile',
    judicial: 'autorité judiciaire',
  },
  endOfDay: 'fin de journée du {date}',
  lateness: {
    none: 'échéance atteinte',
    hours: { one: '{n} heure', other: '{n} heures' },
    workingDays: { one: '{n} jour ouvrable', other: '{n} jours ouvrables' },
  },
  open: 'Ouvrir le dossier',
  openReferral: 'Ouvrir l’orientation',
  services: {
    medical: 'soins médicaux',
    placement: 'placement',
    psychological: 'soutien psychologique',
    legal: 'assistance juridique',
    socialAssistance: 'assistance sociale',
    education: 'scolarisation',
    civilRegistration: 'inscription à l’état civil',
    familySupport: 'accompagnement familial',
    healthMonitoring: 'suivi de santé',
    streetOutreach: 'travail de rue',
    singleMothersGroup: 'groupe de mères célibataires',
    schoolSupport: 'soutien scolaire',
    socialSkills: 'activités d’habiletés sociales',
  },
  closureReasons: {
    objectivesMet: 'objectifs atteints',
    transferred: 'transfert vers une autre province',
    turned18: 'a atteint 18 ans',
    untraceable: 'introuvable après des recherches documentées',
    deceased: 'décès',
  },
  notices: {
    closureWithdrawn: {
      subject: '[{reference}] Demande de clôture retirée : nouveau signalement',
      lead: 'Un nouveau signalement concernant l’enfant est arrivé pendant que la clôture de ce dossier attendait votre validation. La demande de clôture est retirée ; le dossier revient à l’accueil et au tri.',
      labels: {
        case: 'Dossier',
        province: 'Province',
        reason: 'Motif de clôture demandé',
        concern: 'Nouveau signalement reçu le',
      },
    },
    transferRequested: {
      subject: '[{reference}] Demande de transfert vers votre province',
      lead: '{from} demande à votre province de reprendre un dossier de protection de l’enfance. Vous pouvez consulter le dossier, puis accepter ou refuser le transfert.',
      labels: {
        case: 'Dossier',
        from: 'Province d’origine',
        to: 'Province d’accueil',
        answerBy: 'Réponse attendue avant',
      },
    },
    referralSent: {
      subject: '[{reference}] Nouvelle orientation : {service}',
      lead: 'Un enfant a été orienté vers votre service par le dispositif de protection de l’enfance. Merci d’accuser réception de l’orientation, puis de signaler le démarrage du service.',
      labels: {
        case: 'Dossier',
        province: 'Province',
        service: 'Service demandé',
        acknowledgeBy: 'Accusé de réception attendu avant',
      },
    },
  },
  escalation: {
    subject: '[{reference}] Étape en retard : {step} — niveau {level}, {role}',
    reminderSubject: '[{reference}] Rappel : {step} arrive à échéance',
    lead: 'Une étape du circuit de protection a dépassé son échéance.',
    reminderLead: 'Une étape du circuit de protection arrive à échéance.',
    fellThrough:
      'Ce message était destiné à : {roles}. Personne n’occupe ce rôle pour ce dossier ; il vous revient.',
    unreachable: 'Le niveau précédent ({role}) n’a pas pu être joint.',
    level: 'niveau {level} — {role}',
    labels: {
      case: 'Dossier',
      province: 'Province',
      step: 'Étape',
      deadline: 'Échéance',
      late: 'Retard',
      level: 'Niveau d’escalade',
    },
  },
  caseOpened: {
    subject: '[{reference}] Nouveau dossier ouvert — {channel}',
    urgentSubject: '[{reference}] URGENT — nouveau dossier ouvert — {channel}',
    lead: 'Un nouveau dossier a été ouvert et confié à votre unité.',
    fellThrough: 'Personne n’occupe le rôle {roles} dans l’unité ; ce message vous revient.',
    urgent: { yes: 'signalement urgent (tri sous 2 heures)', no: 'non urgent' },
    labels: {
      case: 'Dossier',
      province: 'Province',
      channel: 'Canal du signalement',
      urgency: 'Urgence',
      receivedAt: 'Reçu le',
    },
  },
  digest: {
    subject: '[{unit}] {count} étape(s) en retard — {date}',
    lead: 'Étapes en retard dans votre unité au {date} :',
    steps: { one: '{n} étape en retard', other: '{n} étapes en retard' },
    columns: { case: 'Dossier', step: 'Étape', deadline: 'Échéance', late: 'Retard', level: 'Escalade' },
    noLevel: 'aucune',
  },
};

const ar: LanguageTable = {
  locale: 'ar-MA',
  dir: 'rtl',
  steps: {
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
  roles: {
    handler: 'المساعد الاجتماعي المكلف بالملف',
    supervisor: 'رئيس الوحدة',
    coordinator: 'منسق مركز المواكبة',
    committee: 'كتابة اللجنة الإقليمية',
    partner: 'نقطة الارتكاز لدى الشريك',
    mediator: 'الوسيط الاجتماعي',
  },
  channels: {
    hotline: 'الخط الهاتفي',
    school: 'المدرسة',
    healthFacility: 'المؤسسة الصحية',
    police: 'الشرطة أو الدرك',
    family: 'الأسرة',
    child: 'الطفل نفسه',
    association: 'جمعية',
    mobileUnit: 'الوحدة المتنقلة',
    judicial: 'السلطة القضائية',
  },
  endOfDay: 'نهاية يوم {date}',
  lateness: {
    none: 'حلّ الأجل',
    hours: {
      zero: '{n} ساعة',
      one: 'ساعة واحدة',
      two: 'ساعتان',
      few: '{n} ساعات',
      many: '{n} ساعة',
      other: '{n} ساعة',
    },
    workingDays: {
      zero: '{n} يوم عمل',
      one: 'يوم عمل واحد',
      two: 'يوما عمل',
      few: '{n} أيام عمل',
      many: '{n} يوم عمل',
      other: '{n} يوم عمل',
    },
  },
  open: 'فتح الملف',
  openReferral: 'فتح التوجيه',
  services: {
    medical: 'العلاج الطبي',
    placement: 'الإيداع',
    psychological: 'الدعم النفسي',
    legal: 'المساعدة القانونية',
    socialAssistance: 'المساعدة الاجتماعية',
    education: 'التمدرس',
    civilRegistration: 'التسجيل في الحالة المدنية',
    familySupport: 'المواكبة الأسرية',
    healthMonitoring: 'التتبع الصحي',
    streetOutreach: 'العمل الميداني في الشارع',
    singleMothersGroup: 'مجموعة الأمهات العازبات',
    schoolSupport: 'الدعم المدرسي',
    socialSkills: 'أنشطة المهارات الاجتماعية',
  },
  closureReasons: {
    objectivesMet: 'تحقيق الأهداف',
    transferred: 'التحويل إلى إقليم آخر',
    turned18: 'بلوغ 18 سنة',
    untraceable: 'تعذر العثور عليه بعد بحث موثق',
    deceased: 'الوفاة',
  },
  notices: {
    closureWithdrawn: {
      subject: '[{reference}] سحب طلب إغلاق الملف: تبليغ جديد',
      lead: 'ورد تبليغ جديد بشأن الطفل بينما كان إغلاق هذا الملف في انتظار مصادقتكم. تم سحب طلب الإغلاق، ويعود الملف إلى مرحلة الاستقبال والاستماع.',
      labels: {
        case: 'الملف',
        province: 'الإقليم',
        reason: 'سبب الإغلاق المطلوب',
        concern: 'تاريخ التوصل بالتبليغ الجديد',
      },
    },
    transferRequested: {
      subject: '[{reference}] طلب تحويل ملف إلى إقليمكم',
      lead: 'يطلب {from} من إقليمكم التكفل بملف لحماية الطفولة. يمكنكم الاطلاع على الملف ثم قبول التحويل أو رفضه.',
      labels: {
        case: 'الملف',
        from: 'الإقليم الأصلي',
        to: 'الإقليم المستقبل',
        answerBy: 'الجواب قبل',
      },
    },
    referralSent: {
      subject: '[{reference}] توجيه جديد: {service}',
      lead: 'تم توجيه طفل إلى مصلحتكم من طرف جهاز حماية الطفولة. المرجو الإشعار بتلقي التوجيه ثم الإخبار ببدء الخدمة.',
      labels: {
        case: 'الملف',
        province: 'الإقليم',
        service: 'الخدمة المطلوبة',
        acknowledgeBy: 'الإشعار بالتلقي قبل',
      },
    },
  },
  escalation: {
    subject: '[{reference}] مرحلة متأخرة: {step} — المستوى {level}، {role}',
    reminderSubject: '[{reference}] تذكير: حلّ أجل {step}',
    lead: 'تجاوزت مرحلة من مسار الحماية أجلها المحدد.',
    reminderLead: 'حلّ أجل مرحلة من مسار الحماية.',
    fellThrough: 'كانت هذه الرسالة موجهة إلى: {roles}. لا أحد يشغل هذه المهمة في هذا الملف، لذا وصلتكم.',
    unreachable: 'تعذر الوصول إلى المستوى السابق ({role}).',
    level: 'المستوى {level} — {role}',
    labels: {
      case: 'الملف',
      province: 'الإقليم',
      step: 'المرحلة',
      deadline: 'الأجل',
      late: 'التأخير',
      level: 'مستوى التصعيد',
    },
  },
  caseOpened: {
    subject: '[{reference}] فتح ملف جديد — {channel}',
    urgentSubject: '[{reference}] مستعجل — فتح ملف جديد — {channel}',
    lead: 'تم فتح ملف جديد وإسناده إلى وحدتكم.',
    fellThrough: 'لا أحد يشغل مهمة {roles} في الوحدة، لذا وصلتكم هذه الرسالة.',
    urgent: { yes: 'تبليغ مستعجل (الفرز داخل ساعتين)', no: 'غير مستعجل' },
    labels: {
      case: 'الملف',
      province: 'الإقليم',
      channel: 'قناة التبليغ',
      urgency: 'الاستعجال',
      receivedAt: 'تاريخ التوصل',
    },
  },
  digest: {
    subject: '[{unit}] مراحل متأخرة: {count} — {date}',
    lead: 'المراحل المتأخرة في وحدتكم بتاريخ {date}:',
    steps: {
      zero: '{n} مرحلة متأخرة',
      one: 'مرحلة متأخرة واحدة',
      two: 'مرحلتان متأخرتان',
      few: '{n} مراحل متأخرة',
      many: '{n} مرحلة متأخرة',
      other: '{n} مرحلة متأخرة',
    },
    columns: { case: 'الملف', step: 'المرحلة', deadline: 'الأجل', late: 'التأخير', level: 'التصعيد' },
    noLevel: 'لا يوجد',
  },
};

const en: LanguageTable = {
  locale: 'en-GB',
  dir: 'ltr',
  steps: {
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
  roles: {
    handler: 'case handler',
    supervisor: 'unit supervisor',
    coordinator: 'support centre coordinator',
    committee: 'provincial committee secretariat',
    partner: 'partner focal point',
    mediator: 'social mediator',
  },
  channels: {
    hotline: 'hotline',
    school: 'school',
    healthFacility: 'health facility',
    police: 'police or gendarmerie',
    family: 'family',
    child: 'the child',
    association: 'association',
    mobileUnit: 'mobile unit',
    judicial: 'judicial authority',
  },
  endOfDay: 'end of {date}',
  lateness: {
    none: 'deadline reached',
    hours: { one: '{n} hour', other: '{n} hours' },
    workingDays: { one: '{n} working day', other: '{n} working days' },
  },
  open: 'Open the case',
  openReferral: 'Open the referral',
  services: {
    medical: 'medical care',
    placement: 'placement',
    psychological: 'psychological support',
    legal: 'legal assistance',
    socialAssistance: 'social assistance',
    education: 'schooling',
    civilRegistration: 'civil registration',
    familySupport: 'family support',
    healthMonitoring: 'health monitoring',
    streetOutreach: 'street outreach',
    singleMothersGroup: 'single mothers’ group',
    schoolSupport: 'school support',
    socialSkills: 'social-skills activities',
  },
  closureReasons: {
    objectivesMet: 'objectives met',
    transferred: 'transferred to another province',
    turned18: 'turned 18',
    untraceable: 'untraceable after documented attempts',
    deceased: 'deceased',
  },
  notices: {
    closureWithdrawn: {
      subject: '[{reference}] Closure request withdrawn: a new concern',
      lead: 'A new concern about the child was reported while the closure of this case was waiting for your approval. The closure request is withdrawn; the case goes back to reception and screening.',
      labels: {
        case: 'Case',
        province: 'Province',
        reason: 'Closure reason asked for',
        concern: 'New concern received',
      },
    },
    transferRequested: {
      subject: '[{reference}] Transfer request to your province',
      lead: '{from} asks your province to take over a child-protection case. You can read the case, then accept or refuse the transfer.',
      labels: {
        case: 'Case',
        from: 'From province',
        to: 'To province',
        answerBy: 'Answer by',
      },
    },
    referralSent: {
      subject: '[{reference}] New referral: {service}',
      lead: 'A child has been referred to your service by the child-protection unit. Please acknowledge the referral, then report when the service starts.',
      labels: {
        case: 'Case',
        province: 'Province',
        service: 'Service asked for',
        acknowledgeBy: 'Acknowledge by',
      },
    },
  },
  escalation: {
    subject: '[{reference}] Overdue step: {step} — level {level}, {role}',
    reminderSubject: '[{reference}] Reminder: {step} is due',
    lead: 'A step of the protection circuit has passed its deadline.',
    reminderLead: 'A step of the protection circuit has reached its deadline.',
    fellThrough:
      'This message was meant for: {roles}. Nobody holds that role for this case, so it comes to you.',
    unreachable: 'The previous level ({role}) could not be reached.',
    level: 'level {level} — {role}',
    labels: {
      case: 'Case',
      province: 'Province',
      step: 'Step',
      deadline: 'Deadline',
      late: 'Late by',
      level: 'Escalation level',
    },
  },
  caseOpened: {
    subject: '[{reference}] New case opened — {channel}',
    urgentSubject: '[{reference}] URGENT — new case opened — {channel}',
    lead: 'A new case has been opened and assigned to your unit.',
    fellThrough: 'Nobody holds the role {roles} in the unit, so this message comes to you.',
    urgent: { yes: 'urgent report (screening within 2 hours)', no: 'not urgent' },
    labels: {
      case: 'Case',
      province: 'Province',
      channel: 'Reported through',
      urgency: 'Urgency',
      receivedAt: 'Received',
    },
  },
  digest: {
    subject: '[{unit}] {count} overdue step(s) — {date}',
    lead: 'Overdue steps in your unit on {date}:',
    steps: { one: '{n} overdue step', other: '{n} overdue steps' },
    columns: { case: 'Case', step: 'Step', deadline: 'Deadline', late: 'Late by', level: 'Escalation' },
    noLevel: 'none',
  },
};

export const TABLES: Readonly<Record<Language, LanguageTable>> = { ar, fr, en };

/** The recipient's language when we have it, else the fallback. */
export function languageOf(value: string | null | undefined): Language {
  return LANGUAGES.find((l) => l === value) ?? FALLBACK_LANGUAGE;
}

// ---- generic rendering ------------------------------------------------------------------------

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

/** Lateness as the ladder counts it: clock hours or whole working days. */
export type Lateness = { unit: 'hours' | 'workingDays'; amount: number };

const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function counted(t: LanguageTable, phrases: Plural, n: number): string {
  const category = new Intl.PluralRules(t.locale).select(n);
  return fill(phrases[category] ?? phrases.other, { n: new Intl.NumberFormat(t.locale).format(n) });
}

/** A step in the protocol's words; a code the table does not know yet is shown as is. */
const stepName = (t: LanguageTable, step: string) => (t.steps as Record<string, string>)[step] ?? step;

function lateness(t: LanguageTable, late: Lateness): string {
  return late.amount <= 0 ? t.lateness.none : counted(t, t.lateness[late.unit], late.amount);
}

/** An instant in the protocol's zone; a working-day deadline (local midnight) reads as "end of <day>". */
export function formatInstant(t: LanguageTable, instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const l = toLocal(instant, timeZone);
  if (l.hour === 0 && l.minute === 0) {
    return fill(t.endOfDay, { date: formatDate(t, dayEndedBy(instant, timeZone)) });
  }
  return new Intl.DateTimeFormat(t.locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(
    instant,
  );
}

/** A local date (YYYY-MM-DD) in words. */
export function formatDate(t: LanguageTable, date: string): string {
  return new Intl.DateTimeFormat(t.locale, { dateStyle: 'full', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );
}

interface Layout {
  dir: 'ltr' | 'rtl';
  language: Language;
  subject: string;
  paragraphs: { text: string; strong?: boolean }[];
  rows: [string, string][];
  table?: { headers: string[]; rows: { cells: string[]; url: string }[] };
  link?: { label: string; url: string };
}

function layout(l: Layout): Rendered {
  const text = [
    ...l.paragraphs.map((p) => p.text),
    '',
    ...l.rows.map(([label, value]) => `${label}: ${value}`),
    ...(l.table
      ? l.table.rows.map(
          (r) => `- ${r.cells.map((c, i) => `${l.table?.headers[i]}: ${c}`).join(' | ')} ${r.url}`,
        )
      : []),
    ...(l.link ? ['', `${l.link.label}: ${l.link.url}`] : []),
  ].join('\n');
  const td = (s: string) => `<td>${escapeHtml(s)}</td>`;
  const html =
    `<!doctype html><html lang="${l.language}" dir="${l.dir}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(l.subject)}</title></head>` +
    `<body dir="${l.dir}" style="font-family:sans-serif;text-align:${l.dir === 'rtl' ? 'right' : 'left'}">` +
    l.paragraphs
      .map((p) => `<p>${p.strong ? `<strong>${escapeHtml(p.text)}</strong>` : escapeHtml(p.text)}</p>`)
      .join('') +
    (l.rows.length
      ? `<table dir="${l.dir}">${l.rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th>${td(v)}</tr>`).join('')}</table>`
      : '') +
    (l.table
      ? `<table dir="${l.dir}" border="1" cellpadding="4"><tr>${l.table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>` +
        l.table.rows
          .map(
            (r) =>
              `<tr><td><a href="${escapeHtml(r.url)}">${escapeHtml(r.cells[0] ?? '')}</a></td>${r.cells.slice(1).map(td).join('')}</tr>`,
          )
          .join('') +
        '</table>'
      : '') +
    (l.link ? `<p><a href="${escapeHtml(l.link.url)}">${escapeHtml(l.link.label)}</a></p>` : '') +
    '</body></html>';
  return { subject: l.subject, text, html };
}

// ---- the three messages -------------------------------------------------------------------------

export interface EscalationMessage {
  reference: string;
  /** Province name as shown to this recipient, with its code. */
  province: string;
  step: WatchedStep;
  dueAt: Date;
  late: Lateness;
  level: number;
  /** The role this rung is for (the recipient holds it, or the roles in `fellThrough` were empty). */
  role: EscalationRole;
  /** Roles of this rung nobody holds, in the order they were tried. */
  fellThrough: EscalationRole[];
  caseUrl: string;
  /** The previous rung's role, when nobody could be reached there. */
  previousUnreachable: EscalationRole | null;
  /** The link leads to the referral, not the case (a partner sees referrals only). */
  linksReferral?: boolean;
}

export function renderEscalation(language: Language, m: EscalationMessage): Rendered {
  const t = TABLES[language];
  const e = t.escalation;
  const step = stepName(t, m.step);
  const role = t.roles[m.role];
  const reminder = m.level === 0 && m.fellThrough.length === 0;
  const roles = m.fellThrough.map((r) => t.roles[r]).join(', ');
  return layout({
    dir: t.dir,
    language,
    subject: fill(reminder ? e.reminderSubject : e.subject, {
      reference: m.reference,
      step,
      level: m.level,
      role,
    }),
    paragraphs: [
      { text: reminder ? e.reminderLead : e.lead },
      ...(m.fellThrough.length ? [{ text: fill(e.fellThrough, { roles }), strong: true }] : []),
      ...(m.previousUnreachable
        ? [{ text: fill(e.unreachable, { role: t.roles[m.previousUnreachable] }), strong: true }]
        : []),
    ],
    rows: [
      [e.labels.case, m.reference],
      [e.labels.province, m.province],
      [e.labels.step, step],
      [e.labels.deadline, formatInstant(t, m.dueAt)],
      [e.labels.late, lateness(t, m.late)],
      [e.labels.level, fill(e.level, { level: m.level, role })],
    ],
    link: { label: m.linksReferral ? t.openReferral : t.open, url: m.caseUrl },
  });
}

export interface CaseOpenedMessage {
  reference: string;
  province: string;
  /** Null if the case has no report on record (it always should). */
  channel: Channel | null;
  urgent: boolean;
  receivedAt: Date;
  caseUrl: string;
  /** Roles of the duty unit nobody holds (the message then goes to the next rung). */
  fellThrough: EscalationRole[];
}

export function renderCaseOpened(language: Language, m: CaseOpenedMessage): Rendered {
  const t = TABLES[language];
  const c = t.caseOpened;
  const channel = m.channel ? t.channels[m.channel] : '—';
  return layout({
    dir: t.dir,
    language,
    subject: fill(m.urgent ? c.urgentSubject : c.subject, { reference: m.reference, channel }),
    paragraphs: [
      { text: c.lead },
      ...(m.fellThrough.length
        ? [
            {
              text: fill(c.fellThrough, { roles: m.fellThrough.map((r) => t.roles[r]).join(', ') }),
              strong: true,
            },
          ]
        : []),
    ],
    rows: [
      [c.labels.case, m.reference],
      [c.labels.province, m.province],
      [c.labels.channel, channel],
      [c.labels.urgency, m.urgent ? c.urgent.yes : c.urgent.no],
      [c.labels.receivedAt, formatInstant(t, m.receivedAt)],
    ],
    link: { label: t.open, url: m.caseUrl },
  });
}

// ---- notices: one event of a case, told once to the people it concerns --------------------------

const named = (table: Record<string, string>, code: string) =>
  Object.prototype.hasOwnProperty.call(table, code) ? (table[code] ?? code) : code;

export type NoticeMessage =
  | {
      kind: 'closureWithdrawn';
      reference: string;
      province: string;
      reason: string;
      /** When the concern that withdrew it was received. */
      concernReceivedAt: Date;
      url: string;
    }
  | {
      kind: 'transferRequested';
      reference: string;
      /** Province names as shown to this recipient. */
      fromProvince: string;
      toProvince: string;
      answerBy: Date;
      url: string;
    }
  | {
      kind: 'referralSent';
      reference: string;
      province: string;
      service: string;
      acknowledgeBy: Date;
      url: string;
    };

export function renderNotice(language: Language, m: NoticeMessage): Rendered {
  const t = TABLES[language];
  const base = { dir: t.dir, language };
  switch (m.kind) {
    case 'closureWithdrawn': {
      const n = t.notices.closureWithdrawn;
      return layout({
        ...base,
        subject: fill(n.subject, { reference: m.reference }),
        paragraphs: [{ text: n.lead }],
        rows: [
          [n.labels.case, m.reference],
          [n.labels.province, m.province],
          [n.labels.reason, named(t.closureReasons, m.reason)],
          [n.labels.concern, formatInstant(t, m.concernReceivedAt)],
        ],
        link: { label: t.open, url: m.url },
      });
    }
    case 'transferRequested': {
      const n = t.notices.transferRequested;
      return layout({
        ...base,
        subject: fill(n.subject, { reference: m.reference }),
        paragraphs: [{ text: fill(n.lead, { from: m.fromProvince }) }],
        rows: [
          [n.labels.case, m.reference],
          [n.labels.from, m.fromProvince],
          [n.labels.to, m.toProvince],
          [n.labels.answerBy, formatInstant(t, m.answerBy)],
        ],
        link: { label: t.open, url: m.url },
      });
    }
    case 'referralSent': {
      const n = t.notices.referralSent;
      const service = named(t.services, m.service);
      return layout({
        ...base,
        subject: fill(n.subject, { reference: m.reference, service }),
        paragraphs: [{ text: n.lead }],
        rows: [
          [n.labels.case, m.reference],
          [n.labels.province, m.province],
          [n.labels.service, service],
          [n.labels.acknowledgeBy, formatInstant(t, m.acknowledgeBy)],
        ],
        link: { label: t.openReferral, url: m.url },
      });
    }
  }
}

export interface DigestItem {
  reference: string;
  step: WatchedStep;
  dueAt: Date;
  late: Lateness;
  /** Highest escalation level fired so far, or null. */
  level: number | null;
  caseUrl: string;
}

export interface DigestMessage {
  unit: string;
  /** Local date of the digest, YYYY-MM-DD. */
  date: string;
  items: DigestItem[];
}

export function renderDigest(language: Language, m: DigestMessage): Rendered {
  const t = TABLES[language];
  const d = t.digest;
  const date = formatDate(t, m.date);
  return layout({
    dir: t.dir,
    language,
    subject: fill(d.subject, { unit: m.unit, count: m.items.length, date: m.date }),
    paragraphs: [
      { text: fill(d.lead, { date }) },
      { text: counted(t, d.steps, m.items.length), strong: true },
    ],
    rows: [],
    table: {
      headers: [d.columns.case, d.columns.step, d.columns.deadline, d.columns.late, d.columns.level],
      rows: m.items.map((i) => ({
        url: i.caseUrl,
        cells: [
          i.reference,
          stepName(t, i.step),
          formatInstant(t, i.dueAt),
          lateness(t, i.late),
          i.level === null ? d.noLevel : String(i.level),
        ],
      })),
    },
  });
}
