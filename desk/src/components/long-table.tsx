/**
 * Only the rows near the viewport are in the DOM: a long table (a work list of 1,000) renders a
 * screenful and two spacer rows standing for the rest, and the page's own scrolling moves the
 * window. The height of a row is measured on the rows rendered. A short list renders whole, so
 * finding a word in the page and printing it work as usual there.
 */
import { useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useNavigate } from 'react-router';

/** Lists up to this many rows render whole. */
export const WHOLE_UP_TO = 150;
/** Rows rendered beyond each edge of the viewport (Tab moves into them, which scrolls the page). */
const OVERSCAN = 20;
/** Rows rendered before anything is measured: a tall screen's worth. */
const FIRST = 60;

export interface VisibleRows {
  start: number;
  end: number;
  /** Heights, in pixels, of the spacer rows before and after the rendered ones. */
  before: number;
  after: number;
}

export function useVisibleRows(count: number, body: RefObject<HTMLElement | null>): VisibleRows {
  const whole = count <= WHOLE_UP_TO;
  const [range, setRange] = useState({ start: 0, end: FIRST, height: 40 });
  const rowHeight = useRef(40);
  useEffect(() => {
    if (whole) return;
    let frame = 0;
    const update = () => {
      frame = 0;
      const el = body.current;
      if (!el) return;
      const rows = el.querySelectorAll<HTMLElement>('tr[data-row]');
      const first = rows[0];
      const last = rows[rows.length - 1];
      if (first && last) {
        const h = (last.getBoundingClientRect().bottom - first.getBoundingClientRect().top) / rows.length;
        if (h > 0) rowHeight.current = h;
      }
      const h = rowHeight.current;
      const top = el.getBoundingClientRect().top;
      const start = Math.max(0, Math.min(count, Math.floor(-top / h) - OVERSCAN));
      const end = Math.max(start, Math.min(count, Math.ceil((window.innerHeight - top) / h) + OVERSCAN));
      setRange((r) => (r.start === start && r.end === end && r.height === h ? r : { start, end, height: h }));
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    schedule();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [count, whole, body]);
  if (whole) return { start: 0, end: count, before: 0, after: 0 };
  const start = Math.min(range.start, count);
  const end = Math.min(Math.max(range.end, start), count);
  return { start, end, before: start * range.height, after: (count - end) * range.height };
}

/** Stands for the rows not rendered (their height), hidden from assistive technology. */
export function Spacer({ height, columns = 5 }: { height: number; columns?: number }) {
  return (
    <tr aria-hidden="true" className="spacer">
      <td colSpan={columns} style={{ height }} />
    </tr>
  );
}

/** Follows a plain click on a row's link inside the desk (one handler for every row, no reload). */
export function useRowLinks() {
  const navigate = useNavigate();
  return (e: React.MouseEvent) => {
    const a = (e.target as HTMLElement).closest('a');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const href = a.getAttribute('href') ?? '';
    if (!href.startsWith('/desk/')) return;
    e.preventDefault();
    void navigate(href.slice('/desk'.length));
  };
}

/** A row's classes: overdue marked, every other row shaded (by its place in the whole list). */
export function rowClass(overdue: boolean, index: number): string | undefined {
  return [overdue ? 'row-overdue' : '', index % 2 ? 'row-alt' : ''].filter(Boolean).join(' ') || undefined;
}

/**
 * A long list as a plain table (styled in styles.css: a thousand rows of library components cost
 * seconds): the header, then only the rows near the viewport, `row(i)` drawing the i-th; the rows'
 * links are followed by one handler.
 */
export function LongTable({
  count,
  columns,
  row,
}: {
  count: number;
  columns: string[];
  row(index: number): ReactNode;
}) {
  const onClick = useRowLinks();
  const body = useRef<HTMLTableSectionElement>(null);
  const { start, end, before, after } = useVisibleRows(count, body);
  return (
    <div className="table-scroll">
      <table className="work-list" data-items={count} aria-rowcount={count + 1}>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions -- delegates the links' clicks; the links keep their own keyboard behaviour */}
        <tbody ref={body} onClick={onClick}>
          {before > 0 && <Spacer height={before} columns={columns.length} />}
          {Array.from({ length: end - start }, (_, i) => row(start + i))}
          {after > 0 && <Spacer height={after} columns={columns.length} />}
        </tbody>
      </table>
    </div>
  );
}
