/** The leaving-care pathways of the province (GET /leaving-care), next deadline first. */
import { Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { useLoad } from '../api/hooks';
import { Loaded, PageTitle } from '../components/feedback';
import { Due } from '../components/time';
import { useCode, useT } from '../i18n/i18n';

export default function LeavingCarePage() {
  const t = useT();
  const code = useCode();
  const list = useLoad(() => call(api.GET('/leaving-care', { params: { query: { limit: 100 } } })), []);
  return (
    <Stack>
      <PageTitle title={t('lc.title')}>{t('lc.title')}</PageTitle>
      <Text>{t('lc.intro')}</Text>
      <Loaded load={list.value} reload={list.reload}>
        {(page) =>
          page.items.length === 0 ? (
            <Text>{t('lc.empty')}</Text>
          ) : (
            <div className="table-scroll">
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('lc.col.child')}</Table.Th>
                    <Table.Th scope="col">{t('lc.col.phase')}</Table.Th>
                    <Table.Th scope="col">{t('lc.col.mediator')}</Table.Th>
                    <Table.Th scope="col">{t('lc.col.next')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...page.items]
                    .sort((a, b) => (a.nextDueAt ?? '9').localeCompare(b.nextDueAt ?? '9'))
                    .map((p) => (
                      <Table.Tr key={p.pathwayId} className={p.overdue ? 'row-overdue' : undefined}>
                        <Table.Td>
                          <Link to={`/leaving-care/${p.childId}`} dir="ltr">
                            {p.childId.slice(0, 8)}
                          </Link>
                        </Table.Td>
                        <Table.Td>{code('lcPhase', p.phase)}</Table.Td>
                        <Table.Td dir="ltr">{p.mediatorId ?? '—'}</Table.Td>
                        <Table.Td>
                          <Due at={p.nextDueAt} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            </div>
          )
        }
      </Loaded>
    </Stack>
  );
}
