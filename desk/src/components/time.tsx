/** Instants and deadlines in Africa/Casablanca, in the page's language; the exact instant on hover and for screen readers. */
import { createContext, use, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, call } from '../api/client';
import { useLanguage, useT, LOCALES } from '../i18n/i18n';
import { addDays, duePhrase, localDate, TIME_ZONE } from '../time/deadline';

const CalendarCtx = createContext<ReadonlySet<string> | null>(null);

/** The non-working days (GET /calendar) from a week ago to a year ahead, read once per login. */
export function CalendarProvider({ children }: { children: ReactNode }) {
  const [days, setDays] = useState<ReadonlySet<string> | null>(null);
  useEffect(() => {
    const today = localDate(new Date());
    void call(
      api.GET('/calendar', { params: { query: { from: addDays(today, -7), to: addDays(today, 400) } } }),
    ).then((r) => {
      if (r.ok) setDays(new Set(r.data.nonWorkingDays.map((d) => d.date)));
    });
  }, []);
  return <CalendarCtx value={days}>{children}</CalendarCtx>;
}

/** Re-renders every minute, so "in 5 minutes" stays true on a page left open. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(t);
  }, []);
  return now;
}

export function useFormatters() {
  const { language } = useLanguage();
  return useMemo(() => {
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
    return {
      full: (d: Date) => full.format(d),
      medium: (d: Date) => medium.format(d),
      date: (d: Date) => date.format(d),
    };
  }, [language]);
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

/** "in 3 working days" / "overdue by 2 days", the exact instant in the title and for screen readers. */
export function Due({ at }: { at: string | null | undefined }) {
  const t = useT();
  const f = useFormatters();
  const now = useNow();
  const calendar = use(CalendarCtx);
  if (!at) return <>—</>;
  const due = new Date(at);
  const phrase = duePhrase(due, now, calendar);
  const exact = t('due.exact', { instant: f.full(due) });
  return (
    <time dateTime={at} title={exact} className={phrase.overdue ? 'due due-overdue' : 'due'}>
      {t(phrase.id, { count: phrase.count })}
      <span className="visually-hidden"> ({exact})</span>
    </time>
  );
}
