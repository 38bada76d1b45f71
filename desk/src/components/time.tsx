/** Instants and deadlines in Africa/Casablanca, in the page's language; the exact instant on hover and for screen readers. */
import { createContext, use, useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, call } from '../api/client';
import { useLanguage, useT, LOCALES, type DeskLanguage } from '../i18n/i18n';
import { addDays, duePhrase, localDate, TIME_ZONE } from '../time/deadline';

const CalendarCtx = createContext<ReadonlySet<string> | null>(null);
const NowCtx = createContext<Date>(new Date());

/**
 * The non-working days (GET /calendar) from a week ago to a year ahead, read once per login, and
 * one clock for every deadline on the page (a minute's tick, so "in 5 minutes" stays true).
 */
export function CalendarProvider({ children }: { children: ReactNode }) {
  const [days, setDays] = useState<ReadonlySet<string> | null>(null);
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const today = localDate(new Date());
    void call(
      api.GET('/calendar', { params: { query: { from: addDays(today, -7), to: addDays(today, 400) } } }),
    ).then((r) => {
      if (r.ok) setDays(new Set(r.data.nonWorkingDays.map((d) => d.date)));
    });
    const tick = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(tick);
  }, []);
  return (
    <CalendarCtx value={days}>
      <NowCtx value={now}>{children}</NowCtx>
    </CalendarCtx>
  );
}

interface Formatters {
  full(d: Date): string;
  medium(d: Date): string;
  date(d: Date): string;
}
/** One set of formatters per language for the whole desk (building one costs more than using it). */
const FORMATTERS = new Map<DeskLanguage, Formatters>();
function formattersFor(language: DeskLanguage): Formatters {
  let f = FORMATTERS.get(language);
  if (!f) {
    const locale = LOCALES[language];
    const full = new Intl.DateTimeFormat(locale, {
      timeZone: TIME_ZONE,
      dateStyle: 'full',
      timeStyle: 'short',
    });
    const medium = new Intl.DateTimeFormat(locale, {
      timeZone: TIME_ZONE,
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    const date = new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, dateStyle: 'medium' });
    f = { full: (d) => full.format(d), medium: (d) => medium.format(d), date: (d) => date.format(d) };
    FORMATTERS.set(language, f);
  }
  return f;
}

export function useFormatters(): Formatters {
  return formattersFor(useLanguage().language);
}

export function Instant({ at, dateOnly = false }: { at: string | null | undefined; dateOnly?: boolean }) {
  const f = useFormatters();
  if (!at) return <>—</>;
  const d = new Date(at);
  return (
    <time dateTime={at} title={f.full(d)}>
      {dateOnly ? f.date(d) : f.medium(d)}
    </time>
  );
}

export interface DueLabel {
  text: string;
  exact: string;
  overdue: boolean;
}

/** What a deadline's <time> says, computed once (a long list formats its rows ahead). */
export function useDueLabel(): (at: string) => DueLabel {
  const t = useT();
  const f = useFormatters();
  const now = use(NowCtx);
  const calendar = use(CalendarCtx);
  return useCallback(
    (at: string) => {
      const due = new Date(at);
      const phrase = duePhrase(due, now, calendar);
      return {
        text: t(phrase.id, { count: phrase.count }),
        exact: t('due.exact', { instant: f.full(due) }),
        overdue: phrase.overdue,
      };
    },
    [t, f, now, calendar],
  );
}

export function DueTime({ at, label }: { at: string; label: DueLabel }) {
  return (
    <time dateTime={at} title={label.exact} className={label.overdue ? 'due due-overdue' : 'due'}>
      {label.text}
      <span className="visually-hidden"> ({label.exact})</span>
    </time>
  );
}

/** "in 3 working days" / "overdue by 2 days", the exact instant in the title and for screen readers. */
export function Due({ at }: { at: string | null | undefined }) {
  const label = useDueLabel();
  if (!at) return <>—</>;
  return <DueTime at={at} label={label(at)} />;
}
