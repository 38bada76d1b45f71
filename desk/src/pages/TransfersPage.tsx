/**
 * Transfers to accept (protocol.md §3): the cases another province asks this one to take over,
 * from the receiving supervisor's work list (GET /work, kind transferAcceptance), soonest deadline
 * first, overdue and rung marked. Each is read on its case page (the receiving supervisors may read
 * it until they decide) and accepted or refused here; an accepted case opens in its new province,
 * a refused one leaves the list.
 */
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useLoad, useSubmit } from '../api/hooks';
import { FailureNotice, Loaded, PageTitle } from '../components/feedback';
import { Due, Instant } from '../components/time';
import { useT } from '../i18n/i18n';

type Item = Schemas['WorkItem'];

export default function TransfersPage() {
  const t = useT();
  const [refused, setRefused] = useState<string | null>(null);
  const list = useLoad(
    () => call(api.GET('/work', { params: { query: { kind: 'transferAcceptance', limit: 100 } } })),
    [],
  );
  return (
    <Stack>
      <PageTitle title={t('transfers.title')}>{t('transfers.title')}</PageTitle>
      <Text>{t('transfers.intro')}</Text>
      {refused && (
        <Alert color="green" role="status" className="notice">
          {t('transfers.refused', { reference: refused })}
        </Alert>
      )}
      <Loaded load={list.value} reload={list.reload}>
        {(page) =>
          page.items.length === 0 ? (
            <Text>{t('transfers.empty')}</Text>
          ) : (
            <ul className="transfers" data-testid="transfers">
              {page.items.map((item) => (
                <li key={item.itemId}>
                  <Transfer
                    item={item}
                    onRefused={() => {
                      setRefused(item.caseReference);
                      list.reload();
                    }}
                  />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Stack>
  );
}

function Transfer({ item, onRefused }: { item: Item; onRefused(): void }) {
  const t = useT();
  const navigate = useNavigate();
  const { submit, submission } = useSubmit(
    (body: Schemas['TransferAcceptanceBody'], k: string) =>
      call(
        api.POST('/cases/{caseId}/transfer/acceptance', {
          params: { path: { caseId: item.caseId }, header: { 'Idempotency-Key': k } },
          body,
        }),
      ),
    (_, body) => {
      // Accepted: the case is this province's now, to be assigned from its page.
      if (body.accept) void navigate(`/cases/${item.caseId}`, { state: { done: 'transferAccepted' } });
      else onRefused();
    },
  );
  const title = t('transfers.case', { reference: item.caseReference });
  return (
    <Paper
      withBorder
      p="md"
      component="section"
      aria-label={title}
      className={item.overdue ? 'row-overdue' : undefined}
    >
      <Title order={2} size="h3" mb="xs">
        <Link to={`/cases/${item.caseId}`}>{title}</Link>
      </Title>
      <dl className="facts">
        <dt>{t('transfers.from')}</dt>
        <dd dir="ltr">{item.province}</dd>
        <dt>{t('transfers.requestedAt')}</dt>
        <dd>
          <Instant at={item.openedAt} />
        </dd>
        <dt>{t('work.col.due')}</dt>
        <dd>
          {item.overdue && <span className="tag tag-overdue">{t('due.overdue')}</span>}{' '}
          <Due at={item.dueAt} />
          {item.escalationLevel >= 0 && <> — {t('case.rung', { level: item.escalationLevel })}</>}
        </dd>
      </dl>
      <Text size="sm">{t('transfers.readFirst')}</Text>
      <Group mt="sm" aria-busy={submission.pending}>
        <Button loading={submission.pending} onClick={() => submit({ accept: true })}>
          {t('transfer.accept')}
        </Button>
        <Button
          variant="outline"
          color="red"
          disabled={submission.pending}
          onClick={() => submit({ accept: false })}
        >
          {t('transfer.refuse')}
        </Button>
      </Group>
      {submission.failure && <FailureNotice failure={submission.failure} submission={submission} />}
    </Paper>
  );
}
