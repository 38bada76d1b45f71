/** One leaving-care pathway: phase, milestones, axes, deadlines; the mediator records a monthly contact. */
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, call } from '../api/client';
import { useLoad, useSubmit } from '../api/hooks';
import { FailureNotice, Loaded, PageTitle } from '../components/feedback';
import { Due, Instant } from '../components/time';
import { useLabel, useT } from '../i18n/i18n';
import { useStaff } from '../session';

export default function PathwayPage() {
  const { childId = '' } = useParams();
  const t = useT();
  const label = useLabel();
  const staff = useStaff();
  const [done, setDone] = useState(0);
  const pathway = useLoad(
    () => call(api.GET('/leaving-care/{childId}', { params: { path: { childId } } })),
    [childId, done],
  );
  const { submit, submission } = useSubmit(
    (_: object, k: string) =>
      call(
        api.POST('/leaving-care/{childId}/contacts', {
          params: { path: { childId }, header: { 'Idempotency-Key': k } },
          body: {},
        }),
      ),
    () => setDone((n) => n + 1),
  );
  return (
    <Loaded load={pathway.value} reload={pathway.reload}>
      {(p) => (
        <Stack>
          <PageTitle title={t('lc.details')}>{t('lc.details')}</PageTitle>
          {done > 0 && (
            <Alert color="green" role="status">
              {t('form.saved')}
            </Alert>
          )}
          <Paper withBorder p="md">
            <dl className="facts">
              {p.child && (
                <>
                  <dt>{t('case.childName')}</dt>
                  <dd>
                    {p.child.firstName} {p.child.lastName}
                  </dd>
                </>
              )}
              <dt>{t('lc.phase')}</dt>
              <dd dir="ltr">{p.phase}</dd>
              <dt>{t('lc.col.mediator')}</dt>
              <dd dir="ltr">{p.mediatorId ?? '—'}</dd>
              <dt>{t('case.openedAt')}</dt>
              <dd>
                <Instant at={p.enrolledAt} />
              </dd>
            </dl>
          </Paper>
          <Paper withBorder p="md" component="section" aria-label={t('lc.axes')}>
            <Title order={2} size="h3">
              {t('lc.axes')}
            </Title>
            <ul>
              {p.axes.map((a) => (
                <li key={a.axis}>
                  {label('axes', a.axis)} — {a.status}
                  {a.objectives && a.objectives.length > 0 && <> : {a.objectives.join(' ; ')}</>}
                </li>
              ))}
            </ul>
          </Paper>
          <Paper withBorder p="md" component="section" aria-label={t('case.deadlines')}>
            <Title order={2} size="h3">
              {t('case.deadlines')}
            </Title>
            {p.openDeadlines.length === 0 ? (
              <Text>{t('case.noDeadlines')}</Text>
            ) : (
              <ul>
                {p.openDeadlines.map((d) => (
                  <li key={`${d.step}-${d.month ?? ''}`}>
                    {label('steps', d.step)} — <Due at={d.dueAt} />
                  </li>
                ))}
              </ul>
            )}
          </Paper>
          {staff.can('leavingCare.contact') && p.openDeadlines.some((d) => d.step === 'mediatorContact') && (
            <Group>
              <Button loading={submission.pending} onClick={() => submit({})}>
                {label('steps', 'mediatorContact')}
              </Button>
            </Group>
          )}
          {submission.failure && <FailureNotice failure={submission.failure} submission={submission} />}
        </Stack>
      )}
    </Loaded>
  );
}
