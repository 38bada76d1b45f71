/**
 * A list of cases (the supervisor's approvals, the province's open cases; read from GET /cases),
 * soonest deadline first, in a plain table of which only the rows near the viewport are rendered,
 * each worded when it is: a thousand rows of library components cost seconds.
 */
import { Text } from '@mantine/core';
import { memo, useMemo, useRef, useState } from 'react';
import type { Schemas } from '../api/client';
import { rowClass, Spacer, useRowLinks, useVisibleRows } from './long-table';
import { DueTime, useDueLabel, useFormatters } from './time';
import { useT } from '../i18n/i18n';

type Item = Schemas['CaseListItem'];

const soonestFirst = (a: Item, b: Item) =>
  (a.nextDueAt ? Date.parse(a.nextDueAt) : Infinity) - (b.nextDueAt ? Date.parse(b.nextDueAt) : Infinity) ||
  a.reference.localeCompare(b.reference);

interface Words {
  step(c: Item): string;
  risk(c: Item): string;
  due: ReturnType<typeof useDueLabel>;
  f: ReturnType<typeof useFormatters>;
  overdueTag: string;
  urgentTag: string;
}

/** One row, plain DOM, worded when rendered (only the rows near the viewport are). */
const CaseRow = memo(function CaseRow({ c, index, words }: { c: Item; index: number; words: Words }) {
  const due = c.nextDueAt ? words.due(c.nextDueAt) : null;
  const opened = new Date(c.openedAt);
  return (
    <tr className={rowClass(c.overdue, index)} data-row="" aria-rowindex={index + 2}>
      <td>
        <a href={`/desk/cases/${c.caseId}`}>{c.reference}</a>
        {c.urgent && <span className="tag tag-urgent">{words.urgentTag}</span>}
      </td>
      <td>{words.step(c)}</td>
      <td>{words.risk(c)}</td>
      <td>
        {c.overdue && <span className="tag tag-overdue">{words.overdueTag}</span>}{' '}
        {due && c.nextDueAt ? <DueTime at={c.nextDueAt} label={due} /> : '—'}
      </td>
      <td>
        <time dateTime={c.openedAt} title={words.f.full(opened)}>
          {words.f.date(opened)}
        </time>
      </td>
    </tr>
  );
});

export function CaseList({ items }: { items: Item[] }) {
  const t = useT();
  const f = useFormatters();
  const due = useDueLabel();
  const onClick = useRowLinks();
  const body = useRef<HTMLTableSectionElement>(null);
  const sorted = useMemo(() => [...items].sort(soonestFirst), [items]);
  const words = useMemo(
    (): Words => ({
      step: (c) => t(`caseStep.${c.step as Schemas['CaseStep']}`),
      risk: (c) => (c.risk ? t(`risk.${c.risk}`) : t('risk.none')),
      due,
      f,
      overdueTag: t('due.overdue'),
      urgentTag: t('case.urgent'),
    }),
    [t, f, due],
  );
  const { start, end, before, after } = useVisibleRows(sorted.length, body);
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
        <table className="work-list" data-items={sorted.length} aria-rowcount={sorted.length + 1}>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">{t('work.col.case')}</th>
              <th scope="col">{t('work.col.step')}</th>
              <th scope="col">{t('work.col.risk')}</th>
              <th scope="col">{t('work.col.due')}</th>
              <th scope="col">{t('work.col.opened')}</th>
            </tr>
          </thead>
          {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions -- delegates the links' clicks; the links keep their own keyboard behaviour */}
          <tbody ref={body} onClick={onClick}>
            {before > 0 && <Spacer height={before} />}
            {sorted.slice(start, end).map((c, i) => (
              <CaseRow key={c.caseId} c={c} index={start + i} words={words} />
            ))}
            {after > 0 && <Spacer height={after} />}
          </tbody>
        </table>
      </div>
    </>
  );
}
