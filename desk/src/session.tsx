/** Who is logged in (GET /session), the CSRF token for the API client, and logout. */
import { createContext, use, useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, call, setCsrfToken, type Schemas } from './api/client';
import { useLanguage } from './i18n/i18n';

type SessionView = Schemas['SessionView'];
export type SessionState =
  | { state: 'loading' }
  | { state: 'anonymous' }
  | { state: 'unreachable' }
  | { state: 'ok'; view: SessionView };

interface SessionContext {
  session: SessionState;
  refresh(): Promise<void>;
  adopt(view: SessionView): void;
  logout(): Promise<void>;
}
const Ctx = createContext<SessionContext | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  const { adoptStaffLanguage } = useLanguage();
  const adopt = useCallback(
    (view: SessionView) => {
      setCsrfToken(view.session?.csrfToken ?? null);
      adoptStaffLanguage(view.staff.language);
      setSession({ state: 'ok', view });
    },
    [adoptStaffLanguage],
  );
  const refresh = useCallback(async () => {
    const r = await call(api.GET('/session'));
    if (r.ok) adopt(r.data);
    else if (r.failure.kind === 'unreachable') setSession({ state: 'unreachable' });
    else setSession({ state: 'anonymous' });
  }, [adopt]);
  const logout = useCallback(async () => {
    await call(api.POST('/session/logout'));
    setCsrfToken(null);
    setSession({ state: 'anonymous' });
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return <Ctx value={{ session, refresh, adopt, logout }}>{children}</Ctx>;
}

export function useSession(): SessionContext {
  const ctx = use(Ctx);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The logged-in person (only inside pages that require a session). */
export function useStaff() {
  const { session } = useSession();
  if (session.state !== 'ok') throw new Error('useStaff without a session');
  const { staff, actions } = session.view;
  return { ...staff, actions, can: (action: string) => actions.includes(action) };
}
