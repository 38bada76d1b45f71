/**
 * The provincial committee's monthly statistics (GET /reports/provincial), never naming a child,
 * with the two charts of the monthly report mail drawn by the API (PNG), and the CSV export.
 */
import { Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useLoad } from '../api/hooks';
import { Loaded, PageTitle } from '../components/feedback';
import { useLabel, useLanguage, useReportLabels, useT, LOCALES } from '../i18n/i18n';
import { localDate } from '../time/deadline';
import { useStaff } from '../session';

const previousMonth = () => {
  const today = localDate(new Date());
  return localDate(new Date(Date.parse(`${today.slice(0, 7)}-01T12:00:00Z`) - 5 * 86_400_000)).slice(0, 7);
};
const monthEnd = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

export default function StatisticsPage() {
  const t = useT();
  const staff = useStaff();
  const [params, setParams] = useSearchParams();
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '')
    ? (params.get('month') as string)
    : previousMonth();
  const province = params.get('province') ?? staff.province;
  const [monthInput, setMonthInput] = useState(month);
  const [provinceInput, setProvinceInput] = useState(province);
  const query = { province, from: `${month}-01`, to: monthEnd(month) };
  const stats = useLoad(
    () => call(api.GET('/reports/provincial', { params: { query: { ...query, format: 'json' } } })),
    [month, province],
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setParams({ month: monthInput, province: provinceInput }, { replace: true });
  };
  return (
    <Stack>
      <PageTitle title={t('stats.title')}>{t('stats.title')}</PageTitle>
      <Text>{t('stats.intro')}</Text>
      <form onSubmit={onSubmit}>
        <Group align="end">
          <MonthPicker value={monthInput} onChange={setMonthInput} />
          <TextInput
            label={t('stats.province')}
            value={provinceInput}
            dir="ltr"
            onChange={(e) => setProvinceInput(e.currentTarget.value)}
          />
          <Button type="submit">{t('stats.show')}</Button>
        </Group>
      </form>
      <Loaded load={stats.value} reload={stats.reload}>
        {(s) => (typeof s === 'string' ? null : <Figures s={s} query={query} />)}
      </Loaded>
    </Stack>
  );
}

/** The first year the desk offers (the engine's first statistics). */
const FIRST_YEAR = 2024;

/**
 * A month as two selects, month names in the page's language (Intl, ar-MA: يناير … دجنبر): the
 * browser's own month input says them in the browser's language, whatever the page's.
 */
function MonthPicker({ value, onChange }: { value: string; onChange(v: string): void }) {
  const t = useT();
  const { language } = useLanguage();
  const [year, month] = value.split('-') as [string, string];
  const names = useMemo(() => {
    const f = new Intl.DateTimeFormat(LOCALES[language], { month: 'long', timeZone: 'UTC' });
    return Array.from({ length: 12 }, (_, i) => ({
      value: String(i + 1).padStart(2, '0'),
      label: f.format(new Date(Date.UTC(2000, i, 15))),
    }));
  }, [language]);
  const last = Number(localDate(new Date()).slice(0, 4));
  const years = Array.from({ length: Math.max(1, last - FIRST_YEAR + 1) }, (_, i) => String(last - i));
  if (!years.includes(year)) years.push(year);
  return (
    <fieldset className="month-picker">
      <legend>{t('stats.month')}</legend>
      <Group gap="xs" align="end">
        <NativeSelect
          label={t('stats.monthName')}
          name="month"
          value={month}
          onChange={(e) => onChange(`${year}-${e.currentTarget.value}`)}
          data={names}
        />
        <NativeSelect
          label={t('stats.year')}
          name="year"
          value={year}
          onChange={(e) => onChange(`${e.currentTarget.value}-${month}`)}
          data={years}
        />
      </Group>
    </fieldset>
  );
}

function Figures({
  s,
  query,
}: {
  s: Schemas['ProvincialStatistics'];
  query: { province: string; from: string; to: string };
}) {
  const t = useT();
  const l = useReportLabels();
  const label = useLabel();
  const { language } = useLanguage();
  const pct = new Intl.NumberFormat(LOCALES[language], { style: 'percent', maximumFractionDigits: 1 });
  const qs = new URLSearchParams(query).toString();
  return (
    <Stack>
      <Paper withBorder p="md" component="section" aria-label={l.sections.cases}>
        <Title order={2} size="h3">
          {l.sections.cases}
        </Title>
        <dl className="facts">
          <dt>{l.cases.opened}</dt>
          <dd data-testid="stats-opened">{s.cases.opened}</dd>
          <dt>{l.cases.closed}</dt>
          <dd data-testid="stats-closed">{s.cases.closed}</dd>
          <dt>{l.cases.reports}</dt>
          <dd>{s.reports.total}</dd>
        </dl>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label={l.sections.steps}>
        <Title order={2} size="h3">
          {l.sections.steps}
        </Title>
        <div className="charts">
          <img
            src={`/reports/provincial/charts/onTime?${qs}&language=${language}`}
            alt={t('stats.chartAlt.onTime')}
            width={720}
          />
          <img
            src={`/reports/provincial/charts/casesPerStep?${qs}&language=${language}`}
            alt={t('stats.chartAlt.casesPerStep')}
            width={720}
          />
        </div>
        <div className="table-scroll">
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{l.columns.step}</Table.Th>
                <Table.Th scope="col">{l.columns.openAtEnd}</Table.Th>
                <Table.Th scope="col">{l.columns.completed}</Table.Th>
                <Table.Th scope="col">{l.columns.due}</Table.Th>
                <Table.Th scope="col">{l.columns.onTimeShare}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.steps
                .filter((x) => x.opened || x.openAtEnd || x.due || x.completed)
                .map((x) => (
                  <Table.Tr key={x.step}>
                    <Table.Td>{label('steps', x.step)}</Table.Td>
                    <Table.Td>{x.openAtEnd}</Table.Td>
                    <Table.Td>{x.completed}</Table.Td>
                    <Table.Td>{x.due}</Table.Td>
                    <Table.Td>{x.onTimeShare === null ? '—' : pct.format(x.onTimeShare)}</Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
        </div>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label={l.sections.byChannel}>
        <Title order={2} size="h3">
          {l.sections.byChannel}
        </Title>
        <ul>
          {s.reports.byChannel.map((c) => (
            <li key={c.key}>
              {label('channels', c.key)} : {c.count}
            </li>
          ))}
        </ul>
      </Paper>
      <Paper withBorder p="md" component="section" aria-label={l.sections.escalations}>
        <Title order={2} size="h3">
          {l.sections.escalations}
        </Title>
        <ul>
          {s.escalations.byLevel.map((e) => (
            <li key={e.level}>
              {l.columns.level} {e.level} : {e.count}
            </li>
          ))}
        </ul>
      </Paper>
      <Group>
        <a className="button-link" href={`/reports/provincial?${qs}&format=csv`} download>
          {t('stats.csv')}
        </a>
      </Group>
    </Stack>
  );
}
