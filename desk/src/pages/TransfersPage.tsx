/**
 * Transfers to accept: cases another province asks this one to take over. The list needs a route
 * that shows a supervisor the cases coming to their province (the work list of the case-file
 * issue); until it is there, the page says so, and a transfer is accepted from the case page the
 * escalation mail links to.
 */
import { Alert, Stack, Text } from '@mantine/core';
import { PageTitle } from '../components/feedback';
import { useT } from '../i18n/i18n';

export default function TransfersPage() {
  const t = useT();
  return (
    <Stack>
      <PageTitle title={t('transfers.title')}>{t('transfers.title')}</PageTitle>
      <Text>{t('transfers.intro')}</Text>
      <Alert color="gray">{t('transfers.waiting')}</Alert>
    </Stack>
  );
}
