/**
 * The provincial committee's monthly statistics (GET /reports/provincial), never naming a child,
 * with the two charts of the monthly report mail drawn by the API (PNG), and the CSV export.
 */
import { Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
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
          <TextInput
            type="month"
            label={t('stats.month')}
            value={monthInput}
            onChange={(e) => setMonthInput(e.currentTarget.value)}
          />
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
