/**
 * One leaving-care step's form on a pathway (protocol.md §4): the mediator, the five-axis programme
 * with its objectives, its reviews, the exit plan, the length of the accompaniment, the monthly
 * contact, the outcome per axis. Codes come from the generated OpenAPI enums; the API's field
 * errors appear beside their fields, a 409 says why in words, and an unreachable API keeps the
 * form as typed and retries with the same Idempotency-Key.
 */
import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  exitPlanItemValues,
  integrationOutcomeValues,
  leavingCareAxisValues,
  leavingCareProgressStatusValues,
} from '../../generated/api';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad, useSubmit, type Submission } from '../api/hooks';
import { FailureNotice, Loaded, PageTitle } from '../components/feedback';
import { RadioField, SelectField, TextField } from '../components/fields';
import { StaffPicker } from '../components/pickers';
import { useCode, useLabel, useT } from '../i18n/i18n';
import type { MessageId } from '../i18n/fr';
import { availablePathwaySteps, type PathwayForm } from '../leaving-care/steps';
import { useStaff } from '../session';

type Pathway = Schemas['PathwayDetails'];
type Axis = Schemas['LeavingCareAxis'];
type Status = Schemas['LeavingCareProgressStatus'];

export const PATHWAY_FORM_TITLE: Record<PathwayForm, MessageId> = {
  mediator: 'lcStep.mediator',
  programme: 'lcStep.programme',
  programmeReview: 'lcStep.programmeReview',
  exitPlan: 'lcStep.exitPlan',
  accompaniment: 'lcStep.accompaniment',
  contact: 'lcStep.contact',
  outcome: 'lcStep.outcome',
};

const header = (k: string) => ({ 'Idempotency-Key': k });

export default function PathwayStepPage() {
  const { childId = '', form = '' } = useParams();
  const t = useT();
  const staff = useStaff();
  const pathway = useLoad(
    () => call(api.GET('/leaving-care/{childId}', { params: { path: { childId } } })),
    [childId],
  );
  const title = t(PATHWAY_FORM_TITLE[form as PathwayForm] ?? 'common.open');
  return (
    <Loaded load={pathway.value} reload={pathway.reload}>
      {(p) => (
        <Stack>
          <Link to={`/leaving-care/${p.childId}`}>{t('lc.details')}</Link>
          <PageTitle title={title}>{title}</PageTitle>
          {!availablePathwaySteps(p, staff).includes(form as PathwayForm) && (
            // Offered or not, the form stays: the API judges, and says why if it refuses.
            <Text className="hint">{t('lc.notNow', { phase: t(`lcPhase.${p.phase}`) })}</Text>
          )}
          <Paper withBorder p="md">
            <StepForm form={form as PathwayForm} p={p} />
          </Paper>
        </Stack>
      )}
    </Loaded>
  );
}

function StepForm({ form, p }: { form: PathwayForm; p: Pathway }) {
  switch (form) {
    case 'mediator':
      return <Mediator p={p} />;
    case 'programme':
      return <Programme p={p} review={false} />;
    case 'programmeReview':
      return <Programme p={p} review />;
    case 'exitPlan':
      return <ExitPlan p={p} />;
    case 'accompaniment':
      return <Accompaniment p={p} />;
    case 'contact':
      return <Contact p={p} />;
    case 'outcome':
      return <Outcome p={p} />;
    default:
      return <Text>—</Text>;
  }
}

function Shell<B, T>({
  body,
  send,
  paths,
  nested = [],
  children,
  submitLabel,
}: {
  body: () => B;
  send: (body: B, idempotencyKey: string) => Promise<Result<T>>;
  paths: string[];
  nested?: string[];
  children: (failure: Submission['failure']) => ReactNode;
  submitLabel?: string;
}) {
  const t = useT();
  const navigate = useNavigate();
  const { childId = '', form = '' } = useParams();
  const { submit, submission } = useSubmit(
    send,
    () => void navigate(`/leaving-care/${childId}`, { state: { done: form } }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit(body());
  };
  return (
    <form onSubmit={onSubmit} noValidate aria-busy={submission.pending}>
      <Stack>
        {children(submission.failure)}
        {submission.failure && (
          <FailureNotice
            failure={submission.failure}
            submission={submission}
            shownPaths={paths}
            shownNested={nested}
          />
        )}
        <Group>
          <Button type="submit" loading={submission.pending}>
            {submission.pending ? t('wait.sending') : (submitLabel ?? t('common.submit'))}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const path = (childId: string) => ({ path: { childId } });

function Mediator({ p }: { p: Pathway }) {
  const t = useT();
  const [mediatorId, setMediator] = useState(p.mediatorId ?? '');
  return (
    <Shell
      paths={['body.mediatorId']}
      body={() => ({ mediatorId: mediatorId.trim() }) satisfies Schemas['MediatorBody']}
      send={(body, k) =>
        call(
          api.POST('/leaving-care/{childId}/mediator', {
            params: { ...path(p.childId), header: header(k) },
            body,
          }),
        )
      }
    >
      {(f) => (
        <StaffPicker
          label={t('lc.field.mediator')}
          path="body.mediatorId"
          failure={f}
          required
          staffRoles={['mediator']}
          province={p.province}
          value={mediatorId}
          onChange={setMediator}
        />
      )}
    </Shell>
  );
}

interface AxisEntry {
  axis: Axis;
  status: string;
  objectives: string;
}
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The programme (the autonomy assessment) or one of its reviews: every axis, its status and objectives. */
function Programme({ p, review }: { p: Pathway; review: boolean }) {
  const t = useT();
  const label = useLabel();
  const code = useCode();
  const known = new Map(p.axes.map((a) => [a.axis, a]));
  const [axes, setAxes] = useState<AxisEntry[]>(() =>
    leavingCareAxisValues.map((axis) => ({
      axis,
      status: review ? (known.get(axis)?.status ?? '') : '',
      objectives: review ? (known.get(axis)?.objectives ?? []).join('\n') : '',
    })),
  );
  const set = (i: number, patch: Partial<AxisEntry>) =>
    setAxes((xs) => xs.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const statuses = [
    { value: '', label: '—' },
    ...leavingCareProgressStatusValues.map((s) => ({ value: s, label: code('lcStatus', s) })),
  ];
  const body = () =>
    axes.map((a) => ({
      axis: a.axis,
      status: a.status as Status,
      ...(review && lines(a.objectives).length === 0 ? {} : { objectives: lines(a.objectives) }),
    }));
  const paths = ['body.axes', ...axes.map((_, i) => `body.axes[${i}].status`)];
  const nested = axes.map((_, i) => `body.axes[${i}].objectives`);
  const form = (f: Submission['failure']) => (
    <>
      <Text size="sm">{review ? t('lc.programme.reviewIntro') : t('lc.programme.intro')}</Text>
      {axes.map((a, i) => (
        <fieldset key={a.axis} className="item">
          <legend>{label('axes', a.axis)}</legend>
          <Stack>
            <SelectField
              label={t('lc.field.status')}
              path={`body.axes[${i}].status`}
              failure={f}
              required
              value={a.status}
              onChange={(v) => set(i, { status: v })}
              options={statuses}
            />
            <TextField
              label={review ? t('lc.field.newObjectives') : t('lc.field.objectives')}
              description={t('lc.field.objectivesHint')}
              path={`body.axes[${i}].objectives`}
              nested
              failure={f}
              required={!review}
              multiline
              value={a.objectives}
              onChange={(v) => set(i, { objectives: v })}
            />
          </Stack>
        </fieldset>
      ))}
    </>
  );
  return review ? (
    <Shell
      paths={paths}
      nested={nested}
      body={() => ({ axes: body() }) satisfies Schemas['ProgrammeReviewBody']}
      send={(b, k) =>
        call(
          api.POST('/leaving-care/{childId}/programme/reviews', {
            params: { ...path(p.childId), header: header(k) },
            body: b,
          }),
        )
      }
    >
      {form}
    </Shell>
  ) : (
    <Shell
      paths={paths}
      nested={nested}
      body={() =>
        ({
          axes: body().map((a) => ({ ...a, objectives: a.objectives ?? [] })),
        }) satisfies Schemas['ProgrammeBody']
      }
      send={(b, k) =>
        call(
          api.POST('/leaving-care/{childId}/programme', {
            params: { ...path(p.childId), header: header(k) },
            body: b,
          }),
        )
      }
    >
      {form}
    </Shell>
  );
}

function ExitPlan({ p }: { p: Pathway }) {
  const t = useT();
  const code = useCode();
  const [items, setItems] = useState<Record<string, string>>({});
  const statuses = [
    { value: '', label: '—' },
    ...leavingCareProgressStatusValues.map((s) => ({ value: s, label: code('lcStatus', s) })),
  ];
  return (
    <Shell
      paths={['body.items', ...exitPlanItemValues.map((_, i) => `body.items[${i}].status`)]}
      body={() =>
        ({
          items: exitPlanItemValues.map((item) => ({ item, status: (items[item] ?? '') as Status })),
        }) satisfies Schemas['ExitPlanBody']
      }
      send={(body, k) =>
        call(
          api.POST('/leaving-care/{childId}/exit-plan', {
            params: { ...path(p.childId), header: header(k) },
            body,
          }),
        )
      }
    >
      {(f) => (
        <>
          <Text size="sm">{t('lc.exitPlan.intro')}</Text>
          {exitPlanItemValues.map((item, i) => (
            <SelectField
              key={item}
              label={code('exitItem', item)}
              path={`body.items[${i}].status`}
              failure={f}
              required
              value={items[item] ?? ''}
              onChange={(v) => setItems((x) => ({ ...x, [item]: v }))}
              options={statuses}
            />
          ))}
        </>
      )}
    </Shell>
  );
}

function Accompaniment({ p }: { p: Pathway }) {
  const t = useT();
  const [months, setMonths] = useState(String(p.accompanimentMonths));
  return (
    <Shell
      paths={['body.months']}
      body={() => ({ months: Number(months) }) satisfies Schemas['AccompanimentBody']}
      send={(body, k) =>
        call(
          api.POST('/leaving-care/{childId}/accompaniment', {
            params: { ...path(p.childId), header: header(k) },
            body,
          }),
        )
      }
    >
      {(f) => (
        <TextField
          label={t('lc.field.months')}
          description={t('lc.field.monthsHint', {
            current: t('lc.months', { months: p.accompanimentMonths }),
          })}
          path="body.months"
          failure={f}
          required
          type="number"
          dir="ltr"
          value={months}
          onChange={setMonths}
        />
      )}
    </Shell>
  );
}

function Contact({ p }: { p: Pathway }) {
  const t = useT();
  const month = p.openDeadlines.find((d) => d.step === 'mediatorContact')?.month;
  return (
    <Shell
      paths={[]}
      body={() => ({}) satisfies Schemas['ContactBody']}
      send={(body, k) =>
        call(
          api.POST('/leaving-care/{childId}/contacts', {
            params: { ...path(p.childId), header: header(k) },
            body,
          }),
        )
      }
      submitLabel={t('lc.contact.submit')}
    >
      {() => (
        <Text>
          {month
            ? t('lc.contact.month', { month, contacts: p.contacts })
            : t('lc.contact.intro', { contacts: p.contacts })}
        </Text>
      )}
    </Shell>
  );
}

function Outcome({ p }: { p: Pathway }) {
  const t = useT();
  const label = useLabel();
  const [outcomes, setOutcomes] = useState<Record<string, string>>({});
  return (
    <Shell
      paths={['body.outcomes', ...leavingCareAxisValues.map((_, i) => `body.outcomes[${i}].outcome`)]}
      body={() =>
        ({
          outcomes: leavingCareAxisValues.map((axis) => ({
            axis,
            outcome: (outcomes[axis] ?? '') as Schemas['IntegrationOutcome'],
          })),
        }) satisfies Schemas['IntegrationOutcomeBody']
      }
      send={(body, k) =>
        call(
          api.POST('/leaving-care/{childId}/outcome', {
            params: { ...path(p.childId), header: header(k) },
            body,
          }),
        )
      }
    >
      {(f) => (
        <>
          <Text size="sm">{t('lc.outcome.intro')}</Text>
          {leavingCareAxisValues.map((axis, i) => (
            <RadioField
              key={axis}
              label={label('axes', axis)}
              path={`body.outcomes[${i}].outcome`}
              failure={f}
              required
              value={outcomes[axis] ?? ''}
              onChange={(v) => setOutcomes((x) => ({ ...x, [axis]: v }))}
              options={integrationOutcomeValues.map((o) => ({ value: o, label: label('outcomes', o) }))}
            />
          ))}
        </>
      )}
    </Shell>
  );
}
