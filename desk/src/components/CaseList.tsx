/**
 * A list of cases (the supervisor's approvals, read from GET /cases), soonest deadline first, in a
 * plain table whose words are formatted ahead: a thousand rows of library components cost seconds.
 */
import { Text } from '@mantine/core';
import { memo, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { Schemas } from '../api/client';
import { DueTime, useDueLabel, useFormatters, type DueLabel } from './time';
import { useT } from '../i18n/i18n';

type Item = Schemas['CaseListItem'];

const soonestFirst = (a: Item, b: Item) =>
  (a.nextDueAt ? Date.parse(a.nextDueAt) : Infinity) - (b.nextDueAt ? Date.parse(b.nextDueAt) : Infinity) ||
  a.reference.localeCompare(b.reference);

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

export function CaseList({ items }: { items: Item[] }) {
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
