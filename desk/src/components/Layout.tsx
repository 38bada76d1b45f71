/** Header (who, language, logout), the navigation of the person's role, and the page. */
import { Burger, Button, NativeSelect } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, call } from '../api/client';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { LANGUAGES, useLabel, useLanguage, useT, type DeskLanguage } from '../i18n/i18n';
import type { MessageId } from '../i18n/fr';
import { useSession, useStaff } from '../session';
import { CalendarProvider } from './time';

const LANGUAGE_NAMES: Record<DeskLanguage, string> = { ar: 'العربية', fr: 'Français' };

export interface NavItem {
  to: string;
  label: MessageId;
  action: string;
}
export const NAV: NavItem[] = [
  { to: '/', label: 'nav.work', action: 'work.list' },
  { to: '/report', label: 'nav.report', action: 'case.report' },
  { to: '/referrals', label: 'nav.referrals', action: 'referral.acknowledgement' },
  { to: '/approvals', label: 'nav.approvals', action: 'case.planApproval' },
  { to: '/transfers', label: 'nav.transfers', action: 'case.transferAcceptance' },
  { to: '/leaving-care', label: 'nav.leavingCare', action: 'leavingCare.list' },
  { to: '/statistics', label: 'nav.statistics', action: 'report.provincial' },
  { to: '/organisation', label: 'nav.organisation', action: 'staff.update' },
];

export function LanguageSwitch() {
  const t = useT();
  const { language, setLanguage } = useLanguage();
  return (
    <NativeSelect
      className="language-switch"
      name="language"
      label={t('app.language')}
      value={language}
      onChange={(e) => setLanguage(e.currentTarget.value as DeskLanguage)}
      data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
    />
  );
}

/**
 * The work list's total for the navigation's badge: the first item of GET /work carries the counts
 * of every kind; read again on each page change (a step done there changes it).
 */
function useWorkTotal(enabled: boolean, pathname: string): number | null {
  const [total, setTotal] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    void call(api.GET('/work', { params: { query: { limit: 1 } } })).then((r) => {
      if (current && r.ok) setTotal(r.data.total);
    });
    return () => {
      current = false;
    };
  }, [enabled, pathname]);
  return total;
}

export function Layout() {
  const t = useT();
  const label = useLabel();
  const staff = useStaff();
  const { logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const items = NAV.filter((n) => staff.can(n.action));
  const workTotal = useWorkTotal(
    items.some((n) => n.to === '/'),
    location.pathname,
  );
  return (
    <CalendarProvider>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <div className="app-header-row">
          <Burger
            className="nav-toggle"
            opened={open}
            onClick={() => setOpen((o) => !o)}
            aria-label={t('app.menu')}
            aria-expanded={open}
            aria-controls="app-nav"
          />
          <span className="app-name">{t('app.name')}</span>
          <span className="app-user">
            {t('app.loggedInAs', {
              name: staff.displayName,
              role: label('roles', staff.role),
              province: staff.province,
            })}
          </span>
          <LanguageSwitch />
          <Button variant="outline" size="xs" onClick={() => void logout().then(() => navigate('/login'))}>
            {t('app.logout')}
          </Button>
        </div>
      </header>
      <div className="app-body">
        <nav id="app-nav" aria-label={t('app.nav')} className={open ? 'app-nav open' : 'app-nav'}>
          <ul>
            {items.map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={n.to === '/'} onClick={() => setOpen(false)}>
                  {t(n.label)}
                  {n.to === '/' && workTotal !== null && workTotal > 0 && (
                    <span className="nav-badge" data-testid="work-badge">
                      <span aria-hidden="true">{workTotal}</span>
                      <span className="visually-hidden"> ({t('work.badge', { count: workTotal })})</span>
                    </span>
                  )}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="app-main" key={location.pathname}>
          <Outlet />
        </main>
      </div>
    </CalendarProvider>
  );
}
