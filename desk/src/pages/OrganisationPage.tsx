/**
 * The organisation of a province: its units, staff and partner services (GET /units, /staff,
 * /partners). The province's administrator (the ministry's, in any province, chosen here and kept
 * in the address) creates and edits each of them, and deactivates or reactivates them (PATCH):
 * a person's deactivation answers with the open cases and pathways they leave behind, shown to be
 * reassigned; a refusal (yourself, a unit still staffed) is said in words from its reason code.
 * Those who read every province (operations, inspection) see it without the buttons.
 */
import { Alert, Button, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad, useSubmit, type Load } from '../api/hooks';
import { FailureNotice, Loaded, PageTitle } from '../components/feedback';
import { useLabel, useLanguage, useT } from '../i18n/i18n';
import { useStaff } from '../session';
import { PartnerForm, StaffForm, UnitForm } from './organisation-forms';

type Staff = Schemas['Staff'];
type Unit = Schemas['Unit'];
type Partner = Schemas['Partner'];

/** The roles that read every province's organisation (api/auth/policy.ts: ORGANISATION_READ_ANY). */
const NATIONAL_ROLES: readonly string[] = ['operations', 'auditor', 'nationalAdmin'];

async function allStaff(province: string): Promise<Result<Staff[]>> {
  const people: Staff[] = [];
  let cursor: string | undefined;
  do {
    const r = await call(
      api.GET('/staff', { params: { query: { province, limit: 100, ...(cursor ? { cursor } : {}) } } }),
    );
    if (!r.ok) return r;
    people.push(...r.data.items);
    cursor = r.data.nextCursor ?? undefined;
  } while (cursor);
  return { ok: true, status: 200, data: people };
}

/** Deactivates or reactivates one thing (a person, a unit, a partner); its refusal said beside it. */
function ActiveToggle<T>({
  name,
  active,
  send,
  onChanged,
}: {
  name: string;
  active: boolean;
  send(body: { active: boolean }): Promise<Result<T>>;
  onChanged(r: T): void;
}) {
  const t = useT();
  const { submit, submission } = useSubmit(send, onChanged);
  return (
    <>
      <Button
        size="xs"
        variant="default"
        loading={submission.pending}
        aria-label={t(active ? 'org.deactivateWho' : 'org.reactivateWho', { name })}
        onClick={() => submit({ active: !active })}
      >
        {active ? t('org.deactivate') : t('org.reactivate')}
      </Button>
      {submission.failure && <FailureNotice failure={submission.failure} submission={submission} />}
    </>
  );
}

/** A row's status and, for who may edit, its edit and (de)activate buttons: the last two cells. */
function StatusCells<T>({
  name,
  active,
  mayEdit,
  onEdit,
  send,
  onChanged,
}: {
  name: string;
  active: boolean;
  mayEdit: boolean;
  onEdit(): void;
  send(body: { active: boolean }): Promise<Result<T>>;
  onChanged(r: T): void;
}) {
  const t = useT();
  return (
    <>
      <td>{active ? t('org.active') : t('org.inactive')}</td>
      <td>
        {mayEdit && (
          <Group gap="xs">
            <EditButton name={name} onClick={onEdit} />
            <ActiveToggle name={name} active={active} send={send} onChanged={onChanged} />
          </Group>
        )}
      </td>
    </>
  );
}

/**
 * One list of the organisation (units, staff, partners): its heading, the button that opens its
 * form for a new one, the form, and the table once loaded.
 */
function OrgSection<T>({
  id,
  title,
  newButton,
  form,
  load,
  reload,
  columns,
  children,
}: {
  id: string;
  title: string;
  newButton: ReactNode;
  form: ReactNode;
  load: Load<T>;
  reload(): void;
  columns: string[];
  children(data: T): ReactNode;
}) {
  return (
    <section aria-labelledby={id}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id={id}>
          {title}
        </Title>
        {newButton}
      </Group>
      {form}
      <Loaded load={load} reload={reload}>
        {(data) => (
          <div className="table-scroll">
            <table className="work-list" data-testid={id}>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th scope="col" key={c}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>{children(data)}</tbody>
            </table>
          </div>
        )}
      </Loaded>
    </section>
  );
}

function EditButton({ name, onClick }: { name: string; onClick(): void }) {
  const t = useT();
  return (
    <Button size="xs" variant="default" aria-label={t('org.editWho', { name })} onClick={onClick}>
      {t('org.edit')}
    </Button>
  );
}

type Editing =
  | { what: 'unit'; unit?: Unit }
  | { what: 'staff'; person?: Staff }
  | { what: 'partner'; partner?: Partner }
  | null;

export default function OrganisationPage() {
  const t = useT();
  const label = useLabel();
  const me = useStaff();
  const { language } = useLanguage();
  const [params, setParams] = useSearchParams();
  const national = NATIONAL_ROLES.includes(me.role);
  const province = (national && params.get('province')) || me.province;
  const mayEdit = me.can('staff.update');
  const provinces = useLoad(
    () =>
      national
        ? call(api.GET('/provinces'))
        : Promise.resolve({ ok: true as const, status: 200, data: { items: [] } }),
    [national],
  );
  const units = useLoad(() => call(api.GET('/units', { params: { query: { province } } })), [province]);
  const staff = useLoad(() => allStaff(province), [province]);
  const partners = useLoad(() => call(api.GET('/partners', { params: { query: { province } } })), [province]);
  const [left, setLeft] = useState<Schemas['StaffResult'] | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const unitList = units.value.state === 'ok' ? units.value.data.items : [];
  const partnerList = partners.value.state === 'ok' ? partners.value.data.items : [];
  const done = (name: string, reload: () => void) => {
    setSaved(name);
    setEditing(null);
    reload();
  };
  const edit = (next: Editing) => {
    setSaved(null);
    setLeft(null);
    setEditing(next);
  };
  const form = (what: 'unit' | 'staff' | 'partner') => {
    if (editing?.what !== what) return null;
    const key = JSON.stringify(editing);
    if (editing.what === 'unit')
      return (
        <UnitForm
          key={key}
          province={province}
          {...(editing.unit ? { unit: editing.unit } : {})}
          onDone={(name) => done(name, units.reload)}
          onCancel={() => setEditing(null)}
        />
      );
    if (editing.what === 'staff')
      return (
        <StaffForm
          key={key}
          province={province}
          {...(editing.person ? { person: editing.person } : {})}
          units={unitList}
          partners={partnerList}
          onDone={(r) => {
            if (!r.staff.active || (editing.person && !editing.person.active)) setLeft(r);
            done(r.staff.displayName, staff.reload);
          }}
          onCancel={() => setEditing(null)}
        />
      );
    return (
      <PartnerForm
        key={key}
        province={province}
        {...(editing.partner ? { partner: editing.partner } : {})}
        onDone={(name) => done(name, partners.reload)}
        onCancel={() => setEditing(null)}
      />
    );
  };
  return (
    <Stack>
      <PageTitle title={t('org.title')}>{t('org.title')}</PageTitle>
      <Text>{t('org.intro', { province })}</Text>
      {national && provinces.value.state === 'ok' && (
        <NativeSelect
          label={t('org.province')}
          name="province"
          value={province}
          onChange={(e) => {
            setEditing(null);
            setParams({ province: e.currentTarget.value }, { replace: true });
          }}
          data={provinces.value.data.items.map((p) => ({
            value: p.code,
            label: `${language === 'ar' ? p.nameAr : p.nameFr} (${p.code})`,
          }))}
        />
      )}
      {saved && (
        <Alert color="green" role="status" data-testid="org-saved">
          {t('org.saved', { name: saved })}
        </Alert>
      )}
      {left && (
        <Alert color={left.staff.active ? 'green' : 'orange'} role="status" data-testid="org-left-behind">
          <Text fw={600}>
            {t(left.staff.active ? 'org.reactivated' : 'org.deactivated', { name: left.staff.displayName })}
          </Text>
          {!left.staff.active && (
            <>
              <Text>
                {t('org.openCases', { count: left.openCases.length })}
                {left.pathways.length > 0 && ` ${t('org.pathways', { count: left.pathways.length })}`}
              </Text>
              {left.openCases.length > 0 && (
                <ul>
                  {left.openCases.map((c) => (
                    <li key={c.caseId}>
                      <a href={`/desk/cases/${c.caseId}/steps/assignment`}>{c.reference}</a> —{' '}
                      {label('steps', c.step)}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </Alert>
      )}
      <OrgSection
        id="org-units"
        title={t('org.units')}
        newButton={mayEdit && <Button onClick={() => edit({ what: 'unit' })}>{t('org.new.unit')}</Button>}
        form={form('unit')}
        load={units.value}
        reload={units.reload}
        columns={[
          t('org.col.name'),
          t('org.col.kind'),
          t('org.col.id'),
          t('org.col.status'),
          t('org.col.action'),
        ]}
      >
        {(page) => (
          <>
            {page.items.map((u) => (
              <tr key={u.unitId} data-unit={u.unitId} className={u.active ? undefined : 'row-inactive'}>
                <td>{u.name}</td>
                <td>{t(`org.unitKind.${u.kind}`)}</td>
                <td dir="ltr">{u.unitId}</td>
                <StatusCells
                  name={u.name}
                  active={u.active}
                  mayEdit={mayEdit}
                  onEdit={() => edit({ what: 'unit', unit: u })}
                  send={(body) =>
                    call(
                      api.PATCH('/units/{unitId}', {
                        params: { path: { unitId: u.unitId } },
                        body,
                      }),
                    )
                  }
                  onChanged={(r) => done(r.unit.name, units.reload)}
                />
              </tr>
            ))}
          </>
        )}
      </OrgSection>
      <OrgSection
        id="org-staff"
        title={t('org.staff')}
        newButton={mayEdit && <Button onClick={() => edit({ what: 'staff' })}>{t('org.new.staff')}</Button>}
        form={form('staff')}
        load={staff.value}
        reload={staff.reload}
        columns={[
          t('org.col.name'),
          t('org.col.role'),
          t('org.col.unit'),
          t('org.col.status'),
          t('org.col.action'),
        ]}
      >
        {(people) => (
          <>
            {people.map((p) => (
              <tr key={p.staffId} data-staff={p.staffId} className={p.active ? undefined : 'row-inactive'}>
                <td>{p.displayName}</td>
                <td>{label('roles', p.role)}</td>
                <td dir="ltr">{p.unitId ?? '—'}</td>
                <StatusCells
                  name={p.displayName}
                  active={p.active}
                  mayEdit={mayEdit}
                  onEdit={() => edit({ what: 'staff', person: p })}
                  send={(body) =>
                    call(
                      api.PATCH('/staff/{staffId}', {
                        params: { path: { staffId: p.staffId } },
                        body,
                      }),
                    )
                  }
                  onChanged={(r) => {
                    setSaved(null);
                    setLeft(r);
                    staff.reload();
                  }}
                />
              </tr>
            ))}
          </>
        )}
      </OrgSection>
      <OrgSection
        id="org-partners"
        title={t('org.partners')}
        newButton={
          mayEdit && <Button onClick={() => edit({ what: 'partner' })}>{t('org.new.partner')}</Button>
        }
        form={form('partner')}
        load={partners.value}
        reload={partners.reload}
        columns={[
          t('org.col.name'),
          t('org.col.type'),
          t('org.col.email'),
          t('org.col.status'),
          t('org.col.action'),
        ]}
      >
        {(page) => (
          <>
            {page.items.map((x) => (
              <tr
                key={x.partnerId}
                data-partner={x.partnerId}
                className={x.active ? undefined : 'row-inactive'}
              >
                <td>{x.name}</td>
                <td>{label('partnerTypes', x.partnerType)}</td>
                <td dir="ltr">{x.focalEmail}</td>
                <StatusCells
                  name={x.name}
                  active={x.active}
                  mayEdit={mayEdit}
                  onEdit={() => edit({ what: 'partner', partner: x })}
                  send={(body) =>
                    call(
                      api.PATCH('/partners/{partnerId}', {
                        params: { path: { partnerId: x.partnerId } },
                        body,
                      }),
                    )
                  }
                  onChanged={(r) => done(r.partner.name, partners.reload)}
                />
              </tr>
            ))}
          </>
        )}
      </OrgSection>
    </Stack>
  );
}
