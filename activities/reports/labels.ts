/**
 * The monthly report's words, one table per language (Arabic right-to-left, French, English as the
 * fallback). Steps, channels and roles are the notification tables' (the same words in every mail).
 */
import { TABLES, type Language, type LanguageTable } from '../notifications/templates';

export interface ReportLabels {
  base: LanguageTable;
  subject: string;
  lead: string;
  note: string;
  charts: { onTime: string; onTimeEmpty: string; casesPerStep: string; casesEmpty: string };
  sections: {
    cases: string;
    reports: string;
    byChannel: string;
    byCategory: string;
    bySex: string;
    byAgeBand: string;
    steps: string;
    escalations: string;
    referrals: string;
    judicial: string;
    leavingCare: string;
  };
  columns: {
    count: string;
    step: string;
    openAtEnd: string;
    completed: string;
    medianHours: string;
    due: string;
    onTimeShare: string;
    level: string;
    role: string;
    partnerType: string;
    requested: string;
    acknowledged: string;
    declined: string;
    unanswered: string;
    medianAcknowledgementHours: string;
    withinDeadlineShare: string;
    axis: string;
  };
  cases: { opened: string; closed: string; reports: string };
  judicial: { required: string; acknowledged: string; onTime: string; pending: string };
  categories: Record<string, string>;
  sexes: Record<string, string>;
  ageBands: Record<string, string>;
  partnerTypes: Record<string, string>;
  axes: Record<string, string>;
  outcomes: Record<string, string>;
  none: string;
}

const fr: ReportLabels = {
  base: TABLES.fr,
  subject: 'Statistiques de protection de l’enfance — {province} — {month}',
  lead: 'Statistiques du dispositif territorial de protection de l’enfance pour {province}, {month}.',
  note: 'Période du {from} au {to} inclus (heure du Maroc), chiffres arrêtés à la fin de la période. Aucun enfant n’est nommé.',
  charts: {
    onTime: 'Étapes réalisées dans les délais',
    onTimeEmpty: 'Aucune échéance pendant la période.',
    casesPerStep: 'Dossiers par étape en fin de période',
    casesEmpty: 'Aucune étape ouverte en fin de période.',
  },
  sections: {
    cases: 'Dossiers et signalements',
    reports: 'Signalements',
    byChannel: 'Par canal',
    byCategory: 'Par catégorie',
    bySex: 'Par sexe',
    byAgeBand: 'Par tranche d’âge',
    steps: 'Étapes',
    escalations: 'Escalades par niveau',
    referrals: 'Orientations par type de partenaire',
    judicial: 'Signalements au parquet',
    leavingCare: 'Sortie de placement : résultats par axe',
  },
  columns: {
    count: 'Nombre',
    step: 'Étape',
    openAtEnd: 'Ouvertes en fin de période',
    completed: 'Réalisées',
    medianHours: 'Durée médiane (heures)',
    due: 'Échéances',
    onTimeShare: 'Dans les délais',
    level: 'Niveau',
    role: 'Destinataire',
    partnerType: 'Partenaire',
    requested: 'Demandées',
    acknowledged: 'Accusées',
    declined: 'Refusées',
    unanswered: 'Sans réponse',
    medianAcknowledgementHours: 'Délai médian d’accusé (heures)',
    withinDeadlineShare: 'Accusées dans les délais',
    axis: 'Axe',
  },
  cases: { opened: 'Dossiers ouverts', closed: 'Dossiers clôturés', reports: 'Signalements reçus' },
  judicial: {
    required: 'Requis',
    acknowledged: 'Accusés par le parquet',
    onTime: 'Accusés dans les délais',
    pending: 'En attente en fin de période',
  },
  categories: {
    physicalViolence: 'violence physique',
    sexualAbuse: 'abus sexuel',
    psychologicalViolence: 'violence psychologique',
    neglect: 'négligence',
    economicExploitation: 'exploitation économique',
    sexualExploitation: 'exploitation sexuelle',
    trafficking: 'traite',
    childMarriage: 'mariage d’enfant',
    streetSituation: 'situation de rue',
    unaccompaniedMigrant: 'enfant migrant non accompagné',
    conflictWithLaw: 'enfant en conflit avec la loi',
    missingCivilRegistration: 'absence d’état civil',
    leavingCare: 'sortie de placement',
    other: 'autre',
    unspecified: 'non précisée',
  },
  sexes: { female: 'fille', male: 'garçon', unknown: 'non précisé' },
  ageBands: {
    '0-5': '0 à 5 ans',
    '6-11': '6 à 11 ans',
    '12-14': '12 à 14 ans',
    '15-17': '15 à 17 ans',
    '18+': '18 ans et plus',
    unknown: 'âge inconnu',
  },
  partnerTypes: {
    health: 'santé',
    prosecutor: 'parquet',
    police: 'police ou gendarmerie',
    school: 'école',
    civilRegistry: 'état civil',
    careInstitution: 'établissement de protection sociale',
    association: 'association',
    mobileUnit: 'unité mobile',
  },
  axes: {
    health: 'santé',
    educationTraining: 'éducation et formation',
    employment: 'emploi',
    socialAssistance: 'assistance sociale',
    socialParticipation: 'participation sociale',
  },
  outcomes: {
    integrated: 'intégré et autonome',
    partlyIntegrated: 'en partie',
    notIntegrated: 'non intégré',
  },
  none: '—',
};

const ar: ReportLabels = {
  base: TABLES.ar,
  subject: 'إحصائيات حماية الطفولة — {province} — {month}',
  lead: 'إحصائيات الجهاز الترابي المندمج لحماية الطفولة في {province}، {month}.',
  note: 'الفترة من {from} إلى {to} (بتوقيت المغرب)، والأرقام كما هي عند نهاية الفترة. لا يذكر أي طفل بالاسم.',
  charts: {
    onTime: 'المراحل المنجزة داخل الأجل',
    onTimeEmpty: 'لم يحل أي أجل خلال الفترة.',
    casesPerStep: 'الملفات حسب المرحلة عند نهاية الفترة',
    casesEmpty: 'لا توجد مرحلة مفتوحة عند نهاية الفترة.',
  },
  sections: {
    cases: 'الملفات والتبليغات',
    reports: 'التبليغات',
    byChannel: 'حسب القناة',
    byCategory: 'حسب الصنف',
    bySex: 'حسب الجنس',
    byAgeBand: 'حسب الفئة العمرية',
    steps: 'المراحل',
    escalations: 'التصعيد حسب المستوى',
    referrals: 'التوجيهات حسب نوع الشريك',
    judicial: 'إشعارات النيابة العامة',
    leavingCare: 'مغادرة مؤسسات الرعاية: النتائج حسب المحور',
  },
  columns: {
    count: 'العدد',
    step: 'المرحلة',
    openAtEnd: 'مفتوحة عند نهاية الفترة',
    completed: 'منجزة',
    medianHours: 'المدة الوسيطة (ساعات)',
    due: 'آجال حلت',
    onTimeShare: 'داخل الأجل',
    level: 'المستوى',
    role: 'الجهة',
    partnerType: 'الشريك',
    requested: 'مطلوبة',
    acknowledged: 'تم الإشعار بتلقيها',
    declined: 'مرفوضة',
    unanswered: 'بدون رد',
    medianAcknowledgementHours: 'المدة الوسيطة للإشعار (ساعات)',
    withinDeadlineShare: 'الإشعار داخل الأجل',
    axis: 'المحور',
  },
  cases: { opened: 'الملفات المفتوحة', closed: 'الملفات المغلقة', reports: 'التبليغات الواردة' },
  judicial: {
    required: 'المطلوبة',
    acknowledged: 'المؤشر عليها من النيابة العامة',
    onTime: 'داخل الأجل',
    pending: 'في الانتظار عند نهاية الفترة',
  },
  categories: {
    physicalViolence: 'العنف الجسدي',
    sexualAbuse: 'الاعتداء الجنسي',
    psychologicalViolence: 'العنف النفسي',
    neglect: 'الإهمال',
    economicExploitation: 'الاستغلال الاقتصادي',
    sexualExploitation: 'الاستغلال الجنسي',
    trafficking: 'الاتجار بالبشر',
    childMarriage: 'تزويج الطفل',
    streetSituation: 'وضعية الشارع',
    unaccompaniedMigrant: 'طفل مهاجر غير مصحوب',
    conflictWithLaw: 'طفل في نزاع مع القانون',
    missingCivilRegistration: 'غياب التسجيل في الحالة المدنية',
    leavingCare: 'مغادرة مؤسسة الرعاية',
    other: 'أخرى',
    unspecified: 'غير محدد',
  },
  sexes: { female: 'أنثى', male: 'ذكر', unknown: 'غير محدد' },
  ageBands: {
    '0-5': 'من 0 إلى 5 سنوات',
    '6-11': 'من 6 إلى 11 سنة',
    '12-14': 'من 12 إلى 14 سنة',
    '15-17': 'من 15 إلى 17 سنة',
    '18+': '18 سنة فأكثر',
    unknown: 'سن غير معروف',
  },
  partnerTypes: {
    health: 'الصحة',
    prosecutor: 'النيابة العامة',
    police: 'الشرطة أو الدرك',
    school: 'المدرسة',
    civilRegistry: 'الحالة المدنية',
    careInstitution: 'مؤسسة الرعاية الاجتماعية',
    association: 'جمعية',
    mobileUnit: 'الوحدة المتنقلة',
  },
  axes: {
    health: 'الصحة',
    educationTraining: 'التربية والتكوين',
    employment: 'الشغل',
    socialAssistance: 'المساعدة الاجتماعية',
    socialParticipation: 'المشاركة الاجتماعية',
  },
  outcomes: { integrated: 'مندمج ومستقل', partlyIntegrated: 'جزئيا', notIntegrated: 'غير مندمج' },
  none: '—',
};

const en: ReportLabels = {
  base: TABLES.en,
  subject: 'Child-protection statistics — {province} — {month}',
  lead: 'Statistics of the territorial child-protection mechanism for {province}, {month}.',
  note: 'Period {from} to {to} inclusive (Moroccan time), figures as known at the end of the period. No child is named.',
  charts: {
    onTime: 'Steps done on time',
    onTimeEmpty: 'No deadline fell in the period.',
    casesPerStep: 'Cases per step at the end of the period',
    casesEmpty: 'No step open at the end of the period.',
  },
  sections: {
    cases: 'Cases and reports',
    reports: 'Reports',
    byChannel: 'By channel',
    byCategory: 'By category',
    bySex: 'By sex',
    byAgeBand: 'By age band',
    steps: 'Steps',
    escalations: 'Escalations per level',
    referrals: 'Referrals per partner type',
    judicial: 'Judicial notifications',
    leavingCare: 'Leaving care: outcomes per axis',
  },
  columns: {
    count: 'Count',
    step: 'Step',
    openAtEnd: 'Open at the end',
    completed: 'Done',
    medianHours: 'Median time (hours)',
    due: 'Fell due',
    onTimeShare: 'On time',
    level: 'Level',
    role: 'Who',
    partnerType: 'Partner',
    requested: 'Requested',
    acknowledged: 'Acknowledged',
    declined: 'Declined',
    unanswered: 'Unanswered',
    medianAcknowledgementHours: 'Median acknowledgement (hours)',
    withinDeadlineShare: 'Acknowledged in time',
    axis: 'Axis',
  },
  cases: { opened: 'Cases opened', closed: 'Cases closed', reports: 'Reports received' },
  judicial: {
    required: 'Required',
    acknowledged: 'Acknowledged by the prosecutor',
    onTime: 'Acknowledged in time',
    pending: 'Pending at the end',
  },
  categories: {
    physicalViolence: 'physical violence',
    sexualAbuse: 'sexual abuse',
    psychologicalViolence: 'psychological violence',
    neglect: 'neglect',
    economicExploitation: 'economic exploitation',
    sexualExploitation: 'sexual exploitation',
    trafficking: 'trafficking',
    childMarriage: 'child marriage',
    streetSituation: 'street situation',
    unaccompaniedMigrant: 'unaccompanied migrant child',
    conflictWithLaw: 'child in conflict with the law',
    missingCivilRegistration: 'no civil registration',
    leavingCare: 'leaving care',
    other: 'other',
    unspecified: 'unspecified',
  },
  sexes: { female: 'girl', male: 'boy', unknown: 'not recorded' },
  ageBands: {
    '0-5': '0 to 5 years',
    '6-11': '6 to 11 years',
    '12-14': '12 to 14 years',
    '15-17': '15 to 17 years',
    '18+': '18 and over',
    unknown: 'age unknown',
  },
  partnerTypes: {
    health: 'health',
    prosecutor: 'public prosecutor',
    police: 'police or gendarmerie',
    school: 'school',
    civilRegistry: 'civil registry',
    careInstitution: 'care institution',
    association: 'association',
    mobileUnit: 'mobile unit',
  },
  axes: {
    health: 'health',
    educationTraining: 'education and training',
    employment: 'employment',
    socialAssistance: 'social assistance',
    socialParticipation: 'social participation',
  },
  outcomes: {
    integrated: 'integrated and autonomous',
    partlyIntegrated: 'partly',
    notIntegrated: 'not integrated',
  },
  none: '—',
};

export const REPORT_LABELS: Readonly<Record<Language, ReportLabels>> = { ar, fr, en };
