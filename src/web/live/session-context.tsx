import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { api, ApiError, whenUnauthenticated } from '../api/client.ts';
import type { Me, SessionState } from '../api/types.ts';

export type Session =
  | { kind: 'loading' }
  | { kind: 'signed-out'; demo: boolean }
  | { kind: 'signed-in'; me: Me }
  | { kind: 'unreachable'; message: string };

/** What the session needs of `GET /api/v1/me`: what the person may do. */
type MeAnswer = Pick<Me, 'roles' | 'permissions'>;

interface SessionApi {
  session: Session;
  /** Reads who is signed in again (after signing in). */
  reload: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Who is signed in, from `GET /api/v1/session`; signs out when the API says the session ended. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ kind: 'loading' });

  const reload = useCallback(async () => {
    try {
      const answer = await api<SessionState>('/api/v1/session');
      if (!answer.signedIn || answer.person === null) {
        setSession({ kind: 'signed-out', demo: answer.demo });
        return;
      }
      // What the access policy lets the person do: the app shows only those actions.
      const access = await api<MeAnswer>('/api/v1/me').catch((): MeAnswer => ({
        roles: [],
        permissions: {},
      }));
      setSession({
        kind: 'signed-in',
        me: {
          person: answer.person,
          demo: answer.demo,
          roles: access.roles,
          permissions: access.permissions,
        },
      });
    } catch (error) {
      setSession({
        kind: 'unreachable',
        message: error instanceof ApiError ? error.message : String(error),
      });
    }
  }, []);

  const signOut = useCallback(async () => {
    await api('/api/v1/session', { method: 'DELETE', quiet401: true }).catch(() => undefined);
    await reload();
  }, [reload]);

  useEffect(() => {
    // The session ended under us (revoked, expired): ask again, which lands on the sign-in page.
    whenUnauthenticated(() => void reload());
    void reload();
  }, [reload]);

  const value = useMemo(() => ({ session, reload, signOut }), [session, reload, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession needs a SessionProvider above it');
  return value;
}

/** The signed-in person; only for pages behind the sign-in. */
export function useMe(): Me {
  const { session } = useSession();
  if (session.kind !== 'signed-in') throw new Error('useMe needs a signed-in session');
  return session.me;
}
