/**
 * My work: the read model's work list (GET /work) — what the signed-in person must act on, soonest
 * deadline first, overdue marked, with filters (kind with its count, the case's step and risk,
 * overdue) kept in the address so a link keeps them. Whole, up to 1,000 items, in one request; the
 * counts cover every kind, whatever the filter. Who may list cases can widen the scope to the
 * province's open cases (GET /cases, the same step, risk and overdue filters).
 */
import { Checkbox, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { memo, useEffect, useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad } from '../api/hooks';
import { CaseList } from '../components/CaseList';
import { Loaded, PageTitle } from '../components/feedback';
import { DueTime, useDueLabel, useFormatters } from '../components/time';
import { LongTable, rowClass } from '../components/long-table';
import { useLabel, useT } from '../i18n/i18n';
import { caseStepValues, riskLevelValues, workKindValues } from '../../generated/api';
import { useStaff } from '../session';

type Item = Schemas['WorkItem'];
type Kind = Schemas['WorkKind'];
type Step = Schemas['CaseStep'];
type Risk = Schemas['RiskLevel'];
const MAX_ITEMS = 1000;

export interface WorkList {
  items: Item[];
  counts: Schemas['WorkCount'][];
  total: number;
  overdue: number;
  matched: number;
}

interface Filters {
  kind?: Kind;
  step?: Step;
  risk?: Risk;
  overdue?: 'true';
}

const filterKey = (filters: Filters) => JSON.stringify(Object.entries(filters).sort());

function fetchWork(filters: Filters) {
  return call(api.GET('/work', { params: { query: { ...filters, limit: MAX_ITEMS } } }));
}

/**
 * The desk opened on my work asks for the list while the session is still being checked (the
 * session cookie goes with it), not after: its first paint waits for one round trip, not two in a
 * row. Taken once, by the first load with the same filters; a failure (no session yet) is asked
 * again as usual.
 */
let early: { key: string; response: ReturnType<typeof fetchWork> } | null = null;
if (/^\/desk\/?$/.test(window.location.pathname)) {
  const params = new URLSearchParams(window.location.search);
  if (params.get('scope') !== 'province') {
    const filters: Filters = {
      ...(pick(params, 'kind', workKindValues) ? { kind: pick(params, 'kind', workKindValues) as Kind } : {}),
      ...(pick(params, 'step', caseStepValues) ? { step: pick(params, 'step', caseStepValues) as Step } : {}),
      ...(pick(params, 'risk', riskLevelValues)
        ? { risk: pick(params, 'risk', riskLevelValues) as Risk }
        : {}),
      ...(params.get('overdue') === 'true' ? { overdue: 'true' as const } : {}),
    };
    early = { key: filterKey(filters), response: fetchWork(filters) };
  }
}

async function loadWork(filters: Filters): Promise<Result<WorkList>> {
  const prefetched = early?.key === filterKey(filters) ? early.response : null;
  early = null;
  let r = prefetched ? await prefetched : await fetchWork(filters);
  if (!r.ok && prefetched) r = await fetchWork(filters);
  if (!r.ok) return r;
  performance.mark('desk:work-list-loaded', { detail: { items: r.data.items.length } });
  const { items, counts, total, overdue, matched } = r.data;
  return { ok: true, status: 200, data: { items, counts, total, overdue, matched } };
}

/** The province's open cases, a page of 100 at a time up to 1,000 (GET /cases). */
async function loadProvince(filters: Omit<Filters, 'kind'>): Promise<Result<Schemas['CaseListItem'][]>> {
  const items: Schemas['CaseListItem'][] = [];
  let cursor: string | undefined;
  do {
    const r = await call(
      api.GET('/cases', {
        params: { query: { ...filters, status: 'open', limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
    );
    if (!r.ok) return r;
    items.push(...r.data.items);
    cursor = r.data.nextCursor ?? undefined;
  } while (cursor && items.length < MAX_ITEMS);
  return { ok: true, status: 200, data: items };
}

/** The value of `key` in the address when it is one of `values`, else ''. */
function pick<T extends string>(params: URLSearchParams, key: string, values: readonly T[]): T | '' {
  const v = params.get(key) ?? '';
  return (values as readonly string[]).includes(v) ? (v as T) : '';
}

/** Where an item is done: the case, its referral, its pathway, or the transfers to accept. */
export function workHref(item: Item): string {
  switch (item.kind) {
    case 'referralToAcknowledge':
    case 'referralToStart':
    case 'referralToClose':
      return item.referralId ? `/desk/referrals/${item.referralId}` : '/desk/referrals';
    case 'pathwayStep':
    case 'unassignedPathwayStep':
      return item.childId ? `/desk/leaving-care/${item.childId}` : '/desk/leaving-care';
    case 'transferAcceptance':
      return '/desk/transfers';
    default:
      return `/desk/cases/${item.caseId}`;
  }
}

export function WorkPage() {
  const t = useT();
  const staff = useStaff();
  const [params, setParams] = useSearchParams();
  const mayList = staff.can('case.list');
  const scope = mayList && params.get('scope') === 'province' ? 'province' : 'mine';
  const kind = pick(params, 'kind', workKindValues);
  const step = pick(
    params,
    'step',
    caseStepValues.filter((v) => v !== 'closed'),
  );
  const risk = pick(params, 'risk', riskLevelValues);
  const overdueOnly = params.get('overdue') === 'true';
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const filters: Omit<Filters, 'kind'> = {
    ...(step ? { step } : {}),
    ...(risk ? { risk } : {}),
    ...(overdueOnly ? { overdue: 'true' as const } : {}),
  };
  const { value, reload } = useLoad(
    (): Promise<Result<{ work: WorkList } | { cases: Schemas['CaseListItem'][] }>> =>
      scope === 'province'
        ? loadProvince(filters).then((r) => (r.ok ? { ...r, data: { cases: r.data } } : r))
        : loadWork({ ...filters, ...(kind ? { kind } : {}) }).then((r) =>
            r.ok ? { ...r, data: { work: r.data } } : r,
          ),
    [scope, kind, step, risk, overdueOnly],
  );
  // The last counts known stay shown while another filter loads (they cover every kind anyway).
  const known = useRef<{ counts: Schemas['WorkCount'][]; total: number } | null>(null);
  if (value.state === 'ok' && 'work' in value.data) known.current = value.data.work;
  const counts = known.current?.counts ?? [];
  const total = known.current?.total ?? 0;
  return (
    <Stack>
      <PageTitle title={t('work.title')}>{t('work.title')}</PageTitle>
      <Text>{t('work.intro')}</Text>
      <fieldset className="filters">
        <legend>{t('work.filters')}</legend>
        <Group align="end">
          {mayList && (
            <NativeSelect
              label={t('work.filter.scope')}
              name="scope"
              value={scope}
              onChange={(e) => set('scope', e.currentTarget.value === 'province' ? 'province' : '')}
              data={[
                { value: 'mine', label: t('work.scope.mine') },
                { value: 'province', label: t('work.scope.province') },
              ]}
            />
          )}
          {scope === 'mine' && (
            <NativeSelect
              label={t('work.filter.kind')}
              name="kind"
              value={kind}
              onChange={(e) => set('kind', e.currentTarget.value)}
              data={[
                { value: '', label: t('work.kind.all', { count: total }) },
                // Every kind the person has work of, with its count; the chosen one even when empty.
                ...workKindValues
                  .filter((k) => k === kind || counts.some((c) => c.kind === k))
                  .map((k) => ({
                    value: k,
                    label: t('work.kind.withCount', {
                      kind: t(`work.kind.${k}`),
                      count: counts.find((c) => c.kind === k)?.total ?? 0,
                    }),
                  })),
              ]}
            />
          )}
          <NativeSelect
            label={t('work.filter.step')}
            name="step"
            value={step}
            onChange={(e) => set('step', e.currentTarget.value)}
            data={[
              { value: '', label: t('work.any') },
              ...caseStepValues
                .filter((v) => v !== 'closed')
                .map((v) => ({ value: v, label: t(`caseStep.${v}`) })),
            ]}
          />
          <NativeSelect
            label={t('work.filter.risk')}
            name="risk"
            value={risk}
            onChange={(e) => set('risk', e.currentTarget.value)}
            data={[
              { value: '', label: t('work.any') },
              ...riskLevelValues.map((v) => ({ value: v, label: t(`risk.${v}`) })),
            ]}
          />
          <Checkbox
            label={t('work.filter.overdue')}
            name="overdue"
            checked={overdueOnly}
            onChange={(e) => set('overdue', e.currentTarget.checked ? 'true' : '')}
          />
        </Group>
      </fieldset>
      <Loaded load={value} reload={reload}>
        {(data) => ('work' in data ? <WorkItems work={data.work} /> : <CaseList items={data.cases} />)}
      </Loaded>
    </Stack>
  );
}

/** What a row needs to word itself: stable while the language and the minute stay the same. */
interface Words {
  what(item: Item): string;
  risk(item: Item): string;
  due: ReturnType<typeof useDueLabel>;
  f: ReturnType<typeof useFormatters>;
  overdueTag: string;
}

/**
 * One row, plain DOM, worded when it is rendered: only the rows near the viewport are (a thousand
 * items stay fast), and a row already rendered is not again unless its item or the words change.
 */
const WorkRow = memo(function WorkRow({ item, index, words }: { item: Item; index: number; words: Words }) {
  const due = item.dueAt ? words.due(item.dueAt) : null;
  const opened = new Date(item.openedAt);
  return (
    <tr className={rowClass(item.overdue, index)} data-kind={item.kind} data-row="" aria-rowindex={index + 2}>
      <td>
        <a href={workHref(item)}>{item.caseReference}</a>
      </td>
      <td>{words.what(item)}</td>
      <td>{words.risk(item)}</td>
      <td>
        {item.overdue && <span className="tag tag-overdue">{words.overdueTag}</span>}{' '}
        {due && item.dueAt ? <DueTime at={item.dueAt} label={due} /> : '—'}
      </td>
      <td>
        <time dateTime={item.openedAt} title={words.f.full(opened)}>
          {words.f.date(opened)}
        </time>
      </td>
    </tr>
  );
});

export function WorkItems({ work }: { work: WorkList }) {
  const t = useT();
  const label = useLabel();
  const f = useFormatters();
  const due = useDueLabel();
  // The API's order (soonest first, no deadline last) is kept as it is.
  const items = work.items;
  const words = useMemo(
    (): Words => ({
      what: (item) => t('work.what', { kind: t(`work.kind.${item.kind}`), step: label('steps', item.step) }),
      risk: (item) => (item.risk ? t(`risk.${item.risk}`) : t('risk.none')),
      due,
      f,
      overdueTag: t('due.overdue'),
    }),
    [t, label, f, due],
  );
  useEffect(() => {
    // The browser test reads this mark to measure how long the list took to render.
    performance.mark('desk:work-list-rendered', { detail: { items: items.length } });
  }, [items]);
  if (items.length === 0) return <Text>{t('work.empty')}</Text>;
  const overdue = items.filter((i) => i.overdue).length;
  return (
    <>
      <Text role="status" className="counts" data-testid="work-counts">
        {t('work.items', { count: items.length })} — {t('work.itemsOverdue', { count: overdue })}
      </Text>
      {items.length < work.matched && (
        <Text size="sm">{t('work.partial', { shown: items.length, total: work.matched })}</Text>
      )}
      <LongTable
        count={items.length}
        columns={[
          t('work.col.case'),
          t('work.col.what'),
          t('work.col.risk'),
          t('work.col.due'),
          t('work.col.opened'),
        ]}
        row={(i) => <WorkRow key={items[i]!.itemId} item={items[i]!} index={i} words={words} />}
      />
    </>
  );
}
