/**
 * Choosing a person or a partner service by name: native selects (labelled, keyboard-usable,
 * read by screen readers as they are) fed by GET /staff and GET /partners of the case's province,
 * active ones only; the option's value is the id the API takes. One that is not active or not
 * listed any more (a case's former assignee) stays shown as its id, marked, so nothing is lost.
 */
import { Loader } from '@mantine/core';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad, type Load } from '../api/hooks';
import { useLabel, useT } from '../i18n/i18n';
import { SelectField, type FieldProps, type Choice } from './fields';
import { pickerOptions } from './picker-options';

interface PickerProps extends FieldProps {
  value: string;
  onChange(v: string): void;
  province: string;
}

/** Every active staff member of the province with one of these roles (GET /staff, page by page). */
async function loadStaff(province: string, roles: readonly Schemas['StaffRole'][]) {
  const people: Schemas['Staff'][] = [];
  for (const role of roles) {
    let cursor: string | undefined;
    do {
      const r = await call(
        api.GET('/staff', {
          params: { query: { province, role, active: 'true', limit: 100, ...(cursor ? { cursor } : {}) } },
        }),
      );
      if (!r.ok) return r;
      people.push(...r.data.items);
      cursor = r.data.nextCursor ?? undefined;
    } while (cursor);
  }
  return { ok: true, status: 200, data: people } satisfies Result<Schemas['Staff'][]>;
}

function Picker({ load, options, ...p }: PickerProps & { load: Load<unknown>; options: Choice[] }) {
  const t = useT();
  if (load.state === 'loading')
    return (
      <div role="status" aria-label={t('picker.loading', { what: p.label })}>
        <Loader size="sm" />
      </div>
    );
  return (
    <SelectField
      {...p}
      description={load.state === 'failed' ? t('picker.unavailable') : p.description}
      options={options}
    />
  );
}

/** A person of the province with one of `staffRoles` (assignee, mediator). */
export function StaffPicker({
  staffRoles,
  ...p
}: PickerProps & { staffRoles: readonly Schemas['StaffRole'][] }) {
  const t = useT();
  const label = useLabel();
  const roles = staffRoles.join(',');
  const { value: load } = useLoad(() => loadStaff(p.province, staffRoles), [p.province, roles]);
  const people = load.state === 'ok' ? load.data : [];
  const options = pickerOptions(
    people,
    (s) => s.staffId,
    (s) => s.displayName,
    (s) => label('roles', s.role),
    p.value,
    { pick: t('picker.pick'), unlisted: (id) => t('picker.unlisted', { id }) },
    document.documentElement.lang || 'fr',
  );
  return <Picker {...p} load={load} options={options} />;
}

/**
 * An active partner service of the province, grouped by type (plan items, referrals). Once the
 * service to refer is chosen, only partners of the type the province's rules give it to are offered.
 */
export function PartnerPicker({ serviceType, ...p }: PickerProps & { serviceType?: string }) {
  const t = useT();
  const label = useLabel();
  const service = serviceType ? (serviceType as Schemas['ServiceType']) : undefined;
  const { value: load } = useLoad(
    () =>
      call(
        api.GET('/partners', {
          params: {
            query: { province: p.province, active: 'true', ...(service ? { serviceType: service } : {}) },
          },
        }),
      ),
    [p.province, service],
  );
  const partners = load.state === 'ok' ? load.data.items : [];
  const options = pickerOptions(
    partners,
    (x) => x.partnerId,
    (x) => x.name,
    (x) => label('partnerTypes', x.partnerType),
    p.value,
    { pick: t('picker.pick'), unlisted: (id) => t('picker.unlisted', { id }) },
    document.documentElement.lang || 'fr',
  );
  return (
    <Picker
      {...p}
      description={service ? undefined : t('picker.serviceFirst')}
      load={load}
      options={options}
    />
  );
}
