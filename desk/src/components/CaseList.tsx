/**
 * A list of cases (the supervisor's approvals, the province's open cases; read from GET /cases),
 * soonest deadline first, in a plain table of which only the rows near the viewport are rendered,
 * each worded when it is: a thousand rows of library components cost seconds.
 */
import { Text } from '@mantine/core';
import { memo, useMemo, useState } from 'react';
import type { Schemas } from '../api/client';
import { LongTable, rowClass } from './long-table';
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
      <LongTable
        count={sorted.length}
        columns={[
          t('work.col.case'),
          t('work.col.step'),
          t('work.col.risk'),
          t('work.col.due'),
          t('work.col.opened'),
        ]}
        row={(i) => <CaseRow key={sorted[i]!.caseId} c={sorted[i]!} index={i} words={words} />}
      />
    </>
  );
}
