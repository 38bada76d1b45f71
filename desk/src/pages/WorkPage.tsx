/**
 * My work: the read model's work list (GET /work) — what the signed-in person must act on, soonest
 * deadline first, overdue marked, with a filter per kind and its count. Read a page of 100 at a
 * time up to 1,000; the counts come with the first page and cover every kind, whatever the filter.
 */
import { Checkbox, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { memo, useEffect, useMemo, useRef } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad } from '../api/hooks';
import { Loaded, PageTitle } from '../components/feedback';
import { DueTime, useDueLabel, useFormatters, type DueLabel } from '../components/time';
import { useLabel, useT } from '../i18n/i18n';
import { workKindValues } from '../../generated/api';

type Item = Schemas['WorkItem'];
type Kind = Schemas['WorkKind'];
const MAX_ITEMS = 1000;

export interface WorkList {
  items: Item[];
  counts: Schemas['WorkCount'][];
  total: number;
  overdue: number;
}

async function loadWork(kind: Kind | ''): Promise<Result<WorkList>> {
  const items: Item[] = [];
  let first: Schemas['WorkPage'] | undefined;
  let cursor: string | undefined;
  do {
    const r = await call(
      api.GET('/work', {
        params: { query: { ...(kind ? { kind } : {}), limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
    );
    if (!r.ok) return r;
    first ??= r.data;
    items.push(...r.data.items);
    cursor = r.data.nextCursor ?? undefined;
  } while (cursor && items.length < MAX_ITEMS);
  performance.mark('desk:work-list-loaded', { detail: { items: items.length } });
  return {
    ok: true,
    status: 200,
    data: { items, counts: first.counts, total: first.total, overdue: first.overdue },
  };
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
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('kind') ?? '';
  const kind = (workKindValues as readonly string[]).includes(kindParam) ? (kindParam as Kind) : '';
  const overdueOnly = params.get('overdue') === 'true';
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const { value, reload } = useLoad(() => loadWork(kind), [kind]);
  // The last counts known stay shown while another kind loads (they cover every kind anyway).
  const known = useRef<{ counts: Schemas['WorkCount'][]; total: number } | null>(null);
  if (value.state === 'ok') known.current = value.data;
  const counts = known.current?.counts ?? [];
  const total = known.current?.total ?? 0;
  return (
    <Stack>
      <PageTitle title={t('work.title')}>{t('work.title')}</PageTitle>
      <Text>{t('work.intro')}</Text>
      <fieldset className="filters">
        <legend>{t('work.filters')}</legend>
        <Group align="end">
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
          <Checkbox
            label={t('work.filter.overdue')}
            name="overdue"
            checked={overdueOnly}
            onChange={(e) => set('overdue', e.currentTarget.checked ? 'true' : '')}
          />
        </Group>
      </fieldset>
      <Loaded load={value} reload={reload}>
        {(work) => <WorkItems work={work} overdueOnly={overdueOnly} />}
      </Loaded>
    </Stack>
  );
}

interface Row {
  item: Item;
  href: string;
  what: string;
  risk: string;
  due: DueLabel | null;
  opened: string;
  openedExact: string;
}

/** One row, plain DOM: its words are formatted ahead by WorkItems (a thousand rows stay fast). */
const WorkRow = memo(function WorkRow({ row, overdueTag }: { row: Row; overdueTag: string }) {
  const { item } = row;
  return (
    <tr className={item.overdue ? 'row-overdue' : undefined} data-kind={item.kind}>
      <td>
        <a href={row.href}>{item.caseReference}</a>
      </td>
      <td>{row.what}</td>
      <td>{row.risk}</td>
      <td>
        {item.overdue && <span className="tag tag-overdue">{overdueTag}</span>}{' '}
        {row.due && item.dueAt ? <DueTime at={item.dueAt} label={row.due} /> : '—'}
      </td>
      <td>
        <time dateTime={item.openedAt} title={row.openedExact}>
          {row.opened}
        </time>
      </td>
    </tr>
  );
});

export function WorkItems({ work, overdueOnly }: { work: WorkList; overdueOnly: boolean }) {
  const t = useT();
  const label = useLabel();
  const f = useFormatters();
  const dueLabel = useDueLabel();
  const navigate = useNavigate();
  // The API's order (soonest first, no deadline last) is kept as it is.
  const shown = useMemo(
    () => (overdueOnly ? work.items.filter((i) => i.overdue) : work.items),
    [work.items, overdueOnly],
  );
  const rows = useMemo(
    () =>
      shown.map((item): Row => ({
        item,
        href: workHref(item),
        what: t('work.what', { kind: t(`work.kind.${item.kind}`), step: label('steps', item.step) }),
        risk: item.risk ? t(`risk.${item.risk}`) : t('risk.none'),
        due: item.dueAt ? dueLabel(item.dueAt) : null,
        opened: f.date(new Date(item.openedAt)),
        openedExact: f.full(new Date(item.openedAt)),
      })),
    [shown, t, label, f, dueLabel],
  );
  /** One handler for every row's link: a plain click navigates inside the desk (no reload). */
  const onClick = (e: React.MouseEvent) => {
    const a = (e.target as HTMLElement).closest('a');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const href = a.getAttribute('href') ?? '';
    if (!href.startsWith('/desk/')) return;
    e.preventDefault();
    void navigate(href.slice('/desk'.length));
  };
  useEffect(() => {
    // The browser test reads this mark to measure how long the list took to render.
    performance.mark('desk:work-list-rendered', { detail: { items: shown.length } });
  }, [shown]);
  if (shown.length === 0) return <Text>{t('work.empty')}</Text>;
  const overdue = shown.filter((i) => i.overdue).length;
  return (
    <>
      <Text role="status" className="counts" data-testid="work-counts">
        {t('work.items', { count: shown.length })} — {t('work.itemsOverdue', { count: overdue })}
      </Text>
      {work.items.length < work.total && (
        <Text size="sm">{t('work.partial', { shown: work.items.length, total: work.total })}</Text>
      )}
      {/* A plain table (styled in styles.css): a thousand rows of library components cost seconds. */}
      <div className="table-scroll">
        <table className="work-list" data-items={shown.length}>
          <thead>
            <tr>
              <th scope="col">{t('work.col.case')}</th>
              <th scope="col">{t('work.col.what')}</th>
              <th scope="col">{t('work.col.risk')}</th>
              <th scope="col">{t('work.col.due')}</th>
              <th scope="col">{t('work.col.opened')}</th>
            </tr>
          </thead>
          {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions -- delegates the links' clicks; the links keep their own keyboard behaviour */}
          <tbody onClick={onClick}>
            {rows.map((row) => (
              <WorkRow key={row.item.itemId} row={row} overdueTag={t('due.overdue')} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
