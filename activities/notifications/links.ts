/**
 * Where a mail's link leads: the desk's page of the case (or of the referral, for a partner's
 * focal point), under PUBLIC_URL. The desk asks for a login first and returns to that page.
 */
const base = (publicUrl: string) => publicUrl.replace(/\/+$/, '');

export const deskCaseUrl = (publicUrl: string, caseId: string) =>
  `${base(publicUrl)}/desk/cases/${encodeURIComponent(caseId)}`;

export const deskReferralUrl = (publicUrl: string, referralId: string) =>
  `${base(publicUrl)}/desk/referrals/${encodeURIComponent(referralId)}`;
