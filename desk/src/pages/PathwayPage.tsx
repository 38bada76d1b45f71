/**
 * One leaving-care pathway (protocol.md §4): its phase and milestones, the five axes with their
 * status and objectives, the open deadlines with their rung and the escalations, and the steps the
 * person may record now (leaving-care/steps.ts), each on its own form (PathwayStepPage).
 */
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useLoad } from '../api/hooks';
import { OpenEscalations } from '../components/escalations';
import { Loaded, PageTitle } from '../components/feedback';
import { Due, Instant } from '../components/time';
import { useCode, useLabel, useT } from '../i18n/i18n';
import { availablePathwaySteps } from '../leaving-care/steps';
import { useStaff } from '../session';
import { PATHWAY_FORM_TITLE } from './PathwayStepPage';

type Pathway = Schemas['PathwayDetails'];

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={2} size="h3" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

export default function PathwayPage() {
  const { childId = '' } = useParams();
  const t = useT();
  const location = useLocation();
  const done = (location.state as { done?: string } | null)?.done;
  const pathway = useLoad(
    () => call(api.GET('/leaving-care/{childId}', { params: { path: { childId } } })),
    [childId],
  );
  return (
    <Loaded load={pathway.value} reload={pathway.reload}>
      {(p) => (
        <Stack>
          <PageTitle title={t('lc.details')}>{t('lc.details')}</PageTitle>
          {done && (
            <Alert color="green" role="status" className="notice">
              {t('form.saved')}
            </Alert>
          )}
          <Summary p={p} />
          <Actions p={p} />
          <Axes p={p} />
          <Deadlines p={p} />
        </Stack>
      )}
    </Loaded>
  );
}

function Summary({ p }: { p: Pathway }) {
  const t = useT();
  const code = useCode();
  const m = p.milestones;
  return (
    <Section title={t('case.summary')}>
      <dl className="facts">
        {p.child && (
          <>
            <dt>{t('case.childName')}</dt>
            <dd data-testid="pathway-child">
              {p.child.firstName} {p.child.lastName}
            </dd>
          </>
        )}
        <dt>{t('lc.phase')}</dt>
        <dd data-testid="pathway-phase">{code('lcPhase', p.phase)}</dd>
        <dt>{t('lc.col.mediator')}</dt>
        <dd dir="ltr">{p.mediatorId ?? '—'}</dd>
        <dt>{t('lc.enrolledAt')}</dt>
        <dd>
          <Instant at={p.enrolledAt} />
        </dd>
        {m && (
          <>
            <dt>{t('lc.preparationAt')}</dt>
            <dd>
              <Instant at={m.preparationAt} />
            </dd>
            <dt>{t('lc.exitAt')}</dt>
            <dd>
              <Instant at={m.exitAt} />
            </dd>
            <dt>{t('lc.accompanimentEndsAt')}</dt>
            <dd>
              <Instant at={m.accompanimentEndsAt} />
            </dd>
          </>
        )}
        <dt>{t('lc.accompanimentMonths')}</dt>
        <dd>{t('lc.months', { months: p.accompanimentMonths })}</dd>
        <dt>{t('lc.programmeAt')}</dt>
        <dd>{p.programmeAt ? <Instant at={p.programmeAt} /> : '—'}</dd>
        <dt>{t('lc.reviews')}</dt>
        <dd>{p.reviews}</dd>
        <dt>{t('lc.exitPlanAt')}</dt>
        <dd>{p.exitPlanAt ? <Instant at={p.exitPlanAt} /> : '—'}</dd>
        <dt>{t('lc.contacts')}</dt>
        <dd>{p.contacts}</dd>
      </dl>
      {p.notEnrolledReason && <Text>{t('lc.notEnrolled')}</Text>}
    </Section>
  );
}

function Actions({ p }: { p: Pathway }) {
  const t = useT();
  const staff = useStaff();
  const offers = availablePathwaySteps(p, staff);
  return (
    <Section title={t('case.actions')}>
      {offers.length === 0 ? (
        <Text>{t('lc.noActions')}</Text>
      ) : (
        <Group>
          {offers.map((form) => (
            <Button
              key={form}
              component={Link}
              to={`/leaving-care/${p.childId}/steps/${form}`}
              variant={['mediator', 'accompaniment'].includes(form) ? 'outline' : 'filled'}
            >
              {t(PATHWAY_FORM_TITLE[form])}
            </Button>
          ))}
        </Group>
      )}
    </Section>
  );
}

function Axes({ p }: { p: Pathway }) {
  const t = useT();
  const label = useLabel();
  const code = useCode();
  return (
    <Section title={t('lc.axes')}>
      <ul data-testid="pathway-axes">
        {p.axes.map((a) => (
          <li key={a.axis}>
            <strong>{label('axes', a.axis)}</strong> — {code('lcStatus', a.status)}
            {a.objectives && a.objectives.length > 0 && (
              <ul>
                {a.objectives.map((o, i) => (
                  <li key={i} className="narrative">
                    {o}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Deadlines({ p }: { p: Pathway }) {
  const t = useT();
  const label = useLabel();
  return (
    <Section title={t('case.deadlines')}>
      {p.openDeadlines.length === 0 ? (
        <Text>{t('case.noDeadlines')}</Text>
      ) : (
        <ul className="deadlines" data-testid="pathway-deadlines">
          {p.openDeadlines.map((d) => (
            <li key={`${d.step}-${d.month ?? ''}`} className={d.overdue ? 'row-overdue' : undefined}>
              <strong>{label('steps', d.step)}</strong>
              {d.month ? <> ({t('lc.month', { month: d.month })})</> : null} — <Due at={d.dueAt} />
              {d.escalationLevel >= 0 && <> — {t('case.rung', { level: d.escalationLevel })}</>}
            </li>
          ))}
        </ul>
      )}
      <OpenEscalations escalations={p.openEscalations} />
    </Section>
  );
}
