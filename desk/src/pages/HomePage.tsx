/** Where a person lands: their work list, or their role's first page. */
import { Navigate } from 'react-router';
import { useStaff } from '../session';
import { WorkPage } from './WorkPage';

export function HomePage() {
  const staff = useStaff();
  if (staff.can('case.list')) return <WorkPage />;
  if (staff.can('referral.acknowledgement')) return <Navigate to="/referrals" replace />;
  if (staff.can('leavingCare.list')) return <Navigate to="/leaving-care" replace />;
  if (staff.can('report.provincial')) return <Navigate to="/statistics" replace />;
  return <Navigate to="/organisation" replace />;
}
