/** Header (who, language, logout), the navigation of the person's role, and the page. */
import { Burger, Button, NativeSelect } from '@mantine/core';
import { useState } from 'react';
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
  { to: '/', label: 'nav.work', action: 'case.list' },
  { to: '/report', label: 'nav.report', action: 'case.report' },
  { to: '/referrals', label: 'nav.referrals', action: 'referral.acknowledgement' },
  { to: '/approvals', label: 'nav.approvals', action: 'case.planApproval' },
  { to: '/transfers', label: 'nav.transfers', action: 'case.transferAcceptance' },
  { to: '/leaving-care', label: 'nav.leavingCare', action: 'leavingCare.list' },
  { to: '/statistics', label: 'nav.statistics', action: 'report.provincial' },
  { to: '/organisation', label: 'nav.organisation', action: 'organisation.manage' },
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

export function Layout() {
  const t = useT();
  const label = useLabel();
  const staff = useStaff();
  const { logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const items = NAV.filter((n) => staff.can(n.action));
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
