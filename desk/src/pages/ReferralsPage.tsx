/** A partner's inbox: the referrals addressed to their service (GET /referrals), by status. */
import { NativeSelect, Stack, Table, Text } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { referralStatusValues } from '../../generated/api';
import { api, call, type Schemas } from '../api/client';
import { useLoad } from '../api/hooks';
import { Loaded, PageTitle } from '../components/feedback';
import { Instant } from '../components/time';
import { useCode, useT } from '../i18n/i18n';

export default function ReferralsPage() {
  const t = useT();
  const code = useCode();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as Schemas['ReferralStatus'] | '';
  const list = useLoad(
    () => call(api.GET('/referrals', { params: { query: { limit: 100, ...(status ? { status } : {}) } } })),
    [status],
  );
  return (
    <Stack>
      <PageTitle title={t('referrals.title')}>{t('referrals.title')}</PageTitle>
      <Text>{t('referrals.intro')}</Text>
      <NativeSelect
        label={t('referrals.filter.status')}
        value={status}
        maw={320}
        onChange={(e) =>
          setParams(e.currentTarget.value ? { status: e.currentTarget.value } : {}, { replace: true })
        }
        data={[
          { value: '', label: t('work.any') },
          ...referralStatusValues.map((s) => ({ value: s, label: t(`refStatus.${s}`) })),
        ]}
      />
      <Loaded load={list.value} reload={list.reload}>
        {(page) =>
          page.items.length === 0 ? (
            <Text>{t('referrals.empty')}</Text>
          ) : (
            <div className="table-scroll">
              <Table striped data-testid="referral-inbox">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('referrals.col.case')}</Table.Th>
                    <Table.Th scope="col">{t('referrals.col.service')}</Table.Th>
                    <Table.Th scope="col">{t('referrals.col.status')}</Table.Th>
                    <Table.Th scope="col">{t('referrals.col.requestedAt')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...page.items].reverse().map((r) => (
                    <Table.Tr key={r.referralId}>
                      <Table.Td>
                        <Link to={`/referrals/${r.referralId}`}>{r.caseReference}</Link>
                      </Table.Td>
                      <Table.Td>{code('service', r.serviceType)}</Table.Td>
                      <Table.Td>{t(`refStatus.${r.status}`)}</Table.Td>
                      <Table.Td>
                        <Instant at={r.requestedAt} />
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
