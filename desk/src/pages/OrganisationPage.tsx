/** Organisation pages for admins: wait for the organisation routes of the case-file issue. */
import { Alert, Stack } from '@mantine/core';
import { PageTitle } from '../components/feedback';
import { useT } from '../i18n/i18n';

export default function OrganisationPage() {
  const t = useT();
  return (
    <Stack>
      <PageTitle title={t('org.title')}>{t('org.title')}</PageTitle>
      <Alert color="gray">{t('org.waiting')}</Alert>
    </Stack>
  );
}
