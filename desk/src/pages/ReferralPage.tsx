/** One referral: what it is, its deadlines, and the partner's next action (acknowledge, decline with a reason, start, outcome). */
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad, useSubmit } from '../api/hooks';
import { FailureNotice, Loaded, PageTitle } from '../components/feedback';
import { RadioField } from '../components/fields';
import { Due, Instant } from '../components/time';
import { useCode, useLabel, useT } from '../i18n/i18n';
import { useStaff } from '../session';

type Referral = Schemas['ReferralDetails'];
const DECLINE = ['noCapacity', 'outsideRemit', 'childNotReachable', 'familyRefused', 'other'] as const;
const OUTCOMES = ['completed', 'partlyCompleted', 'notCompleted'] as const;

export default function ReferralPage() {
  const { referralId = '' } = useParams();
  const t = useT();
  const code = useCode();
  const label = useLabel();
  const staff = useStaff();
  const [done, setDone] = useState<string | null>(null);
  const referral = useLoad(
    () => call(api.GET('/referrals/{referralId}', { params: { path: { referralId } } })),
    [referralId, done],
  );
  return (
    <Loaded load={referral.value} reload={referral.reload}>
      {(r) => (
        <Stack>
          <PageTitle title={t('referral.title', { service: code('service', r.serviceType) })}>
            {t('referral.title', { service: code('service', r.serviceType) })}
          </PageTitle>
          {done && (
            <Alert color="green" role="status" className="notice">
              {t('referral.done', { status: t(`refStatus.${r.status}`) })}
            </Alert>
          )}
          <Paper withBorder p="md">
            <dl className="facts">
              <dt>{t('referrals.col.case')}</dt>
              <dd>
                {staff.can('case.read') ? (
                  <Link to={`/cases/${r.caseId}`}>{r.caseReference}</Link>
                ) : (
                  r.caseReference
                )}
              </dd>
              <dt>{t('referral.status')}</dt>
              <dd data-testid="referral-status">{t(`refStatus.${r.status}`)}</dd>
              <dt>{t('referral.requestedAt')}</dt>
              <dd>
                <Instant at={r.requestedAt} />
              </dd>
              {r.acknowledgedAt && (
                <>
                  <dt>{t('referral.acknowledgedAt')}</dt>
                  <dd>
                    <Instant at={r.acknowledgedAt} />
                  </dd>
                </>
              )}
              {r.startedAt && (
                <>
                  <dt>{t('referral.startedAt')}</dt>
                  <dd>
                    <Instant at={r.startedAt} />
                  </dd>
                </>
              )}
              {r.outcome && (
                <>
                  <dt>{t('referral.outcome.label')}</dt>
                  <dd>{t(`outcome.${r.outcome as (typeof OUTCOMES)[number]}`)}</dd>
                </>
              )}
              {r.declineReason && (
                <>
                  <dt>{t('referral.declineReason')}</dt>
                  <dd>{t(`decline.${r.declineReason as (typeof DECLINE)[number]}`)}</dd>
                </>
              )}
            </dl>
          </Paper>
          {r.openDeadlines.length > 0 && (
            <Paper withBorder p="md" component="section" aria-label={t('referral.deadlines')}>
              <Title order={2} size="h3">
                {t('referral.deadlines')}
              </Title>
              <ul>
                {r.openDeadlines.map((d) => (
                  <li key={d.step}>
                    {label('steps', d.step)} — <Due at={d.dueAt} />
                  </li>
                ))}
              </ul>
            </Paper>
          )}
          {staff.can('referral.acknowledgement') && <PartnerActions r={r} onDone={setDone} />}
        </Stack>
      )}
    </Loaded>
  );
}

function PartnerActions({ r, onDone }: { r: Referral; onDone(step: string): void }) {
  const t = useT();
  const id = { path: { referralId: r.referralId } };
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState('');
  const { submit, submission } = useSubmit(
    (body: { step: string; payload: Record<string, string> }, k: string): Promise<Result<unknown>> => {
      const params = { ...id, header: { 'Idempotency-Key': k } };
      switch (body.step) {
        case 'acknowledgement':
          return call(api.POST('/referrals/{referralId}/acknowledgement', { params, body: {} }));
        case 'decline':
          return call(
            api.POST('/referrals/{referralId}/decline', {
              params,
              body: { reason: body.payload.reason as Schemas['DeclineBody']['reason'] },
            }),
          );
        case 'start':
          return call(api.POST('/referrals/{referralId}/start', { params, body: {} }));
        default:
          return call(
            api.POST('/referrals/{referralId}/outcome', {
              params,
              body: { outcome: body.payload.outcome as (typeof OUTCOMES)[number] },
            }),
          );
      }
    },
    (_data, body) => onDone(`${body.step}-${Date.now()}`),
  );
  const f = submission.failure;
  const canDecline = r.status === 'requested' || r.status === 'acknowledged';
  if (!['requested', 'acknowledged', 'started'].includes(r.status)) {
    return <Text>{t('referral.nothingToDo')}</Text>;
  }
  return (
    <Paper withBorder p="md">
      <Stack>
        {r.status === 'requested' && (
          <Group>
            <Button
              loading={submission.pending}
              onClick={() => submit({ step: 'acknowledgement', payload: {} })}
            >
              {t('referral.acknowledge')}
            </Button>
          </Group>
        )}
        {r.status === 'acknowledged' && (
          <Group>
            <Button loading={submission.pending} onClick={() => submit({ step: 'start', payload: {} })}>
              {t('referral.start')}
            </Button>
          </Group>
        )}
        {r.status === 'started' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit({ step: 'outcome', payload: { outcome } });
            }}
          >
            <Stack>
              <RadioField
                label={t('referral.outcome.label')}
                path="body.outcome"
                failure={f}
                required
                value={outcome}
                onChange={setOutcome}
                options={OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
              />
              <Group>
                <Button type="submit" loading={submission.pending}>
                  {t('referral.outcome')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {canDecline && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit({ step: 'decline', payload: { reason } });
            }}
          >
            <Stack>
              <RadioField
                label={t('referral.declineReason')}
                path="body.reason"
                failure={f}
                required
                value={reason}
                onChange={setReason}
                options={DECLINE.map((d) => ({ value: d, label: t(`decline.${d}`) }))}
              />
              <Group>
                <Button type="submit" variant="outline" color="red" loading={submission.pending}>
                  {t('referral.decline')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {f && (
          <FailureNotice failure={f} submission={submission} shownPaths={['body.reason', 'body.outcome']} />
        )}
      </Stack>
    </Paper>
  );
}
