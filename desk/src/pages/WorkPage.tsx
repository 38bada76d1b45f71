/**
 * My work: the open cases assigned to me or waiting, unassigned, in my unit (or my whole
 * province), soonest deadline first, overdue marked, with filters and counts. Read from GET /cases,
 * a page of 100 at a time up to 1,000.
 */
import { Checkbox, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { memo, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, call, type Result, type Schemas } from '../api/client';
import { useLoad } from '../api/hooks';
import { Loaded, PageTitle } from '../components/feedback';
import { DueTime, useDueLabel, useFormatters, type DueLabel } from '../components/time';
import { useT } from '../i18n/i18n';
import { caseStepValues, riskLevelValues } from '../../generated/api';
import { useStaff } from '../session';

type Item = Schemas['CaseListItem'];
const MAX_ITEMS = 1000;

async function loadAll(query: {
  step?: Schemas['CaseStep'];
  risk?: Schemas['RiskLevel'];
  overdue?: 'true';
}): Promise<Result<Item[]>> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const r = await call(
      api.GET('/cases', {
        params: { query: { ...query, status: 'open', limit: 100, ...(cursor ? { cursor } : {}) } },
      }),
    );
    if (!r.ok) return r;
    items.push(...r.data.items);
    cursor = r.data.nextCursor ?? undefined;
  } while (cursor && items.length < MAX_ITEMS);
  performance.mark('desk:work-list-loaded', { detail: { items: items.length } });
  return { ok: true, status: 200, data: items };
}

const soonestFirst = (a: Item, b: Item) =>
  (a.nextDueAt ? Date.parse(a.nextDueAt) : Infinity) - (b.nextDueAt ? Date.parse(b.nextDueAt) : Infinity) ||
  a.reference.localeCompare(b.reference);

export function WorkPage() {
  const t = useT();
  const staff = useStaff();
  const [params, setParams] = useSearchParams();
  const scope = params.get('scope') === 'province' ? 'province' : 'mine';
  const step = (params.get('step') ?? '') as Schemas['CaseStep'] | '';
  const risk = (params.get('risk') ?? '') as Schemas['RiskLevel'] | '';
  const overdue = params.get('overdue') === 'true';
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const { value, reload } = useLoad(
    () =>
      loadAll({
        ...(step ? { step } : {}),
        ...(risk ? { risk } : {}),
        ...(overdue ? { overdue: 'true' as const } : {}),
      }).then((r) =>
        r.ok && scope === 'mine'
          ? {
              ...r,
              data: r.data.filter(
                (c) => c.assigneeId === staff.id || (c.assigneeId === null && c.unitId === staff.unitId),
              ),
            }
          : r,
      ),
    [scope, step, risk, overdue, staff.id, staff.unitId],
  );
  return (
    <Stack>
      <PageTitle title={t('work.title')}>{t('work.title')}</PageTitle>
      <Text>{t('work.intro')}</Text>
      <fieldset className="filters">
        <legend>{t('work.filters')}</legend>
        <Group align="end">
          <NativeSelect
            label={t('work.filter.scope')}
            value={scope}
            onChange={(e) => set('scope', e.currentTarget.value === 'province' ? 'province' : '')}
            data={[
              { value: 'mine', label: t('work.scope.mine') },
              { value: 'province', label: t('work.scope.province') },
            ]}
          />
          <NativeSelect
            label={t('work.filter.step')}
            value={step}
            onChange={(e) => set('step', e.currentTarget.value)}
            data={[
              { value: '', label: t('work.any') },
              ...caseStepValues
                .filter((s) => s !== 'closed')
                .map((s) => ({ value: s, label: t(`caseStep.${s}`) })),
            ]}
          />
          <NativeSelect
            label={t('work.filter.risk')}
            value={risk}
            onChange={(e) => set('risk', e.currentTarget.value)}
            data={[
              { value: '', label: t('work.any') },
              ...riskLevelValues.map((r) => ({ value: r, label: t(`risk.${r}`) })),
            ]}
          />
          <Checkbox
            label={t('work.filter.overdue')}
            checked={overdue}
            onChange={(e) => set('overdue', e.currentTarget.checked ? 'true' : '')}
          />
        </Group>
      </fieldset>
      <Loaded load={value} reload={reload}>
        {(items) => <WorkList items={items} />}
      </Loaded>
    </Stack>
  );
}

interface Row {
  c: Item;
  step: string;
  risk: string;
  due: DueLabel | null;
  opened: string;
  openedExact: string;
}

/** One row, plain DOM: its words are formatted ahead by WorkList (a thousand rows stay fast). */
const WorkRow = memo(function WorkRow({
  row,
  overdueTag,
  urgentTag,
}: {
  row: Row;
  overdueTag: string;
  urgentTag: string;
}) {
  const { c } = row;
  return (
    <tr className={c.overdue ? 'row-overdue' : undefined}>
      <td>
        <a href={`/desk/cases/${c.caseId}`}>{c.reference}</a>
        {c.urgent && <span className="tag tag-urgent">{urgentTag}</span>}
      </td>
      <td>{row.step}</td>
      <td>{row.risk}</td>
      <td>
        {c.overdue && <span className="tag tag-overdue">{overdueTag}</span>}{' '}
        {row.due && c.nextDueAt ? <DueTime at={c.nextDueAt} label={row.due} /> : '—'}
      </td>
      <td>
        <time dateTime={c.openedAt} title={row.openedExact}>
          {row.opened}
        </time>
      </td>
    </tr>
  );
});

export function WorkList({ items }: { items: Item[] }) {
  const t = useT();
  const f = useFormatters();
  const dueLabel = useDueLabel();
  const navigate = useNavigate();
  const sorted = useMemo(() => [...items].sort(soonestFirst), [items]);
  const rows = useMemo(
    () =>
      sorted.map((c): Row => ({
        c,
        step: t(`caseStep.${c.step as Schemas['CaseStep']}`),
        risk: c.risk ? t(`risk.${c.risk}`) : t('risk.none'),
        due: c.nextDueAt ? dueLabel(c.nextDueAt) : null,
        opened: f.date(new Date(c.openedAt)),
        openedExact: f.full(new Date(c.openedAt)),
      })),
    [sorted, t, f, dueLabel],
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
  const [now] = useState(() => Date.now());
  const overdue = sorted.filter(
    (i) => i.overdue || (i.nextDueAt !== null && Date.parse(i.nextDueAt) < now),
  ).length;
  useEffect(() => {
    // The browser test reads this mark to measure how long the list took to render.
    performance.mark('desk:work-list-rendered', { detail: { items: sorted.length } });
  }, [sorted]);
  if (sorted.length === 0) return <Text>{t('work.empty')}</Text>;
  return (
    <>
      <Text role="status" className="counts" data-testid="work-counts">
        {t('work.count', { count: sorted.length })} — {t('work.overdueCount', { count: overdue })}
      </Text>
      {/* A plain table (styled in styles.css): a thousand rows of library components cost seconds. */}
      <div className="table-scroll">
        <table className="work-list" data-items={sorted.length}>
          <thead>
            <tr>
              <th scope="col">{t('work.col.case')}</th>
              <th scope="col">{t('work.col.step')}</th>
              <th scope="col">{t('work.col.risk')}</th>
              <th scope="col">{t('work.col.due')}</th>
              <th scope="col">{t('work.col.opened')}</th>
            </tr>
          </thead>
          {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions -- delegates the links' clicks; the links keep their own keyboard behaviour */}
          <tbody onClick={onClick}>
            {rows.map((row) => (
              <WorkRow
                key={row.c.caseId}
                row={row}
                overdueTag={t('due.overdue')}
                urgentTag={t('case.urgent')}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
