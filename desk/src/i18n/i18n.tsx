/**
 * Languages: Arabic (right to left) and French. The staff member's language (staff.language)
 * chooses at login; the switch in the header overrides it for this browser (a preference, not a
 * credential, kept in localStorage). `dir` and `lang` of the page follow, and Mantine's
 * DirectionProvider mirrors the components.
 */
import { DirectionProvider, useDirection } from '@mantine/core';
import { createContext, use, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { IntlProvider, useIntl } from 'react-intl';
import labelsJson from '../../generated/labels.json';
import { ar } from './ar';
import { fr, type MessageId } from './fr';

export type DeskLanguage = 'ar' | 'fr';
export const LANGUAGES: readonly DeskLanguage[] = ['ar', 'fr'];
const CATALOGS: Record<DeskLanguage, Record<MessageId, string>> = { ar, fr };
export const LOCALES: Record<DeskLanguage, string> = { ar: 'ar-MA', fr: 'fr-MA' };
const STORAGE_KEY = 'desk.language';

type Labels = (typeof labelsJson)['fr'];
type LabelGroup =
  'steps' | 'roles' | 'channels' | 'categories' | 'sexes' | 'ageBands' | 'partnerTypes' | 'axes' | 'outcomes';

interface LanguageContext {
  language: DeskLanguage;
  setLanguage(language: DeskLanguage): void;
  /** Sets the language from the staff member's, unless this browser chose one. */
  adoptStaffLanguage(language: string): void;
}
const Ctx = createContext<LanguageContext | null>(null);

const stored = (): DeskLanguage | null => {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === 'ar' || v === 'fr' ? v : null;
  } catch {
    return null;
  }
};

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<DeskLanguage>(() => stored() ?? 'ar');
  const dir = language === 'ar' ? 'rtl' : 'ltr';
  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = dir;
  }, [language, dir]);
  const setLanguage = useCallback((l: DeskLanguage) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // private mode: the choice lasts for this page only
    }
    setLanguageState(l);
  }, []);
  const adoptStaffLanguage = useCallback((l: string) => {
    if (stored()) return;
    // French for French- and English-speaking staff (the desk has no English), Arabic for Arabic.
    setLanguageState(l === 'ar' ? 'ar' : 'fr');
  }, []);
  const value = useMemo(
    () => ({ language, setLanguage, adoptStaffLanguage }),
    [language, setLanguage, adoptStaffLanguage],
  );
  return (
    <Ctx value={value}>
      <DirectionProvider initialDirection={dir} detectDirection={false}>
        <DirectionSync dir={dir} />
        <IntlProvider
          locale={LOCALES[language]}
          messages={CATALOGS[language]}
          defaultLocale="fr-MA"
          timeZone="Africa/Casablanca"
        >
          {children}
        </IntlProvider>
      </DirectionProvider>
    </Ctx>
  );
}

function DirectionSync({ dir }: { dir: 'rtl' | 'ltr' }) {
  const { setDirection } = useDirection();
  useEffect(() => setDirection(dir), [dir, setDirection]);
  return null;
}

export function useLanguage(): LanguageContext {
  const ctx = use(Ctx);
  if (!ctx) throw new Error('useLanguage outside LanguageProvider');
  return ctx;
}

/** `t(id, values)` with the ids of the catalog checked by the compiler. */
export function useT() {
  const intl = useIntl();
  return useCallback(
    (id: MessageId, values?: Record<string, string | number | Date>) => intl.formatMessage({ id }, values),
    [intl],
  );
}

/** The mails' words for codes (steps, channels, categories…), falling back to the code itself. */
export function useLabel() {
  const { language } = useLanguage();
  return useCallback(
    (group: LabelGroup, code: string | null | undefined) => {
      if (!code) return '—';
      const table = (labelsJson as Record<DeskLanguage, Labels>)[language][group] as Record<string, string>;
      return table[code] ?? code;
    },
    [language],
  );
}

/** A code's words from the desk's catalog (`service.medical`…), the code itself when missing. */
export function useCode() {
  const { language } = useLanguage();
  return useCallback(
    (prefix: string, code: string | null | undefined) => {
      if (!code) return '—';
      return (CATALOGS[language] as Record<string, string>)[`${prefix}.${code}`] ?? code;
    },
    [language],
  );
}

export function useReportLabels() {
  const { language } = useLanguage();
  return (labelsJson as Record<DeskLanguage, Labels>)[language].report;
}
