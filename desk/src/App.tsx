/** The desk's pages, under /desk (basename). Every page but the login needs a session. */
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { Layout } from './components/Layout';
import { Pending } from './components/feedback';
import { LoginPage } from './pages/LoginPage';
import { HomePage } from './pages/HomePage';
import { useSession } from './session';
import { Alert } from '@mantine/core';
import { useT } from './i18n/i18n';

const CasePage = lazy(() => import('./pages/CasePage'));
const StepPage = lazy(() => import('./pages/StepPage'));
const ReportPage = lazy(() => import('./pages/ReportPage'));
const ReferralsPage = lazy(() => import('./pages/ReferralsPage'));
const ReferralPage = lazy(() => import('./pages/ReferralPage'));
const ApprovalsPage = lazy(() => import('./pages/ApprovalsPage'));
const TransfersPage = lazy(() => import('./pages/TransfersPage'));
const LeavingCarePage = lazy(() => import('./pages/LeavingCarePage'));
const PathwayPage = lazy(() => import('./pages/PathwayPage'));
const PathwayStepPage = lazy(() => import('./pages/PathwayStepPage'));
const StatisticsPage = lazy(() => import('./pages/StatisticsPage'));
const OrganisationPage = lazy(() => import('./pages/OrganisationPage'));

function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  const t = useT();
  if (session.state === 'loading') return <Pending />;
  if (session.state === 'unreachable') {
    return (
      <Alert color="orange" title={t('net.loadFailed')} role="alert" m="md">
        {t('net.down')}
      </Alert>
    );
  }
  if (session.state === 'anonymous') {
    const next = `/desk${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

const page = (node: ReactNode) => <Suspense fallback={<Pending />}>{node}</Suspense>;

const router = createBrowserRouter(
  [
    { path: '/login', element: <LoginPage /> },
    {
      element: (
        <RequireSession>
          <Layout />
        </RequireSession>
      ),
      children: [
        { path: '/', element: <HomePage /> },
        { path: '/report', element: page(<ReportPage />) },
        { path: '/cases/:caseId', element: page(<CasePage />) },
        { path: '/cases/:caseId/steps/:form', element: page(<StepPage />) },
        { path: '/referrals', element: page(<ReferralsPage />) },
        { path: '/referrals/:referralId', element: page(<ReferralPage />) },
        { path: '/approvals', element: page(<ApprovalsPage />) },
        { path: '/transfers', element: page(<TransfersPage />) },
        { path: '/leaving-care', element: page(<LeavingCarePage />) },
        { path: '/leaving-care/:childId', element: page(<PathwayPage />) },
        { path: '/leaving-care/:childId/steps/:form', element: page(<PathwayStepPage />) },
        { path: '/statistics', element: page(<StatisticsPage />) },
        { path: '/organisation', element: page(<OrganisationPage />) },
        { path: '*', element: <Navigate to="/" replace /> },
      ],
    },
  ],
  { basename: '/desk' },
);

export function App() {
  return <RouterProvider router={router} />;
}
