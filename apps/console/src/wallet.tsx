import qrcode from 'qrcode-generator';
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from './api/client';
import { cityName, type Session } from './session';
import { formatDate, formatTime } from './format';
import { t } from './i18n';
import { Empty, Field, Loading, ProblemBox, useLoad } from './ui';

/** The QR code of a presentation payload as SVG (no canvas, no data: URL, nothing inline for the CSP to refuse). */
const Qr = ({ text }: { text: string }) => {
  try {
    const qr = qrcode(0, 'L');
    qr.addData(text, 'Byte');
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + 4} ${r + 4}h1v1h-1z`;
    return (
      <svg class="qr" viewBox={`0 0 ${n + 8} ${n + 8}`} role="img" aria-label="QR code" shape-rendering="crispEdges">
        <rect width={n + 8} height={n + 8} fill="#fff" />
        <path d={d} fill="#000" />
      </svg>
    );
  } catch {
    return <p class="muted">二维码内容过长，请复制下方内容 / too long for a QR code: copy the payload below</p>;
  }
};

/** 我的证照: the wallet, a consented presentation to a named hall (QR), and who verified what. */
export const Wallet = ({ session }: { session: Session }) => {
  const wallet = useLoad(() => ok(api.GET('/api/v1/credentials')), []);
  const log = useLoad(() => ok(api.GET('/api/v1/presentations/access-log')), []);
  const [form, setForm] = useState<{ credentialId?: string; city: string; hall: string; purpose: string; ttl: string }>({
    city: session.city,
    hall: session.city === '440600' ? 'FS-CC-01' : 'GZ-TH-01',
    purpose: '',
    ttl: '300',
  });
  const [presentation, setPresentation] = useState<Schemas['PresentationDto']>();
  const [error, setError] = useState<unknown>();
  const items = (wallet.data?.items ?? []) as (Schemas['CredentialDto'] & Record<string, any>)[];
  const chosen = form.credentialId ?? items[0]?.id;
  const present = (e: Event) => {
    e.preventDefault();
    setError(undefined);
    if (!chosen) return;
    ok(
      api.POST('/api/v1/presentations', {
        body: {
          credentialId: chosen,
          verifier: { kind: 'hall', city: form.city, hall: form.hall },
          purpose: form.purpose,
          ttlSeconds: Number(form.ttl),
        },
      }),
    ).then(setPresentation, setError);
  };
  return (
    <section aria-labelledby="wallet-h">
      <h2 id="wallet-h">{t('wallet')}</h2>
      {wallet.loading ? <Loading /> : items.length === 0 ? <Empty /> : null}
      <ProblemBox error={wallet.error} />
      <ul class="cases">
        {items.map((c) => (
          <li key={c.id} class="case-card" data-credential={c.id}>
            <strong>{c.type.name}</strong> {c.number} · {c.status} · {formatDate(c.validFrom)} – {formatDate(c.validTo)}
          </li>
        ))}
      </ul>
      {items.length ? (
        <form onSubmit={present} aria-labelledby="present-h" class="step">
          <h3 id="present-h">{t('present')}</h3>
          <Field label="证照 / credential">
            {(id) => (
              <select
                id={id}
                name="credentialId"
                value={chosen}
                onChange={(e) => setForm({ ...form, credentialId: e.currentTarget.value })}
              >
                {items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.type.name} {c.number}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={`${t('verifierHall')}: ${cityName(form.city)}`}>
            {(id) => (
              <select id={id} name="verifierCity" value={form.city} onChange={(e) => setForm({ ...form, city: e.currentTarget.value })}>
                <option value="440100">{cityName('440100')}</option>
                <option value="440600">{cityName('440600')}</option>
              </select>
            )}
          </Field>
          <Field label="大厅 / hall">
            {(id) => <input id={id} name="hall" value={form.hall} onInput={(e) => setForm({ ...form, hall: e.currentTarget.value })} />}
          </Field>
          <Field label={t('purpose')}>
            {(id) => (
              <input
                id={id}
                name="purpose"
                required
                value={form.purpose}
                onInput={(e) => setForm({ ...form, purpose: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field label={t('ttl')}>
            {(id) => (
              <input
                id={id}
                name="ttl"
                type="number"
                min="30"
                max="3600"
                value={form.ttl}
                onInput={(e) => setForm({ ...form, ttl: e.currentTarget.value })}
              />
            )}
          </Field>
          <ProblemBox error={error} />
          <button type="submit">{t('present')}</button>
        </form>
      ) : null}
      {presentation ? (
        <div class="presentation" data-testid="presentation">
          <Qr text={presentation.qrPayload} />
          <p>
            {presentation.purpose} · {formatTime(presentation.expiresAt)}
          </p>
          <Field label={t('qrPayload')}>
            {(id) => <textarea id={id} readOnly rows={3} value={presentation.qrPayload} data-testid="qr-payload" />}
          </Field>
        </div>
      ) : null}
      <section aria-labelledby="log-h">
        <h3 id="log-h">{t('accessLog')}</h3>
        <button type="button" onClick={log.reload}>
          {t('refresh')}
        </button>
        {log.loading ? <Loading /> : (log.data?.items ?? []).length === 0 ? <Empty /> : null}
        <ul data-testid="access-log">
          {(log.data?.items ?? []).map((e) => (
            <li key={e.verificationId}>
              {formatTime(e.verifiedAt)} · {cityName((e.verifier as { city?: string }).city)} {(e.verifier as { kind?: string }).kind}{' '}
              {(e.verifier as { hall?: string; id?: string }).hall ?? (e.verifier as { id?: string }).id ?? ''} · {e.purpose ?? ''} ·{' '}
              {e.valid ? t('valid') : `${t('invalid')} ${e.reasons.join(',')}`}
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
};
