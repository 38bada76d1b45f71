/** A supervisor's approvals: plans and closures of the province waiting for a decision. */
import { Stack, Text, Title } from '@mantine/core';
import { api, call, type Schemas } from '../api/client';
import { useLoad } from '../api/hooks';
import { Loaded, PageTitle } from '../components/feedback';
import { useT } from '../i18n/i18n';
import { CaseList } from '../components/CaseList';

function Waiting({ step, title }: { step: Schemas['CaseStep']; title: string }) {
  const t = useT();
  const list = useLoad(
    () => call(api.GET('/cases', { params: { query: { step, status: 'open', limit: 100 } } })),
    [step],
  );
  return (
    <section aria-label={title}>
      <Title order={2} size="h3" mb="sm">
        {title}
      </Title>
      <Loaded load={list.value} reload={list.reload}>
        {(page) =>
          page.items.length ? <CaseList items={page.items} /> : <Text>{t('approvals.empty')}</Text>
        }
      </Loaded>
    </section>
  );
}

export default function ApprovalsPage() {
  const t = useT();
  return (
    <Stack>
      <PageTitle title={t('approvals.title')}>{t('approvals.title')}</PageTitle>
      <Text>{t('approvals.intro')}</Text>
      <Waiting step="planApproval" title={t('approvals.plans')} />
      <Waiting step="closureApproval" title={t('approvals.closures')} />
    </Stack>
  );
}
