import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas, setAccessToken } from './api/client';
import { CaseView } from './case-view';
import { FileCase } from './file-case';
import { getLang, type Lang, setLang, t } from './i18n';
import { completeSignIn, isCallback, signOutAtProvider, startSignIn } from './oidc';
import { cityName, type Session } from './session';
import { Medical } from './medical';
import { Queue } from './queue';
import { SiRecord, SiWork } from './social-insurance';
import { Remediations, Verify } from './staff';
import { ProblemBox } from './ui';
import { Wallet } from './wallet';

/** The demo users of the sandbox (seeds/demo/users.yaml); the token endpoint refuses them on any other node. */
const DEMO_USERS = [
  { username: 'gz-resident', city: '440100', name: '陈小明', role: 'resident' },
  { username: 'gz-clerk', city: '440100', name: '广州天河政务服务中心窗口', role: 'clerk' },
  { username: 'gz-clerk-2', city: '440100', name: '广州天河政务服务中心窗口二', role: 'clerk' },
  { username: 'gz-supervisor', city: '440100', name: '广州督办', role: 'supervisor' },
  { username: 'fs-resident', city: '440600', name: '李小红', role: 'resident' },
  { username: 'fs-clerk', city: '440600', name: '佛山禅城行政服务中心窗口', role: 'clerk' },
  { username: 'fs-clerk-2', city: '440600', name: '佛山禅城行政服务中心窗口二', role: 'clerk' },
  { username: 'fs-supervisor', city: '440600', name: '佛山督办', role: 'supervisor' },
] as const;

const useHash = () => {
  const [hash, setHash] = useState(location.hash.slice(1) || '/');
  useEffect(() => {
    const on = () => setHash(location.hash.slice(1) || '/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
};

const SignIn = ({ self, onSignedIn }: { self: string; onSignedIn: (s: Session) => void }) => {
  const [error, setError] = useState<unknown>();
  const [options, setOptions] = useState<Schemas['SignInOptionsDto']>();
  const [busy, setBusy] = useState(isCallback());
  useEffect(() => {
    void (async () => {
      try {
        const o = await ok(api.GET('/api/v1/auth/sign-in'));
        setOptions(o);
        // Back from the identity provider: exchange the code (the provider's pages did the signing in, not ours).
        if (isCallback()) {
          if (!o.oidc) throw new Error(t('idpNotConfigured'));
          const { accessToken, claims } = await completeSignIn(o.oidc);
          setAccessToken(accessToken);
          onSignedIn({ username: claims.sub, role: claims.role, city: claims.city, ...(claims.hall ? { hall: claims.hall } : {}), self });
        }
      } catch (e) {
        setError(e);
      } finally {
        setBusy(false);
      }
    })();
  }, []);
  const signIn = async (username: string) => {
    setError(undefined);
    try {
      const r = await ok(api.POST('/api/v1/auth/token', { body: { username } }));
      const claims = r.claims as { sub: string; role: string; city: string; hall?: string };
      setAccessToken(r.accessToken);
      onSignedIn({ username: claims.sub, role: claims.role, city: claims.city, ...(claims.hall ? { hall: claims.hall } : {}), self });
    } catch (e) {
      setError(e);
    }
  };
  const oidc = options?.oidc;
  return (
    <section aria-labelledby="signin-h">
      <h2 id="signin-h">{t('signIn')}</h2>
      {busy ? (
        <p role="status">{t('signingIn')}</p>
      ) : !options ? null : (
        <>
          {oidc ? (
            <p>
              <button
                type="button"
                data-signin="oidc"
                onClick={() => {
                  setError(undefined);
                  startSignIn(oidc).catch(setError);
                }}
              >
                {t('signInWith')} {oidc.displayName}
              </button>
            </p>
          ) : null}
          {options.demoUsers ? (
            <>
              <p>{t('sandboxPicker')}</p>
              <ul class="picker">
                {DEMO_USERS.filter((u) => u.city === self).map((u) => (
                  <li key={u.username}>
                    <button type="button" data-user={u.username} onClick={() => void signIn(u.username)}>
                      {u.name} <small>({u.username})</small>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {!oidc && !options.demoUsers ? (
            <p>
              {t('idpSignIn')}: {t('idpNotConfigured')}
            </p>
          ) : null}
        </>
      )}
      <ProblemBox error={error} />
    </section>
  );
};

export const App = () => {
  const [, setLangState] = useState<Lang>(getLang());
  const [self, setSelf] = useState<string>();
  const [session, setSession] = useState<Session>();
  const hash = useHash();
  useEffect(() => {
    void fetch('/api/v1/cities')
      .then((r) => r.json() as Promise<{ self: string }>)
      .then((c) => setSelf(c.self));
  }, []);
  const toggleLang = () => {
    const l = getLang() === 'zh' ? 'en' : 'zh';
    setLang(l);
    setLangState(l);
  };
  const signOut = () => {
    setAccessToken(undefined);
    setSession(undefined);
    location.hash = '/';
    // Signed in through the identity provider: its session ends too (RP-initiated logout, when it offers one).
    signOutAtProvider();
  };
  const staff = session && session.role !== 'resident';
  const links: [string, string][] = !session
    ? []
    : staff
      ? [
          ['/', t('queue')],
          ...(session.role === 'clerk' ? ([['/file', t('fileCase')]] as [string, string][]) : []),
          ['/verify', t('verify')],
          ['/si', t('siWork')],
          ['/medical', t('medicalWork')],
          ...(session.role === 'supervisor' ? ([['/remediations', t('remediations')]] as [string, string][]) : []),
        ]
      : [
          ['/', t('myCases')],
          ['/file', t('fileOnline')],
          ['/wallet', t('wallet')],
          ['/si', t('siRecord')],
          ['/medical', t('medical')],
        ];
  const caseId = /^\/cases\/([0-9a-f-]{36})$/.exec(hash)?.[1];
  return (
    <>
      <header class="top">
        <h1>
          {t('appName')} · {self ? cityName(self) : '…'}
        </h1>
        <nav aria-label={t('appName')}>
          {links.map(([href, label]) => (
            <a
              key={href}
              href={`#${href}`}
              aria-current={hash === href || (href !== '/' && hash.startsWith(`${href}/`)) ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
        <div class="who">
          {session ? (
            <>
              <span data-testid="who">
                {session.username}
                {session.hall ? ` · ${session.hall}` : ''}
              </span>
              <button type="button" onClick={signOut}>
                {t('signOut')}
              </button>
            </>
          ) : null}
          <button type="button" onClick={toggleLang} lang={getLang() === 'zh' ? 'en' : 'zh'}>
            {t('language')}
          </button>
        </div>
      </header>
      <main>
        {!self ? null : !session ? (
          <SignIn self={self} onSignedIn={setSession} />
        ) : caseId ? (
          <CaseView key={caseId} id={caseId} session={session} />
        ) : hash === '/file' ? (
          <FileCase session={session} />
        ) : hash === '/verify' && staff ? (
          <Verify />
        ) : hash === '/remediations' && staff ? (
          <Remediations />
        ) : hash === '/wallet' && !staff ? (
          <Wallet session={session} />
        ) : hash === '/si' && !staff ? (
          <SiRecord />
        ) : hash.startsWith('/si') && staff ? (
          <SiWork key={hash} hash={hash} session={session} />
        ) : hash.startsWith('/medical') ? (
          <Medical key={hash} hash={hash} session={session} />
        ) : (
          <Queue session={session} />
        )}
      </main>
    </>
  );
};
