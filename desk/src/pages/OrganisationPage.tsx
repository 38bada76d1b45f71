/**
 * The organisation of the administrator's province: its units, staff and partner services (GET
 * /units, /staff, /partners). A person is deactivated or reactivated here (PATCH /staff/{id}); the
 * API's answer lists the open cases and pathways the person leaves behind, shown to be reassigned,
 * and a refusal (409: yourself) is said in words.
 */
import { Alert, Button, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad, useSubmit } from '../api/hooks';
import { FailureNotice, Loaded, PageTitle } from '../components/feedback';
import { useLabel, useT } from '../i18n/i18n';
import { useStaff } from '../session';

type Staff = Schemas['Staff'];

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

function StaffRow({ person, onChanged }: { person: Staff; onChanged(r: Schemas['StaffResult']): void }) {
  const t = useT();
  const label = useLabel();
  const { submit, submission } = useSubmit(
    (body: Schemas['UpdateStaffBody']) =>
      call(api.PATCH('/staff/{staffId}', { params: { path: { staffId: person.staffId } }, body })),
    onChanged,
  );
  return (
    <tr data-staff={person.staffId} className={person.active ? undefined : 'row-inactive'}>
      <td>{person.displayName}</td>
      <td>{label('roles', person.role)}</td>
      <td dir="ltr">{person.unitId ?? '—'}</td>
      <td>{person.active ? t('org.active') : t('org.inactive')}</td>
      <td>
        <Button
          size="xs"
          variant="default"
          loading={submission.pending}
          aria-label={t(person.active ? 'org.deactivateWho' : 'org.reactivateWho', {
            name: person.displayName,
          })}
          onClick={() => submit({ active: !person.active })}
        >
          {person.active ? t('org.deactivate') : t('org.reactivate')}
        </Button>
        {submission.failure && <FailureNotice failure={submission.failure} submission={submission} />}
      </td>
    </tr>
  );
}

export default function OrganisationPage() {
  const t = useT();
  const label = useLabel();
  const me = useStaff();
  const units = useLoad(
    () => call(api.GET('/units', { params: { query: { province: me.province } } })),
    [me.province],
  );
  const staff = useLoad(() => allStaff(me.province), [me.province]);
  const partners = useLoad(
    () => call(api.GET('/partners', { params: { query: { province: me.province } } })),
    [me.province],
  );
  const [left, setLeft] = useState<Schemas['StaffResult'] | null>(null);
  return (
    <Stack>
      <PageTitle title={t('org.title')}>{t('org.title')}</PageTitle>
      <Text>{t('org.intro', { province: me.province })}</Text>
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
      <section aria-labelledby="org-units">
        <Title order={2} size="h3" id="org-units" mb="sm">
          {t('org.units')}
        </Title>
        <Loaded load={units.value} reload={units.reload}>
          {(page) => (
            <ul>
              {page.items.map((u) => (
                <li key={u.unitId}>
                  {u.name} <span dir="ltr">({u.unitId})</span>
                  {!u.active && ` — ${t('org.inactive')}`}
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      </section>
      <section aria-labelledby="org-staff">
        <Title order={2} size="h3" id="org-staff" mb="sm">
          {t('org.staff')}
        </Title>
        <Loaded load={staff.value} reload={staff.reload}>
          {(people) => (
            <div className="table-scroll">
              <table className="work-list" data-testid="org-staff">
                <thead>
                  <tr>
                    <th scope="col">{t('org.col.name')}</th>
                    <th scope="col">{t('org.col.role')}</th>
                    <th scope="col">{t('org.col.unit')}</th>
                    <th scope="col">{t('org.col.status')}</th>
                    <th scope="col">{t('org.col.action')}</th>
                  </tr>
                </thead>
                <tbody>
                  {people.map((p) => (
                    <StaffRow
                      key={p.staffId}
                      person={p}
                      onChanged={(r) => {
                        setLeft(r);
                        staff.reload();
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </section>
      <section aria-labelledby="org-partners">
        <Title order={2} size="h3" id="org-partners" mb="sm">
          {t('org.partners')}
        </Title>
        <Loaded load={partners.value} reload={partners.reload}>
          {(page) => (
            <ul>
              {page.items.map((p) => (
                <li key={p.partnerId}>
                  {p.name} — {label('partnerTypes', p.partnerType)}
                  {!p.active && ` — ${t('org.inactive')}`}
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      </section>
    </Stack>
  );
}
