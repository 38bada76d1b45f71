/**
 * The organisation's forms: a unit, a staff member, a partner service, created (POST) or edited
 * (PATCH) by the province's administrator (the ministry's, in any province). The API's field
 * errors show beside their fields and a refusal is said in words; what was typed stays.
 */
import { Button, Group, Stack, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api/client';
import { useSubmit } from '../api/hooks';
import { FailureNotice } from '../components/feedback';
import { SelectField, TextField, type Choice } from '../components/fields';
import { useLabel, useT } from '../i18n/i18n';
import { partnerTypeValues, staffRoleValues, unitKindValues } from '../../generated/api';

type Unit = Schemas['Unit'];
type Staff = Schemas['Staff'];
type Partner = Schemas['Partner'];

/** Each language in its own words (a person's language, not the page's). */
const LANGUAGES: Choice[] = [
  { value: 'ar', label: 'العربية' },
  { value: 'fr', label: 'Français' },
  { value: 'en', label: 'English' },
];

function FormShell({
  title,
  testId,
  onSubmit,
  onCancel,
  pending,
  children,
}: {
  title: string;
  testId: string;
  onSubmit(): void;
  onCancel(): void;
  pending: boolean;
  children: React.ReactNode;
}) {
  const t = useT();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form onSubmit={submit} data-testid={testId} className="org-form" aria-label={title} noValidate>
      <Stack>
        <Title order={3} size="h4">
          {title}
        </Title>
        {children}
        <Group>
          <Button type="submit" loading={pending}>
            {t('org.save')}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t('org.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function UnitForm({
  province,
  unit,
  onDone,
  onCancel,
}: {
  province: string;
  unit?: Unit;
  onDone(name: string): void;
  onCancel(): void;
}) {
  const t = useT();
  const [unitId, setUnitId] = useState('');
  const [name, setName] = useState(unit?.name ?? '');
  const [kind, setKind] = useState<string>(unit?.kind ?? '');
  const { submit, submission } = useSubmit(
    (body: { name: string; kind: string }, key: string) =>
      unit
        ? call(
            api.PATCH('/units/{unitId}', {
              params: { path: { unitId: unit.unitId } },
              body: { name: body.name, kind: body.kind as Schemas['UnitKind'] },
            }),
          )
        : call(
            api.POST('/units', {
              params: { header: { 'Idempotency-Key': key } },
              body: {
                ...(unitId ? { unitId } : {}),
                province,
                name: body.name,
                kind: body.kind as Schemas['UnitKind'],
              },
            }),
          ),
    (r) => onDone(r.unit.name),
  );
  const f = submission.failure;
  return (
    <FormShell
      title={unit ? t('org.editWho', { name: unit.name }) : t('org.new.unit')}
      testId="unit-form"
      onSubmit={() => submit({ name, kind })}
      onCancel={onCancel}
      pending={submission.pending}
    >
      {!unit && (
        <TextField
          label={t('org.field.unitId')}
          description={t('org.field.idHint')}
          path="body.unitId"
          failure={f}
          value={unitId}
          onChange={setUnitId}
          dir="ltr"
        />
      )}
      <TextField
        label={t('org.col.name')}
        path="body.name"
        failure={f}
        required
        value={name}
        onChange={setName}
      />
      <SelectField
        label={t('org.col.kind')}
        path="body.kind"
        failure={f}
        required
        value={kind}
        onChange={setKind}
        options={[
          { value: '', label: t('picker.pick') },
          ...unitKindValues.map((k) => ({ value: k, label: t(`org.unitKind.${k}`) })),
        ]}
      />
      {f && (
        <FailureNotice
          failure={f}
          submission={submission}
          shownPaths={['body.unitId', 'body.name', 'body.kind']}
        />
      )}
    </FormShell>
  );
}

export function StaffForm({
  province,
  person,
  units,
  partners,
  onDone,
  onCancel,
}: {
  province: string;
  person?: Staff;
  units: Unit[];
  partners: Partner[];
  onDone(r: Schemas['StaffResult']): void;
  onCancel(): void;
}) {
  const t = useT();
  const label = useLabel();
  const [staffId, setStaffId] = useState('');
  const [displayName, setName] = useState(person?.displayName ?? '');
  const [email, setEmail] = useState(person?.email ?? '');
  const [role, setRole] = useState<string>(person?.role ?? '');
  const [unitId, setUnitId] = useState(person?.unitId ?? '');
  const [partnerId, setPartnerId] = useState(person?.partnerId ?? '');
  const [language, setLanguage] = useState<string>(person?.language ?? 'fr');
  type Body = Schemas['UpdateStaffBody'];
  const { submit, submission } = useSubmit(
    (body: Body, key: string) =>
      person
        ? call(api.PATCH('/staff/{staffId}', { params: { path: { staffId: person.staffId } }, body }))
        : call(
            api.POST('/staff', {
              params: { header: { 'Idempotency-Key': key } },
              body: {
                ...(staffId ? { staffId } : {}),
                province,
                role: body.role as Schemas['StaffRole'],
                displayName: body.displayName ?? '',
                email: body.email ?? '',
                ...(body.language ? { language: body.language } : {}),
                ...(body.unitId ? { unitId: body.unitId } : {}),
                ...(body.partnerId ? { partnerId: body.partnerId } : {}),
              },
            }),
          ),
    onDone,
  );
  const f = submission.failure;
  const send = () =>
    submit({
      displayName,
      email,
      role: (role || undefined) as Schemas['StaffRole'] | undefined,
      language: language as Schemas['Language'],
      // Editing: an emptied unit or partner is removed (null); creating: left out.
      ...(person ? { unitId: unitId || null, partnerId: partnerId || null } : { unitId, partnerId }),
    } as Body);
  return (
    <FormShell
      title={person ? t('org.editWho', { name: person.displayName }) : t('org.new.staff')}
      testId="staff-form"
      onSubmit={send}
      onCancel={onCancel}
      pending={submission.pending}
    >
      {!person && (
        <TextField
          label={t('org.field.staffId')}
          description={t('org.field.idHint')}
          path="body.staffId"
          failure={f}
          value={staffId}
          onChange={setStaffId}
          dir="ltr"
        />
      )}
      <TextField
        label={t('org.col.name')}
        path="body.displayName"
        failure={f}
        required
        value={displayName}
        onChange={setName}
      />
      <TextField
        label={t('org.col.email')}
        path="body.email"
        failure={f}
        required
        type="email"
        value={email}
        onChange={setEmail}
        dir="ltr"
      />
      <SelectField
        label={t('org.col.role')}
        path="body.role"
        failure={f}
        required
        value={role}
        onChange={setRole}
        options={[
          { value: '', label: t('picker.pick') },
          ...staffRoleValues.map((r) => ({ value: r, label: label('roles', r) })),
        ]}
      />
      <SelectField
        label={t('org.col.unit')}
        path="body.unitId"
        failure={f}
        value={unitId}
        onChange={setUnitId}
        options={[
          { value: '', label: t('org.none') },
          ...units
            .filter((u) => u.active || u.unitId === unitId)
            .map((u) => ({ value: u.unitId, label: u.name })),
        ]}
      />
      {role === 'partner' && (
        <SelectField
          label={t('org.field.partner')}
          path="body.partnerId"
          failure={f}
          required
          value={partnerId}
          onChange={setPartnerId}
          options={[
            { value: '', label: t('picker.pick') },
            ...partners
              .filter((p) => p.active || p.partnerId === partnerId)
              .map((p) => ({ value: p.partnerId, label: p.name })),
          ]}
        />
      )}
      <SelectField
        label={t('org.field.language')}
        path="body.language"
        failure={f}
        value={language}
        onChange={setLanguage}
        options={LANGUAGES}
      />
      {f && (
        <FailureNotice
          failure={f}
          submission={submission}
          shownPaths={[
            'body.staffId',
            'body.displayName',
            'body.email',
            'body.role',
            'body.unitId',
            'body.partnerId',
            'body.language',
          ]}
        />
      )}
    </FormShell>
  );
}

export function PartnerForm({
  province,
  partner,
  onDone,
  onCancel,
}: {
  province: string;
  partner?: Partner;
  onDone(name: string): void;
  onCancel(): void;
}) {
  const t = useT();
  const label = useLabel();
  const [partnerId, setPartnerId] = useState('');
  const [name, setName] = useState(partner?.name ?? '');
  const [partnerType, setType] = useState<string>(partner?.partnerType ?? '');
  const [focalEmail, setEmail] = useState(partner?.focalEmail ?? '');
  const { submit, submission } = useSubmit(
    (body: { name: string; partnerType: string; focalEmail: string }, key: string) => {
      const fields = { ...body, partnerType: body.partnerType as Schemas['PartnerType'] };
      return partner
        ? call(
            api.PATCH('/partners/{partnerId}', {
              params: { path: { partnerId: partner.partnerId } },
              body: fields,
            }),
          )
        : call(
            api.POST('/partners', {
              params: { header: { 'Idempotency-Key': key } },
              body: { ...(partnerId ? { partnerId } : {}), province, ...fields },
            }),
          );
    },
    (r) => onDone(r.partner.name),
  );
  const f = submission.failure;
  return (
    <FormShell
      title={partner ? t('org.editWho', { name: partner.name }) : t('org.new.partner')}
      testId="partner-form"
      onSubmit={() => submit({ name, partnerType, focalEmail })}
      onCancel={onCancel}
      pending={submission.pending}
    >
      {!partner && (
        <TextField
          label={t('org.field.partnerId')}
          description={t('org.field.idHint')}
          path="body.partnerId"
          failure={f}
          value={partnerId}
          onChange={setPartnerId}
          dir="ltr"
        />
      )}
      <TextField
        label={t('org.col.name')}
        path="body.name"
        failure={f}
        required
        value={name}
        onChange={setName}
      />
      <SelectField
        label={t('org.col.type')}
        path="body.partnerType"
        failure={f}
        required
        value={partnerType}
        onChange={setType}
        options={[
          { value: '', label: t('picker.pick') },
          ...partnerTypeValues.map((p) => ({ value: p, label: label('partnerTypes', p) })),
        ]}
      />
      <TextField
        label={t('org.col.email')}
        path="body.focalEmail"
        failure={f}
        required
        type="email"
        value={focalEmail}
        onChange={setEmail}
        dir="ltr"
      />
      {f && (
        <FailureNotice
          failure={f}
          submission={submission}
          shownPaths={['body.partnerId', 'body.name', 'body.partnerType', 'body.focalEmail']}
        />
      )}
    </FormShell>
  );
}
