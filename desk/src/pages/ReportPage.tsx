/**
 * Report a concern: a new child (identity) or, when the API says the identity is a known child
 * (409 with `childId`), the same report about that known child. Opens a case, or joins the
 * child's open case.
 */
import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useSubmit } from '../api/hooks';
import { FailureNotice, PageTitle } from '../components/feedback';
import { CheckField, SelectField, TextField } from '../components/fields';
import { useT } from '../i18n/i18n';
import { emptyReport, REPORT_PATHS, reportBody, ReportFieldsEditor, type ReportFields } from './StepPage';

interface Child {
  /** The names and birth date are not known: an alias and an estimated age stand in for them. */
  nameUnknown: boolean;
  alias: string;
  estimatedAge: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  birthDateApproximate: boolean;
  sex: string;
  nationality: string;
  migrantStatus: string;
  civilRegistration: string;
}
const CHILD_PATHS = [
  'alias',
  'estimatedAge',
  'firstName',
  'lastName',
  'birthDate',
  'birthDateApproximate',
  'sex',
  'nationality',
  'migrantStatus',
  'civilRegistration',
].map((k) => `body.child.${k}`);

export default function ReportPage() {
  const t = useT();
  const navigate = useNavigate();
  const [child, setChild] = useState<Child>({
    nameUnknown: false,
    alias: '',
    estimatedAge: '',
    firstName: '',
    lastName: '',
    birthDate: '',
    birthDateApproximate: false,
    sex: '',
    nationality: '',
    migrantStatus: 'none',
    civilRegistration: 'unknown',
  });
  const [report, setReport] = useState<ReportFields>(emptyReport());
  const [knownChildId, setKnownChildId] = useState<string | null>(null);
  const { submit, submission } = useSubmit(
    (body: Schemas['CreateCaseBody'], k: string) =>
      call(api.POST('/cases', { params: { header: { 'Idempotency-Key': k } }, body })),
    (created) =>
      void navigate(`/cases/${created.caseId}`, { state: { done: created.joined ? 'joined' : 'opened' } }),
  );
  const failure = submission.failure;
  const knownFromProblem =
    failure?.kind === 'problem' && failure.status === 409 ? failure.problem.childId : undefined;
  const set = (patch: Partial<Child>) => setChild((c) => ({ ...c, ...patch }));
  const childBody = (): Schemas['ChildIdentityInput'] => ({
    // Sent as typed (even empty): the API's error then names the field beside which it is shown.
    ...(child.nameUnknown
      ? {
          alias: child.alias,
          birthDateApproximate: true,
          ...(child.estimatedAge.trim() ? { estimatedAge: Number(child.estimatedAge) } : {}),
        }
      : {
          firstName: child.firstName,
          lastName: child.lastName,
          birthDate: child.birthDate,
          birthDateApproximate: child.birthDateApproximate,
        }),
    sex: child.sex as Schemas['ChildIdentityInput']['sex'],
    ...(child.nationality ? { nationality: child.nationality } : {}),
    migrantStatus: child.migrantStatus as Schemas['ChildIdentityInput']['migrantStatus'],
    civilRegistration: child.civilRegistration as Schemas['ChildIdentityInput']['civilRegistration'],
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({
      ...(knownChildId ? { childId: knownChildId } : { child: childBody() }),
      report: reportBody(report),
    });
  };
  return (
    <Stack>
      <PageTitle title={t('report.title')}>{t('report.title')}</PageTitle>
      <Text>{t('report.intro')}</Text>
      <form onSubmit={onSubmit} noValidate aria-busy={submission.pending}>
        <Stack>
          <Paper withBorder p="md" component="fieldset" className="group">
            <legend>{t('report.child')}</legend>
            {knownChildId ? (
              <Alert color="blue">{t('report.knownChild')}</Alert>
            ) : (
              <Stack>
                <CheckField
                  label={t('report.nameUnknown')}
                  path="nameUnknown"
                  failure={null}
                  checked={child.nameUnknown}
                  onChange={(v) => set({ nameUnknown: v })}
                />
                {child.nameUnknown ? (
                  <>
                    <TextField
                      label={t('report.alias')}
                      description={t('report.aliasHint')}
                      path="body.child.alias"
                      failure={failure}
                      required
                      value={child.alias}
                      onChange={(v) => set({ alias: v })}
                    />
                    <TextField
                      label={t('report.estimatedAge')}
                      // Without an age the API names the birth date: said here, beside the age.
                      path="body.child.estimatedAge"
                      alsoPaths={['body.child.birthDate', 'body.child']}
                      failure={failure}
                      required
                      type="number"
                      value={child.estimatedAge}
                      onChange={(v) => set({ estimatedAge: v })}
                    />
                  </>
                ) : (
                  <>
                    <TextField
                      label={t('report.firstName')}
                      path="body.child.firstName"
                      failure={failure}
                      required
                      value={child.firstName}
                      onChange={(v) => set({ firstName: v })}
                    />
                    <TextField
                      label={t('report.lastName')}
                      path="body.child.lastName"
                      failure={failure}
                      required
                      value={child.lastName}
                      onChange={(v) => set({ lastName: v })}
                    />
                    <TextField
                      label={t('report.birthDate')}
                      path="body.child.birthDate"
                      failure={failure}
                      required
                      type="date"
                      value={child.birthDate}
                      onChange={(v) => set({ birthDate: v })}
                    />
                    <CheckField
                      label={t('report.birthDateApproximate')}
                      path="body.child.birthDateApproximate"
                      failure={failure}
                      checked={child.birthDateApproximate}
                      onChange={(v) => set({ birthDateApproximate: v })}
                    />
                  </>
                )}
                <SelectField
                  label={t('report.sex')}
                  path="body.child.sex"
                  failure={failure}
                  required
                  value={child.sex}
                  onChange={(v) => set({ sex: v })}
                  options={[
                    { value: '', label: '—' },
                    ...(['female', 'male', 'unknown'] as const).map((s) => ({
                      value: s,
                      label: t(`sex.${s}`),
                    })),
                  ]}
                />
                <TextField
                  label={t('report.nationality')}
                  path="body.child.nationality"
                  failure={failure}
                  value={child.nationality}
                  onChange={(v) => set({ nationality: v })}
                />
                <SelectField
                  label={t('report.migrantStatus')}
                  path="body.child.migrantStatus"
                  failure={failure}
                  value={child.migrantStatus}
                  onChange={(v) => set({ migrantStatus: v })}
                  options={(['none', 'unaccompanied', 'accompanied', 'unknown'] as const).map((s) => ({
                    value: s,
                    label: t(`migrant.${s}`),
                  }))}
                />
                <SelectField
                  label={t('report.civilRegistration')}
                  path="body.child.civilRegistration"
                  failure={failure}
                  value={child.civilRegistration}
                  onChange={(v) => set({ civilRegistration: v })}
                  options={(['registered', 'unregistered', 'unknown'] as const).map((s) => ({
                    value: s,
                    label: t(`civil.${s}`),
                  }))}
                />
              </Stack>
            )}
          </Paper>
          <Paper withBorder p="md" component="fieldset" className="group">
            <legend>{t('report.report')}</legend>
            <Stack>
              <ReportFieldsEditor value={report} onChange={setReport} failure={failure} base="body.report" />
            </Stack>
          </Paper>
          {failure && (
            <FailureNotice
              failure={failure}
              submission={submission}
              shownPaths={[...CHILD_PATHS, 'body.child', ...REPORT_PATHS('body.report')]}
            />
          )}
          {knownFromProblem && !knownChildId && (
            <Group>
              <Button variant="outline" onClick={() => setKnownChildId(knownFromProblem)}>
                {t('report.useKnownChild')}
              </Button>
            </Group>
          )}
          <Group>
            <Button type="submit" loading={submission.pending}>
              {submission.pending ? t('wait.sending') : t('report.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
