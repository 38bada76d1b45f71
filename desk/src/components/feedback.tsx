/** Waits, failures and problems, said the same way on every page. */
import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, type ReactNode } from 'react';
import type { Failure, Problem } from '../api/client';
import type { Load } from '../api/hooks';
import type { Submission } from '../api/hooks';
import { useT } from '../i18n/i18n';
import { useReasons } from '../i18n/reasons';

export function Pending({ label }: { label?: string }) {
  const t = useT();
  const text = label ?? t('wait.loading');
  return (
    <Group gap="sm" role="status" aria-live="polite" className="pending">
      <Loader size="sm" aria-hidden="true" />
      <Text>{text}</Text>
    </Group>
  );
}

/** The page's heading; focused when the page changes so a screen reader hears where it is. */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const t = useT();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
    ref.current?.focus();
  }, [title, t]);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}

function problemHeading(t: ReturnType<typeof useT>, status: number, problem: Problem): string {
  if (status === 400) return t('problem.validation');
  if (status === 401) return t('problem.unauthenticated');
  if (status === 403) return t('problem.forbidden');
  if (status === 404) return t('problem.notFound');
  if (status === 409)
    return problem.type.endsWith('/stepRejected') ? t('problem.stepRejected') : t('problem.conflict');
  return t('problem.other', { status });
}

/** What went wrong with a request, in words; field errors not shown beside a field are listed here. */
export function FailureNotice({
  failure,
  submission,
  shownPaths = [],
  shownNested = [],
}: {
  failure: Failure;
  submission?: Submission;
  shownPaths?: readonly string[];
  /** Fields that show the errors of their parts too (`nested` fields). */
  shownNested?: readonly string[];
}) {
  const t = useT();
  const { reason, fieldMessages } = useReasons();
  if (failure.kind === 'unreachable') {
    return (
      <Alert color="orange" title={t('net.down')} role="alert" className="notice notice-network">
        <Stack gap="xs">
          {submission?.retryIn != null && <Text>{t('net.retryIn', { seconds: submission.retryIn })}</Text>}
          {submission && (
            <Group>
              <Button
                variant="outline"
                color="dark"
                onClick={submission.retryNow}
                loading={submission.pending}
              >
                {t('net.retryNow')}
              </Button>
            </Group>
          )}
        </Stack>
      </Alert>
    );
  }
  const { status, problem } = failure;
  // Shown beside a field: its path, or a part of a list shown in one box (body.axes[0].objectives[1]).
  const shown = (path: string) =>
    shownPaths.includes(path) ||
    shownNested.some((p) => path === p || path.startsWith(`${p}[`) || path.startsWith(`${p}.`));
  const others = fieldMessages(problem).filter((e) => !shown(e.path));
  return (
    <Alert color="red" title={problemHeading(t, status, problem)} role="alert" className="notice">
      <Stack gap="xs">
        {status !== 400 && problem.detail && (
          <Text data-testid="problem-reason">{t('problem.reason', { detail: reason(problem) })}</Text>
        )}
        {others.length > 0 && (
          <>
            <Text>{t('problem.fieldsElsewhere')}</Text>
            <ul>
              {others.map((e, i) => (
                <li key={`${e.path}-${i}`}>
                  <code dir="ltr">{e.path}</code> : {e.message}
                </li>
              ))}
            </ul>
          </>
        )}
        {status === 401 && (
          <a
            href={`/desk/login?next=${encodeURIComponent(window.location.pathname)}`}
            target="_blank"
            rel="noopener"
          >
            {t('problem.loginAgain')}
          </a>
        )}
      </Stack>
    </Alert>
  );
}

/** A page's data: a wait, a failure (retried by itself when the API is unreachable), or the page. */
export function Loaded<T>({
  load,
  reload,
  children,
}: {
  load: Load<T>;
  reload(): void;
  children(data: T): ReactNode;
}) {
  const t = useT();
  if (load.state === 'loading') return <Pending />;
  if (load.state === 'failed') {
    if (load.failure.kind === 'unreachable') {
      return (
        <Alert color="orange" title={t('net.loadFailed')} role="alert" className="notice notice-network">
          {load.retryIn != null && <Text>{t('net.retryIn', { seconds: load.retryIn })}</Text>}
          <Button mt="xs" variant="outline" color="dark" onClick={reload}>
            {t('net.retryNow')}
          </Button>
        </Alert>
      );
    }
    return <FailureNotice failure={load.failure} />;
  }
  return <>{children(load.data)}</>;
}
