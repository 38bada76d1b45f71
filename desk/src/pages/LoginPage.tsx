/**
 * The login page: the ministry's identity provider (a link to GET /auth/login?next=…, the page the
 * person was going to), and in development the choice of a seeded person (refused in production).
 */
import { Alert, Button, NativeSelect, Paper, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { useLoad, useSubmit } from '../api/hooks';
import { FailureNotice, Loaded, PageTitle } from '../components/feedback';
import { LanguageSwitch } from '../components/Layout';
import { useLabel, useT } from '../i18n/i18n';
import { useSession } from '../session';

/** Back to where the person was going: a desk path only (never another site). */
export function returnPath(next: string | null): string {
  if (!next || !/^\/desk(\/[^\\\s]*)?$/.test(next) || next.startsWith('//') || next.includes('/..'))
    return '/';
  return next.slice('/desk'.length) || '/';
}

const LOGIN_ERRORS = ['failed', 'unknown', 'unavailable'] as const;

export function LoginPage() {
  const t = useT();
  const [params] = useSearchParams();
  const methods = useLoad(() => call(api.GET('/session/login-methods')), []);
  const next = params.get('next');
  const error = LOGIN_ERRORS.find((e) => e === params.get('error'));
  return (
    <main id="main" className="login">
      <Paper withBorder p="lg" maw={560} mx="auto" mt="xl">
        <Stack>
          <LanguageSwitch />
          <PageTitle title={t('login.title')}>{t('login.title')}</PageTitle>
          <Text>{t('app.name')}</Text>
          {error && (
            <Alert color="red" role="alert" className="notice">
              {t(`login.error.${error}`)}
            </Alert>
          )}
          <Loaded load={methods.value} reload={methods.reload}>
            {(ways) => (
              <>
                {ways.identityProvider && (
                  <Stack gap="xs">
                    <Text size="sm">{t('login.oidcIntro')}</Text>
                    {/* A navigation, not a fetch: the provider's page comes next, then back here. */}
                    <Button
                      component="a"
                      href={`/auth/login?next=${encodeURIComponent(`/desk${returnPath(next)}`)}`}
                      data-testid="oidc-login"
                    >
                      {t('login.oidc')}
                    </Button>
                  </Stack>
                )}
                {ways.development && <DevelopmentLogin next={next} />}
                {!ways.identityProvider && !ways.development && (
                  <Alert color="gray" role="alert">
                    {t('login.unavailable')}
                  </Alert>
                )}
              </>
            )}
          </Loaded>
        </Stack>
      </Paper>
    </main>
  );
}

/** Development login: choose one of the seeded people (the API refuses it when NODE_ENV=production). */
function DevelopmentLogin({ next }: { next: string | null }) {
  const t = useT();
  const label = useLabel();
  const navigate = useNavigate();
  const { adopt } = useSession();
  const people = useLoad(() => call(api.GET('/session/development/staff')), []);
  const [staffId, setStaffId] = useState('');
  const { submit, submission } = useSubmit(
    (body: { staffId: string }) => call(api.POST('/session/development', { body })),
    (view) => {
      adopt(view);
      void navigate(returnPath(next), { replace: true });
    },
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit({ staffId });
  };
  return (
    <Loaded load={people.value} reload={people.reload}>
      {(data) => (
        <form onSubmit={onSubmit}>
          <Stack>
            <Text size="sm">{t('login.devIntro')}</Text>
            <NativeSelect
              label={t('login.person')}
              name="staffId"
              required
              value={staffId}
              onChange={(e) => setStaffId(e.currentTarget.value)}
              data={[
                { value: '', label: '—' },
                ...data.items.map((p) => ({
                  value: p.id,
                  label: `${p.displayName} — ${label('roles', p.role)} (${p.province})`,
                })),
              ]}
            />
            {submission.failure && <FailureNotice failure={submission.failure} submission={submission} />}
            <Button type="submit" loading={submission.pending} disabled={!staffId}>
              {t('login.submit')}
            </Button>
          </Stack>
        </form>
      )}
    </Loaded>
  );
}
