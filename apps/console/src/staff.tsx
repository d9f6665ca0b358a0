import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from './api/client';
import { cityName } from './session';
import { formatDate, formatTime } from './format';
import { t } from './i18n';
import { Empty, Field, Loading, ProblemBox, useLoad } from './ui';

/** 证照核验 at the window: paste the QR payload of a presentation (or a credential document as JSON). */
export const Verify = () => {
  const [input, setInput] = useState('');
  const [purpose, setPurpose] = useState('');
  const [result, setResult] = useState<Schemas['VerificationResultDto']>();
  const [error, setError] = useState<unknown>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    setFields({});
    const text = input.trim();
    let body: Schemas['VerifyCredentialDto'];
    if (text.startsWith('{')) {
      try {
        body = { credential: JSON.parse(text) as Record<string, unknown> };
      } catch {
        setFields({ input: 'JSON 格式错误 / not valid JSON' });
        return;
      }
    } else body = { presentationToken: text };
    if (purpose) body.purpose = purpose;
    try {
      setResult(await ok(api.POST('/api/v1/verifications', { body })));
    } catch (err) {
      setError(err);
    }
  };
  const cred = result?.credential;
  return (
    <section aria-labelledby="verify-h">
      <h2 id="verify-h">{t('verify')}</h2>
      <form onSubmit={(e) => void submit(e)}>
        <Field label={t('qrPayload')} error={fields.input}>
          {(id, d) => (
            <textarea id={id} aria-describedby={d} name="payload" rows={5} value={input} onInput={(e) => setInput(e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t('purpose')}>
          {(id) => <input id={id} name="purpose" value={purpose} onInput={(e) => setPurpose(e.currentTarget.value)} />}
        </Field>
        <button type="submit">{t('verify')}</button>
      </form>
      <ProblemBox error={error} />
      {result ? (
        <div class={`verdict ${result.valid ? 'ok' : 'bad'}`} role="status" data-testid="verdict" data-valid={String(result.valid)}>
          <strong>{result.valid ? t('valid') : t('invalid')}</strong>
          {result.reasons.length ? <p>{result.reasons.join(', ')}</p> : null}
          {result.warnings.length ? <p>{result.warnings.join(', ')}</p> : null}
          {cred ? (
            <dl>
              <dt>证照 / credential</dt>
              <dd>
                {(cred.type as { nameZh?: string; code?: string }).nameZh ?? (cred.type as { code?: string }).code} {cred.number}
              </dd>
              <dt>持证人 / holder</dt>
              <dd>{(cred.holder as { name?: string }).name}</dd>
              <dt>发证机关 / issuer</dt>
              <dd>
                {(cred.issuer as { name?: string }).name} ({cityName((cred.issuer as { city?: string }).city)})
              </dd>
              <dt>有效期 / valid</dt>
              <dd>
                {formatDate(cred.validFrom)} – {formatDate(cred.validTo)}
              </dd>
            </dl>
          ) : null}
          <p class="muted">
            {result.verificationId} · {formatTime(result.checkedAt)}
          </p>
        </div>
      ) : null}
    </section>
  );
};

/** 差评整改: the supervisor's remediation tasks, resolved with a written resolution. */
export const Remediations = () => {
  const [status, setStatus] = useState<'open' | 'closed' | ''>('open');
  const list = useLoad(() => ok(api.GET('/api/v1/remediations', { params: { query: status ? { status } : {} } } as never)), [status]);
  const [text, setText] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const items = ((list.data as { items?: Schemas['RemediationDto'][] } | undefined)?.items ?? []) as Schemas['RemediationDto'][];
  const resolve = (id: string) => {
    setError(undefined);
    ok(api.POST('/api/v1/remediations/{id}/resolve', { params: { path: { id } }, body: { resolution: text[id] ?? '' } })).then(
      list.reload,
      setError,
    );
  };
  return (
    <section aria-labelledby="rem-h">
      <h2 id="rem-h">{t('remediations')}</h2>
      <Field label={t('state')}>
        {(id) => (
          <select id={id} value={status} onChange={(e) => setStatus(e.currentTarget.value as 'open')}>
            <option value="open">open</option>
            <option value="closed">closed</option>
            <option value="">{t('all')}</option>
          </select>
        )}
      </Field>
      <ProblemBox error={error ?? list.error} />
      {list.loading ? <Loading /> : items.length === 0 ? <Empty /> : null}
      <ul class="cases">
        {items.map((r) => (
          <li key={r.id} class="case-card">
            <a href={`#/cases/${r.caseId}`}>
              {r.itemCode} · {t('rating')} {r.rating}
            </a>{' '}
            · {r.comment ?? ''} · {t('due')} {formatDate(r.dueDate)} {r.overdue ? <span class="mark overdue">{t('overdue')}</span> : null}
            {r.status === 'open' ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  resolve(r.id);
                }}
              >
                <Field label={t('reason')}>
                  {(id) => <input id={id} value={text[r.id] ?? ''} onInput={(e) => setText({ ...text, [r.id]: e.currentTarget.value })} />}
                </Field>
                <button type="submit">{t('resolve')}</button>
              </form>
            ) : (
              <p>{r.resolution}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
};
