/**
 * One protocol step's form on a case. Fields follow the OpenAPI schemas (codes from the generated
 * enum values); the API's field errors appear beside their fields, a 409 says why in words, and an
 * unreachable API keeps the form as typed and retries with the same Idempotency-Key.
 */
import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  categoryValues,
  channelValues,
  closureReasonValues,
  riskLevelValues,
  serviceTypeValues,
} from '../../generated/api';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad, useSubmit, type Submission } from '../api/hooks';
import { FailureNotice, Loaded, PageTitle } from '../components/feedback';
import { CheckField, ChecksField, RadioField, SelectField, TextField } from '../components/fields';
import { PartnerPicker, StaffPicker } from '../components/pickers';
import { useCode, useLabel, useT } from '../i18n/i18n';
import type { MessageId } from '../i18n/fr';
import { FORM_TITLE } from './CasePage';

type Case = Schemas['CaseDetails'];
const key = (k: string) => ({ 'Idempotency-Key': k });

export default function StepPage() {
  const { caseId = '', form = '' } = useParams();
  const t = useT();
  const kase = useLoad(() => call(api.GET('/cases/{caseId}', { params: { path: { caseId } } })), [caseId]);
  const title = t(FORM_TITLE[form] ?? 'common.open');
  return (
    <Loaded load={kase.value} reload={kase.reload}>
      {(c) => (
        <Stack>
          <Link to={`/cases/${c.caseId}`}>{t('case.title', { reference: c.reference })}</Link>
          <PageTitle title={title}>{title}</PageTitle>
          <Paper withBorder p="md">
            <StepForm form={form} c={c} />
          </Paper>
        </Stack>
      )}
    </Loaded>
  );
}

function Shell<B, T>({
  body,
  send,
  paths,
  children,
  submitLabel,
}: {
  body: () => B;
  send: (body: B, idempotencyKey: string) => Promise<Result<T>>;
  paths: string[];
  children: (failure: Submission['failure']) => ReactNode;
  submitLabel?: string;
}) {
  const t = useT();
  const navigate = useNavigate();
  const { caseId = '', form = '' } = useParams();
  const { submit, submission } = useSubmit(
    send,
    () => void navigate(`/cases/${caseId}`, { state: { done: form } }),
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
          <FailureNotice failure={submission.failure} submission={submission} shownPaths={paths} />
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

function useOptions() {
  const t = useT();
  const label = useLabel();
  const code = useCode();
  return {
    risks: riskLevelValues.map((r) => ({ value: r, label: t(`risk.${r}`) })),
    categories: categoryValues.map((c) => ({ value: c, label: label('categories', c) })),
    services: serviceTypeValues.map((s) => ({ value: s, label: code('service', s) })),
    channels: channelValues.map((c) => ({ value: c, label: label('channels', c) })),
    closureReasons: closureReasonValues.map((r) => ({ value: r, label: code('closure', r) })),
    pick: [{ value: '', label: '—' }],
  };
}

function StepForm({ form, c }: { form: string; c: Case }) {
  switch (form) {
    case 'screening':
      return <Screening c={c} />;
    case 'emergency':
      return <Emergency c={c} />;
    case 'judicialNotification':
      return <Judicial c={c} />;
    case 'assessment':
      return <Assessment c={c} />;
    case 'plan':
      return <Plan c={c} />;
    case 'planApproval':
      return <PlanApproval c={c} />;
    case 'referral':
      return <Referral c={c} />;
    case 'review':
      return <Review c={c} />;
    case 'closure':
      return <Closure c={c} />;
    case 'closureApproval':
      return <ClosureApproval c={c} />;
    case 'checkBack':
      return <CheckBack c={c} />;
    case 'transfer':
      return <Transfer c={c} />;
    case 'transferAcceptance':
      return <TransferAcceptance c={c} />;
    case 'assignment':
      return <Assignment c={c} />;
    case 'concern':
      return <Concern c={c} />;
    default:
      return <Text>—</Text>;
  }
}

const path = (caseId: string) => ({ path: { caseId } });

function Screening({ c }: { c: Case }) {
  const t = useT();
  const o = useOptions();
  const [risk, setRisk] = useState('');
  const [immediateNeeds, setNeeds] = useState(false);
  const [injury, setInjury] = useState(false);
  const [categories, setCategories] = useState<string[]>(c.categories);
  const [notes, setNotes] = useState('');
  return (
    <Shell
      paths={['body.risk', 'body.immediateNeeds', 'body.injury', 'body.categories', 'body.notes']}
      body={() =>
        ({
          risk: risk as Schemas['RiskLevel'],
          immediateNeeds,
          injury,
          categories: categories as Schemas['Category'][],
          ...(notes ? { notes } : {}),
        }) satisfies Schemas['ScreeningBody']
      }
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/screening', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <>
          <SelectField
            label={t('field.risk')}
            path="body.risk"
            failure={f}
            required
            value={risk}
            onChange={setRisk}
            options={[...o.pick, ...o.risks]}
          />
          <CheckField
            label={t('field.immediateNeeds')}
            path="body.immediateNeeds"
            failure={f}
            checked={immediateNeeds}
            onChange={setNeeds}
          />
          <CheckField
            label={t('field.injury')}
            path="body.injury"
            failure={f}
            checked={injury}
            onChange={setInjury}
          />
          <ChecksField
            label={t('field.categories')}
            path="body.categories"
            failure={f}
            required
            value={categories}
            onChange={setCategories}
            options={o.categories}
          />
          <TextField
            label={t('field.notes')}
            path="body.notes"
            failure={f}
            value={notes}
            onChange={setNotes}
            multiline
          />
        </>
      )}
    </Shell>
  );
}

function Emergency({ c }: { c: Case }) {
  const t = useT();
  const o = useOptions();
  const [measures, setMeasures] = useState<string[]>([]);
  return (
    <Shell
      paths={['body.measures']}
      body={() => ({ measures: measures as Schemas['ServiceType'][] }) satisfies Schemas['EmergencyBody']}
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/emergency', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <ChecksField
          label={t('field.measures')}
          path="body.measures"
          failure={f}
          required
          value={measures}
          onChange={setMeasures}
          options={o.services}
        />
      )}
    </Shell>
  );
}

function Judicial({ c }: { c: Case }) {
  const t = useT();
  const [status, setStatus] = useState('');
  return (
    <Shell
      paths={['body.status']}
      body={() =>
        ({ status: status as 'sent' | 'acknowledged' }) satisfies Schemas['JudicialNotificationBody']
      }
      send={(body, k) =>
        call(
          api.POST('/cases/{caseId}/judicial-notification', {
            params: { ...path(c.caseId), header: key(k) },
            body,
          }),
        )
      }
    >
      {(f) => (
        <RadioField
          label={t('field.judicialStatus')}
          path="body.status"
          failure={f}
          required
          value={status}
          onChange={setStatus}
          options={[
            { value: 'sent', label: t('judicial.sent') },
            { value: 'acknowledged', label: t('judicial.acknowledged') },
          ]}
        />
      )}
    </Shell>
  );
}

const SECTIONS = ['social', 'health', 'psychological', 'educational', 'legal'] as const;
function Assessment({ c }: { c: Case }) {
  const t = useT();
  const o = useOptions();
  const [sections, setSections] = useState<Record<(typeof SECTIONS)[number], string>>({
    social: '',
    health: '',
    psychological: '',
    educational: '',
    legal: '',
  });
  const [risk, setRisk] = useState('');
  return (
    <Shell
      paths={[...SECTIONS.map((s) => `body.${s}`), 'body.risk']}
      body={() =>
        ({
          ...Object.fromEntries(SECTIONS.filter((s) => sections[s]).map((s) => [s, sections[s]])),
          ...(risk ? { risk: risk as Schemas['RiskLevel'] } : {}),
        }) satisfies Schemas['AssessmentBody']
      }
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/assessment', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <>
          {SECTIONS.map((s) => (
            <TextField
              key={s}
              label={t(`field.${s}` as MessageId)}
              path={`body.${s}`}
              failure={f}
              value={sections[s]}
              onChange={(v) => setSections((x) => ({ ...x, [s]: v }))}
              multiline
            />
          ))}
          <SelectField
            label={t('field.riskAfter')}
            path="body.risk"
            failure={f}
            value={risk}
            onChange={setRisk}
            options={[{ value: '', label: t('field.riskUnchanged') }, ...o.risks]}
          />
        </>
      )}
    </Shell>
  );
}

interface Item {
  serviceType: string;
  partnerId: string;
  objective: string;
}
function Plan({ c }: { c: Case }) {
  const t = useT();
  const o = useOptions();
  const [items, setItems] = useState<Item[]>([{ serviceType: '', partnerId: '', objective: '' }]);
  const [frequency, setFrequency] = useState('');
  const update = (i: number, patch: Partial<Item>) =>
    setItems((xs) => xs.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <Shell
      paths={[
        'body.items',
        'body.reviewFrequencyDays',
        ...items.flatMap((_, i) => [
          `body.items[${i}].serviceType`,
          `body.items[${i}].partnerId`,
          `body.items[${i}].objective`,
        ]),
      ]}
      body={() =>
        ({
          items: items.map((i) => ({
            serviceType: i.serviceType as Schemas['ServiceType'],
            partnerId: i.partnerId.trim(),
            ...(i.objective ? { objective: i.objective } : {}),
          })),
          ...(frequency ? { reviewFrequencyDays: Number(frequency) } : {}),
        }) satisfies Schemas['PlanBody']
      }
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/plan', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <>
          {items.map((item, i) => (
            <fieldset key={i} className="item">
              <legend>{t('field.item', { n: i + 1 })}</legend>
              <Stack>
                <SelectField
                  label={t('field.serviceType')}
                  path={`body.items[${i}].serviceType`}
                  failure={f}
                  required
                  value={item.serviceType}
                  // Another service: the partner is chosen again among those giving it.
                  onChange={(v) => update(i, { serviceType: v, partnerId: '' })}
                  options={[...o.pick, ...o.services]}
                />
                <PartnerPicker
                  label={t('field.partnerId')}
                  path={`body.items[${i}].partnerId`}
                  failure={f}
                  required
                  province={c.province}
                  serviceType={item.serviceType}
                  value={item.partnerId}
                  onChange={(v) => update(i, { partnerId: v })}
                />
                <TextField
                  label={t('field.objective')}
                  path={`body.items[${i}].objective`}
                  failure={f}
                  value={item.objective}
                  onChange={(v) => update(i, { objective: v })}
                  multiline
                />
                {items.length > 1 && (
                  <Group>
                    <Button
                      variant="outline"
                      color="red"
                      onClick={() => setItems((xs) => xs.filter((_, j) => j !== i))}
                    >
                      {t('field.removeItem')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </fieldset>
          ))}
          <Group>
            <Button
              variant="outline"
              onClick={() => setItems((xs) => [...xs, { serviceType: '', partnerId: '', objective: '' }])}
            >
              {t('field.addItem')}
            </Button>
          </Group>
          <TextField
            label={t('field.reviewFrequencyDays')}
            path="body.reviewFrequencyDays"
            failure={f}
            type="number"
            value={frequency}
            onChange={setFrequency}
          />
        </>
      )}
    </Shell>
  );
}

function Decision({
  c,
  withReason,
  send,
}: {
  c: Case;
  withReason: boolean;
  send: (body: { decision: 'approve' | 'return'; reason?: string }, k: string) => Promise<Result<unknown>>;
}) {
  const t = useT();
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');
  void c;
  return (
    <Shell
      paths={['body.decision', 'body.reason']}
      body={() => ({
        decision: decision as 'approve' | 'return',
        ...(withReason && decision === 'return' && reason ? { reason } : {}),
      })}
      send={send}
    >
      {(f) => (
        <>
          <RadioField
            label={t('field.decision')}
            path="body.decision"
            failure={f}
            required
            value={decision}
            onChange={setDecision}
            options={[
              { value: 'approve', label: t('decision.approve') },
              { value: 'return', label: t('decision.return') },
            ]}
          />
          {withReason && decision === 'return' && (
            <TextField
              label={t('field.reason')}
              path="body.reason"
              failure={f}
              value={reason}
              onChange={setReason}
              multiline
            />
          )}
        </>
      )}
    </Shell>
  );
}

function PlanApproval({ c }: { c: Case }) {
  return (
    <Decision
      c={c}
      withReason
      send={(body, k) =>
        call(
          api.POST('/cases/{caseId}/plan/approval', { params: { ...path(c.caseId), header: key(k) }, body }),
        )
      }
    />
  );
}

function ClosureApproval({ c }: { c: Case }) {
  return (
    <Decision
      c={c}
      withReason={false}
      send={(body, k) =>
        call(
          api.POST('/cases/{caseId}/closure/approval', {
            params: { ...path(c.caseId), header: key(k) },
            body: { decision: body.decision },
          }),
        )
      }
    />
  );
}

function Referral({ c }: { c: Case }) {
  const t = useT();
  const o = useOptions();
  const [params] = useSearchParams();
  const replaces = params.get('replaces') ?? undefined;
  const replaced = c.referrals.find((r) => r.referralId === replaces);
  const [serviceType, setService] = useState(replaced?.serviceType ?? '');
  const [partnerId, setPartner] = useState('');
  const code = useCode();
  return (
    <Shell
      paths={['body.serviceType', 'body.partnerId', 'body.replaces']}
      body={() =>
        ({
          serviceType: serviceType as Schemas['ServiceType'],
          partnerId: partnerId.trim(),
          ...(replaces ? { replaces } : {}),
        }) satisfies Schemas['ReferralBody']
      }
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/referrals', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <>
          {replaced && (
            <Text>
              {t('field.replaces')} : {code('service', replaced.serviceType)} — {replaced.partnerId}
            </Text>
          )}
          <SelectField
            label={t('field.serviceType')}
            path="body.serviceType"
            failure={f}
            required
            value={serviceType}
            onChange={(v) => {
              setService(v);
              setPartner('');
            }}
            options={[...o.pick, ...o.services]}
          />
          <PartnerPicker
            label={t('field.partnerId')}
            path="body.partnerId"
            failure={f}
            required
            province={c.province}
            serviceType={serviceType}
            value={partnerId}
            onChange={setPartner}
          />
        </>
      )}
    </Shell>
  );
}

function Review({ c }: { c: Case }) {
  const t = useT();
  const o = useOptions();
  const [risk, setRisk] = useState(c.risk ?? '');
  const [decision, setDecision] = useState('');
  const [notes, setNotes] = useState('');
  return (
    <Shell
      paths={['body.risk', 'body.decision', 'body.notes']}
      body={() =>
        ({
          risk: risk as Schemas['RiskLevel'],
          decision: decision as Schemas['ReviewBody']['decision'],
          ...(notes ? { notes } : {}),
        }) satisfies Schemas['ReviewBody']
      }
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/reviews', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <>
          <SelectField
            label={t('field.risk')}
            path="body.risk"
            failure={f}
            required
            value={risk}
            onChange={setRisk}
            options={[...o.pick, ...o.risks]}
          />
          <RadioField
            label={t('field.reviewDecision')}
            path="body.decision"
            failure={f}
            required
            value={decision}
            onChange={setDecision}
            options={(['continue', 'reassess', 'revisePlan'] as const).map((d) => ({
              value: d,
              label: t(`review.${d}`),
            }))}
          />
          <TextField
            label={t('field.notes')}
            path="body.notes"
            failure={f}
            value={notes}
            onChange={setNotes}
            multiline
          />
        </>
      )}
    </Shell>
  );
}

function Closure({ c }: { c: Case }) {
  const t = useT();
  const o = useOptions();
  const [reason, setReason] = useState('');
  return (
    <Shell
      paths={['body.reason']}
      body={() => ({ reason: reason as Schemas['ClosureReason'] }) satisfies Schemas['ClosureBody']}
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/closure', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <SelectField
          label={t('field.closureReason')}
          path="body.reason"
          failure={f}
          required
          value={reason}
          onChange={setReason}
          options={[...o.pick, ...o.closureReasons]}
        />
      )}
    </Shell>
  );
}

function CheckBack({ c }: { c: Case }) {
  const t = useT();
  const [outcome, setOutcome] = useState('');
  return (
    <Shell
      paths={['body.outcome']}
      body={() => ({ outcome: outcome as 'stable' | 'concern' }) satisfies Schemas['CheckBackBody']}
      send={(body, k) =>
        call(
          api.POST('/cases/{caseId}/closure/check-back', {
            params: { ...path(c.caseId), header: key(k) },
            body,
          }),
        )
      }
    >
      {(f) => (
        <RadioField
          label={t('field.checkBackOutcome')}
          path="body.outcome"
          failure={f}
          required
          value={outcome}
          onChange={setOutcome}
          options={[
            { value: 'stable', label: t('checkBack.stable') },
            { value: 'concern', label: t('checkBack.concern') },
          ]}
        />
      )}
    </Shell>
  );
}

function Transfer({ c }: { c: Case }) {
  const t = useT();
  const [toProvince, setTo] = useState('');
  return (
    <Shell
      paths={['body.toProvince']}
      body={() => ({ toProvince: toProvince.trim() }) satisfies Schemas['TransferBody']}
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/transfer', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <TextField
          label={t('field.toProvince')}
          path="body.toProvince"
          failure={f}
          required
          dir="ltr"
          value={toProvince}
          onChange={setTo}
        />
      )}
    </Shell>
  );
}

function TransferAcceptance({ c }: { c: Case }) {
  const t = useT();
  const [accept, setAccept] = useState('');
  return (
    <Shell
      paths={['body.accept']}
      body={() => ({ accept: accept === 'yes' }) satisfies Schemas['TransferAcceptanceBody']}
      send={(body, k) =>
        call(
          api.POST('/cases/{caseId}/transfer/acceptance', {
            params: { ...path(c.caseId), header: key(k) },
            body,
          }),
        )
      }
    >
      {(f) => (
        <RadioField
          label={t('field.accept')}
          path="body.accept"
          failure={f}
          required
          value={accept}
          onChange={setAccept}
          options={[
            { value: 'yes', label: t('transfer.accept') },
            { value: 'no', label: t('transfer.refuse') },
          ]}
        />
      )}
    </Shell>
  );
}

function Assignment({ c }: { c: Case }) {
  const t = useT();
  const [assigneeId, setAssignee] = useState(c.assigneeId ?? '');
  return (
    <Shell
      paths={['body.assigneeId']}
      body={() => ({ assigneeId: assigneeId.trim() }) satisfies Schemas['AssignmentBody']}
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/assignment', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => (
        <StaffPicker
          label={t('field.assigneeId')}
          path="body.assigneeId"
          failure={f}
          required
          staffRoles={['handler', 'supervisor']}
          province={c.province}
          value={assigneeId}
          onChange={setAssignee}
        />
      )}
    </Shell>
  );
}

function Concern({ c }: { c: Case }) {
  const [report, setReport] = useState<ReportFields>(emptyReport());
  return (
    <Shell
      paths={REPORT_PATHS('body')}
      body={() => reportBody(report)}
      send={(body, k) =>
        call(api.POST('/cases/{caseId}/concerns', { params: { ...path(c.caseId), header: key(k) }, body }))
      }
    >
      {(f) => <ReportFieldsEditor value={report} onChange={setReport} failure={f} base="body" />}
    </Shell>
  );
}

// --- the report's fields (a concern, and the report that opens a case) -----------------------

export interface ReportFields {
  channel: string;
  receivedAt: string;
  urgent: boolean;
  anonymous: boolean;
  reporterName: string;
  reporterContact: string;
  narrative: string;
  categories: string[];
}
export const emptyReport = (): ReportFields => ({
  channel: '',
  receivedAt: '',
  urgent: false,
  anonymous: false,
  reporterName: '',
  reporterContact: '',
  narrative: '',
  categories: [],
});
export const REPORT_PATHS = (base: string) =>
  [
    'channel',
    'receivedAt',
    'urgent',
    'anonymous',
    'reporterName',
    'reporterContact',
    'narrative',
    'categories',
  ].map((k) => `${base}.${k}`);

/** A local date-time typed in Morocco (datetime-local), as an instant with its offset. */
export function moroccoInstant(local: string): string {
  const guess = new Date(`${local}:00Z`);
  const offsetOf = (d: Date) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: 'Africa/Casablanca',
      timeZoneName: 'longOffset',
    })
      .formatToParts(d)
      .find((p) => p.type === 'timeZoneName')?.value;
    const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(parts ?? '');
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  };
  return new Date(guess.getTime() - offsetOf(guess) * 60_000).toISOString();
}

export function reportBody(r: ReportFields): Schemas['ReportInput'] {
  return {
    channel: r.channel as Schemas['Channel'],
    ...(r.receivedAt ? { receivedAt: moroccoInstant(r.receivedAt) } : {}),
    urgent: r.urgent,
    anonymous: r.anonymous,
    ...(!r.anonymous && r.reporterName ? { reporterName: r.reporterName } : {}),
    ...(!r.anonymous && r.reporterContact ? { reporterContact: r.reporterContact } : {}),
    ...(r.narrative ? { narrative: r.narrative } : {}),
    categories: r.categories as Schemas['Category'][],
  };
}

export function ReportFieldsEditor({
  value,
  onChange,
  failure,
  base,
}: {
  value: ReportFields;
  onChange(v: ReportFields): void;
  failure: Submission['failure'];
  base: string;
}) {
  const t = useT();
  const o = useOptions();
  const set = (patch: Partial<ReportFields>) => onChange({ ...value, ...patch });
  return (
    <>
      <SelectField
        label={t('report.channel')}
        path={`${base}.channel`}
        failure={failure}
        required
        value={value.channel}
        onChange={(v) => set({ channel: v })}
        options={[...o.pick, ...o.channels]}
      />
      <TextField
        label={t('report.receivedAt')}
        path={`${base}.receivedAt`}
        failure={failure}
        type="datetime-local"
        value={value.receivedAt}
        onChange={(v) => set({ receivedAt: v })}
      />
      <CheckField
        label={t('report.urgent')}
        path={`${base}.urgent`}
        failure={failure}
        checked={value.urgent}
        onChange={(v) => set({ urgent: v })}
      />
      <CheckField
        label={t('report.anonymous')}
        path={`${base}.anonymous`}
        failure={failure}
        checked={value.anonymous}
        onChange={(v) => set({ anonymous: v })}
      />
      {!value.anonymous && (
        <>
          <TextField
            label={t('report.reporterName')}
            path={`${base}.reporterName`}
            failure={failure}
            value={value.reporterName}
            onChange={(v) => set({ reporterName: v })}
          />
          <TextField
            label={t('report.reporterContact')}
            path={`${base}.reporterContact`}
            failure={failure}
            value={value.reporterContact}
            onChange={(v) => set({ reporterContact: v })}
          />
        </>
      )}
      <TextField
        label={t('report.narrative')}
        path={`${base}.narrative`}
        failure={failure}
        value={value.narrative}
        onChange={(v) => set({ narrative: v })}
        multiline
      />
      <ChecksField
        label={t('field.categories')}
        path={`${base}.categories`}
        failure={failure}
        value={value.categories}
        onChange={(v) => set({ categories: v })}
        options={o.categories}
      />
    </>
  );
}
