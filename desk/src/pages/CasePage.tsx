/**
 * A case: summary, the child (for roles that may see it), what the person may do now, the open
 * deadlines with their rung, escalations, referrals, reports, and the audit trail for those who
 * may read it.
 */
import { Alert, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useLocation, useParams } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useLoad } from '../api/hooks';
import { availableSteps } from '../case/steps';
import { timelineLines } from '../case/timeline';
import { OpenEscalations } from '../components/escalations';
import { Loaded, PageTitle } from '../components/feedback';
import { Due, Instant } from '../components/time';
import { useCode, useLabel, useT } from '../i18n/i18n';
import type { MessageId } from '../i18n/fr';
import { useStaff } from '../session';

type Case = Schemas['CaseDetails'];

export const FORM_TITLE: Record<string, MessageId> = {
  screening: 'step.screening',
  emergency: 'step.emergency',
  judicialNotification: 'step.judicialNotification',
  assessment: 'step.assessment',
  plan: 'step.plan',
  planApproval: 'step.planApproval',
  referral: 'step.referral',
  review: 'step.review',
  closure: 'step.closure',
  closureApproval: 'step.closureApproval',
  checkBack: 'step.checkBack',
  transfer: 'step.transfer',
  transferAcceptance: 'step.transferAcceptance',
  assignment: 'step.assignment',
  concern: 'step.concern',
};

export default function CasePage() {
  const { caseId = '' } = useParams();
  const t = useT();
  const staff = useStaff();
  const location = useLocation();
  const done = (location.state as { done?: string } | null)?.done;
  const kase = useLoad(() => call(api.GET('/cases/{caseId}', { params: { path: { caseId } } })), [caseId]);
  return (
    <Loaded load={kase.value} reload={kase.reload}>
      {(c) => (
        <Stack>
          <PageTitle title={t('case.title', { reference: c.reference })}>
            {t('case.title', { reference: c.reference })}
          </PageTitle>
          {done && (
            <Alert color="green" role="status" className="notice">
              {done === 'opened'
                ? t('report.opened', { reference: c.reference })
                : done === 'joined'
                  ? t('report.joined', { reference: c.reference })
                  : done === 'transferAccepted'
                    ? t('case.transferAccepted')
                    : t('step.done')}
            </Alert>
          )}
          <Summary c={c} />
          <Actions c={c} />
          <ChildSection c={c} />
          <Deadlines c={c} />
          {staff.can('case.readTimeline') && <Timeline caseId={c.caseId} />}
          <Referrals c={c} />
          <Reports c={c} />
          {staff.can('case.readAudit') && <Audit caseId={c.caseId} />}
        </Stack>
      )}
    </Loaded>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={2} size="h3" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function Summary({ c }: { c: Case }) {
  const t = useT();
  const label = useLabel();
  const code = useCode();
  return (
    <Section title={t('case.summary')}>
      <dl className="facts">
        <dt>{t('case.step')}</dt>
        <dd data-testid="case-step">{t(`caseStep.${c.step}`)}</dd>
        <dt>{t('case.risk')}</dt>
        <dd>{c.risk ? t(`risk.${c.risk}`) : t('risk.none')}</dd>
        <dt>{t('case.status')}</dt>
        <dd>{t(`status.${c.status}`)}</dd>
        <dt>{t('case.assignee')}</dt>
        <dd>{c.assigneeId ?? t('case.unassigned')}</dd>
        <dt>{t('case.openedAt')}</dt>
        <dd>
          <Instant at={c.openedAt} />
        </dd>
        {c.closedAt && (
          <>
            <dt>{t('case.closedAt')}</dt>
            <dd>
              <Instant at={c.closedAt} />
            </dd>
          </>
        )}
        {c.closureReason && (
          <>
            <dt>{t('case.closureReason')}</dt>
            <dd>{code('closure', c.closureReason)}</dd>
          </>
        )}
        <dt>{t('case.categories')}</dt>
        <dd>{c.categories.length ? c.categories.map((k) => label('categories', k)).join('، ') : '—'}</dd>
      </dl>
      {c.urgent && <span className="tag tag-urgent">{t('case.urgent')}</span>}
      <Text size="sm">{t('case.onTime', { onTime: c.stepsOnTime, late: c.stepsLate })}</Text>
      {c.transferTo && <Text>{t('case.transferPending', { province: c.transferTo })}</Text>}
    </Section>
  );
}

function Actions({ c }: { c: Case }) {
  const t = useT();
  const staff = useStaff();
  const offers = availableSteps(c, staff);
  return (
    <Section title={t('case.actions')}>
      {offers.length === 0 ? (
        <Text>{t('case.noActions')}</Text>
      ) : (
        <Group>
          {offers.map((o) => (
            <Button
              key={`${o.form}-${o.replaces ?? ''}`}
              component={Link}
              to={`/cases/${c.caseId}/steps/${o.form}${o.replaces ? `?replaces=${o.replaces}` : ''}`}
              variant={['assignment', 'transfer', 'concern'].includes(o.form) ? 'outline' : 'filled'}
            >
              {t(FORM_TITLE[o.form] ?? 'common.open')}
            </Button>
          ))}
        </Group>
      )}
    </Section>
  );
}

function ChildSection({ c }: { c: Case }) {
  const t = useT();
  const code = useCode();
  const child = c.child;
  return (
    <Section title={t('case.child')}>
      {!child ? (
        <Text>{t('case.childHidden')}</Text>
      ) : (
        <dl className="facts">
          <dt>{t('case.childName')}</dt>
          <dd data-testid="child-name">
            {child.firstName || child.lastName ? (
              `${child.firstName ?? ''} ${child.lastName ?? ''}`.trim()
            ) : (
              <>
                {child.alias} <span className="hint">{t('case.alias')}</span>
              </>
            )}
          </dd>
          <dt>{t('case.birthDate')}</dt>
          <dd>
            {child.birthDate} {child.birthDateApproximate && t('case.birthDateApproximate')}
          </dd>
          <dt>{t('case.sex')}</dt>
          <dd>{code('sex', child.sex)}</dd>
          {child.nationality && (
            <>
              <dt>{t('case.nationality')}</dt>
              <dd>{child.nationality}</dd>
            </>
          )}
          <dt>{t('case.migrantStatus')}</dt>
          <dd>{code('migrant', child.migrantStatus)}</dd>
          <dt>{t('case.civilRegistration')}</dt>
          <dd>{code('civil', child.civilRegistration)}</dd>
        </dl>
      )}
    </Section>
  );
}

function Deadlines({ c }: { c: Case }) {
  const t = useT();
  const label = useLabel();
  return (
    <Section title={t('case.timeline')}>
      <Title order={3} size="h4">
        {t('case.deadlines')}
      </Title>
      {c.openDeadlines.length === 0 ? (
        <Text>{t('case.noDeadlines')}</Text>
      ) : (
        <ul className="deadlines" data-testid="open-deadlines">
          {c.openDeadlines.map((d) => (
            <li key={`${d.step}-${d.subjectId ?? ''}`} className={d.overdue ? 'row-overdue' : undefined}>
              <strong>{label('steps', d.step)}</strong> — <Due at={d.dueAt} />
              {d.escalationLevel >= 0 && <> — {t('case.rung', { level: d.escalationLevel })}</>}
            </li>
          ))}
        </ul>
      )}
      <OpenEscalations escalations={c.openEscalations} />
    </Section>
  );
}

/** Every step the case went through, with its ladder: rungs fired and rungs still planned. */
function Timeline({ caseId }: { caseId: string }) {
  const t = useT();
  const label = useLabel();
  const timeline = useLoad(
    () => call(api.GET('/cases/{caseId}/timeline', { params: { path: { caseId } } })),
    [caseId],
  );
  return (
    <Section title={t('case.steps')}>
      <Loaded load={timeline.value} reload={timeline.reload}>
        {(tl) => {
          const lines = timelineLines(tl.steps);
          if (lines.length === 0) return <Text>{t('case.steps.empty')}</Text>;
          return (
            <ol className="timeline" data-testid="timeline">
              {lines.map((s) => (
                <li key={s.stepRecordId} data-step={s.step} data-state={s.state}>
                  <strong>{label('steps', s.step)}</strong> — {t(`timeline.state.${s.state}`)} —{' '}
                  {t('timeline.due')} <Instant at={s.dueAt} />
                  {s.completedAt && (
                    <>
                      {' '}
                      — {t('timeline.completed')} <Instant at={s.completedAt} />
                    </>
                  )}
                  {s.next && (
                    <div className="timeline-next" data-testid="next-rung">
                      {t('timeline.next', { level: s.next.level, role: label('roles', s.next.role) })} —{' '}
                      <Due at={s.next.at} />
                    </div>
                  )}
                  {s.rungs.length > 0 && (
                    <ul className="rungs">
                      {s.rungs.map((r) => (
                        <li key={r.level} data-status={r.status}>
                          {t('case.escalation.level', { level: r.level, role: label('roles', r.role) })} —{' '}
                          {t(`rungStatus.${r.status}`)}
                          {r.at && (
                            <>
                              {' '}
                              — <Instant at={r.at} />
                            </>
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          );
        }}
      </Loaded>
    </Section>
  );
}

function Referrals({ c }: { c: Case }) {
  const t = useT();
  const code = useCode();
  return (
    <Section title={t('case.referrals')}>
      {c.referrals.length === 0 ? (
        <Text>{t('case.noReferrals')}</Text>
      ) : (
        <ul data-testid="case-referrals">
          {c.referrals.map((r) => (
            <li key={r.referralId}>
              <Link to={`/referrals/${r.referralId}`}>
                {t('case.referral.line', { service: code('service', r.serviceType), partner: r.partnerId })}
              </Link>{' '}
              — {t(`refStatus.${r.status}`)}
              {r.declineReason && <> ({code('decline', r.declineReason)})</>}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Reports({ c }: { c: Case }) {
  const t = useT();
  const label = useLabel();
  return (
    <Section title={t('case.reports')}>
      <ul>
        {c.reports.map((r) => (
          <li key={r.reportId}>
            {label('channels', r.channel)} — <Instant at={r.receivedAt} />
            {r.urgent && <span className="tag tag-urgent">{t('case.urgent')}</span>}
            {r.anonymous && <> — {t('case.report.anonymous')}</>}
            {r.reporterName && <> — {t('case.report.reporter', { name: r.reporterName })}</>}
            {r.narrative && <p className="narrative">{r.narrative}</p>}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Audit({ caseId }: { caseId: string }) {
  const t = useT();
  const audit = useLoad(
    () => call(api.GET('/cases/{caseId}/audit', { params: { path: { caseId }, query: { limit: 100 } } })),
    [caseId],
  );
  return (
    <Section title={t('case.audit')}>
      <Loaded load={audit.value} reload={audit.reload}>
        {(page) => (
          <div className="table-scroll">
            <Table striped data-testid="audit">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('case.audit.col.at')}</Table.Th>
                  <Table.Th scope="col">{t('case.audit.col.who')}</Table.Th>
                  <Table.Th scope="col">{t('case.audit.col.what')}</Table.Th>
                  <Table.Th scope="col">{t('case.audit.col.why')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {page.items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>
                      <Instant at={e.at} />
                    </Table.Td>
                    <Table.Td dir="ltr">{e.actorId ?? t('case.audit.system')}</Table.Td>
                    <Table.Td dir="ltr">{e.action}</Table.Td>
                    <Table.Td dir="ltr">{e.reason ?? ''}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        )}
      </Loaded>
    </Section>
  );
}
