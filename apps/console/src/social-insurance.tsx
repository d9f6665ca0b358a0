import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiProblem, ok, type Schemas } from './api/client';
import { cityName, type Session } from './session';
import { formatDate, formatFen, formatTime } from './format';
import { getLang, t } from './i18n';
import { Empty, Field, Loading, type Page, PagedList, ProblemBox, useLoad, usePaged } from './ui';

/*
 * 社保 screens. The social-insurance endpoints document no response schema in the OpenAPI (their views are service types),
 * so the shapes the console reads are declared here, as the API's docs (docs/social-insurance.md) describe them.
 */
type Masked = { idNumber: string; name: string | null };
interface RecordView {
  id: string;
  person: Masked;
  complete: boolean;
  cities: { city: string; status: 'own' | 'answered' | 'pending'; months: number }[];
  periods: { city: string; scheme: string; employerUscc: string; from: string; to: string; months: number; baseFen: number }[];
  monthsByScheme: Record<string, number>;
  duplicates: { month: string; cities: string[]; keptCity: string }[];
  createdAt: string;
}
interface TransferSummary {
  id: string;
  fromCity: string;
  toCity: string;
  state: string;
  next: { step: string; city: string; dueOn: string | null } | null;
  createdAt: string;
}
interface TransferView {
  id: string;
  fromCity: string;
  toCity: string;
  person: Masked;
  certificateNo: string;
  temporaryAccount: boolean;
  state: string;
  version: number;
  timeline: { seq: number; step: string; city: string; at: string; on: string; note?: string }[];
  deadlines: { step: string; city: string; dueOn: string; doneOn: string | null; late: boolean }[];
  nextStep: { step: string; city: string } | null;
  amounts: Record<string, unknown> | null;
  refund: { months: string[]; refundFen: number } | null;
  funds: { reference: string; direction: string; fromCity: string; toCity: string; amountFen: number }[];
  receivedFen: number | null;
}
interface RetireeSummary {
  id: string;
  person: Masked;
  residenceCity: string;
  monthlyPensionFen: number;
  lastConfirmedOn: string;
  confirmedThrough: string;
  status: 'active' | 'suspended' | 'stopped';
  createdAt: string;
}
interface InvestigationView {
  id: string;
  side: 'paying' | 'registry';
  otherCity: string;
  source: string;
  eventDate: string;
  state: 'open' | 'closed';
  version: number;
  closed?: { outcome: string; reason: string; city: string; on: string } | null;
  outcome?: string | null;
  person: Masked | null;
  createdAt?: string;
}

const pick = (m: Record<string, [string, string]>, k: string) => (m[k] ? m[k][getLang() === 'zh' ? 0 : 1] : k);
const SCHEMES: Record<string, [string, string]> = {
  'employee-pension': ['城镇职工养老保险', 'employee pension'],
  'employee-medical': ['职工医疗保险', 'employee medical'],
  unemployment: ['失业保险', 'unemployment'],
  'work-injury': ['工伤保险', 'work injury'],
  maternity: ['生育保险', 'maternity'],
  'resident-pension': ['城乡居民养老保险', 'resident pension'],
};
const STEPS: Record<string, [string, string]> = {
  applied: ['新参保地受理申请', 'application'],
  'contact-letter-sent': ['发出联系函', 'contact letter'],
  'funds-transferred': ['转出信息与基金', 'record and funds'],
  continued: ['接续', 'continued'],
};
const STATUS: Record<string, [string, string]> = {
  own: ['本市', 'this city'],
  answered: ['已答复', 'answered'],
  pending: ['待答复', 'pending'],
  active: ['正常发放', 'paid'],
  suspended: ['暂停发放', 'suspended'],
  stopped: ['已停发', 'stopped'],
  open: ['调查中', 'open'],
  closed: ['已办结', 'closed'],
  confirmed: ['属实', 'confirmed'],
  unfounded: ['不属实', 'unfounded'],
  'death-records': ['死亡登记', 'death record'],
  'prison-records': ['服刑记录', 'prison record'],
};
export const schemeName = (s: string): string => pick(SCHEMES, s);
const stepName = (s: string): string => pick(STEPS, s);
const statusName = (s: string): string => pick(STATUS, s);
/** The endpoint of each transfer step (docs/social-insurance.md, 跨省转移接续). */
const STEP_PATH: Record<string, 'contact-letter' | 'funds' | 'continue'> = {
  'contact-letter-sent': 'contact-letter',
  'funds-transferred': 'funds',
  continued: 'continue',
};

const isConflict = (e: unknown) => e instanceof ApiProblem && (e.problem.status === 412 || e.problem.code === 'PRECONDITION_FAILED');
const Conflict = () => (
  <div class="problem conflict" role="alert" data-testid="conflict">
    {t('conflict')}
  </div>
);

/** 我的社保: the resident's combined record, asked from every city with her consent, polled until each city answered. */
export const SiRecord = () => {
  const [consent, setConsent] = useState(false);
  const [scope, setScope] = useState('');
  const [view, setView] = useState<RecordView>();
  const [error, setError] = useState<unknown>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const ask = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setFields({});
    setBusy(true);
    try {
      const body: Schemas['RecordRequestDto'] = { consent, ...(scope ? { scope } : {}) };
      setView(await ok<RecordView>(api.POST('/api/v1/social-insurance/record-requests', { body })));
    } catch (err) {
      setError(err);
      if (err instanceof ApiProblem) setFields(err.fieldErrors());
    } finally {
      setBusy(false);
    }
  };
  const refresh = async (id: string) => {
    try {
      setView(await ok<RecordView>(api.GET('/api/v1/social-insurance/record-requests/{id}', { params: { path: { id } } })));
    } catch (err) {
      setError(err);
    }
  };
  // Poll (every 1.5 s, at most 40 times) until every city answered: the answers arrive as events.
  useEffect(() => {
    if (!view || view.complete) return;
    let n = 0;
    const timer = setInterval(() => {
      if (++n > 40) clearInterval(timer);
      else void refresh(view.id);
    }, 1500);
    return () => clearInterval(timer);
  }, [view?.id, view?.complete]);
  return (
    <section aria-labelledby="si-record-h">
      <h2 id="si-record-h">{t('siRecord')}</h2>
      <form class="step" onSubmit={(e) => void ask(e)} data-action="record-request">
        <h3>{t('siCombined')}</h3>
        <div class={`field${fields.consent ? ' has-error' : ''}`}>
          <label class="check">
            <input
              type="checkbox"
              name="consent"
              checked={consent}
              aria-describedby={fields.consent ? 'consent-err' : undefined}
              onChange={(e) => setConsent(e.currentTarget.checked)}
            />{' '}
            {t('siConsent')}
          </label>
          {fields.consent ? (
            <span class="field-error" id="consent-err" role="alert">
              {fields.consent}
            </span>
          ) : null}
        </div>
        <Field label={t('siScope')} error={fields.scope}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              name="scope"
              maxLength={200}
              value={scope}
              onInput={(e) => setScope(e.currentTarget.value)}
            />
          )}
        </Field>
        <ProblemBox error={error} />
        <button type="submit" disabled={busy}>
          {t('siAsk')}
        </button>
      </form>
      {view ? (
        <div data-testid="si-record" data-complete={String(view.complete)}>
          <p class="summary">
            {t('person')}: {view.person.name ?? ''} <code>{view.person.idNumber}</code> ·{' '}
            {view.complete ? (
              <strong>{t('siComplete')}</strong>
            ) : (
              <span role="status" aria-live="polite">
                {t('siPending')}
              </span>
            )}{' '}
            <button type="button" class="link" onClick={() => void refresh(view.id)}>
              {t('refresh')}
            </button>
          </p>
          <div class="grid">
            <section aria-labelledby="si-cities-h">
              <h3 id="si-cities-h">{t('siCities')}</h3>
              <ul>
                {view.cities.map((c) => (
                  <li key={c.city} data-city={c.city} data-status={c.status}>
                    {cityName(c.city)} · {statusName(c.status)} · {c.months} {t('months')}
                  </li>
                ))}
              </ul>
            </section>
            <section aria-labelledby="si-schemes-h">
              <h3 id="si-schemes-h">{t('siMonthsByScheme')}</h3>
              <dl>
                {Object.entries(view.monthsByScheme).map(([s, n]) => (
                  <Fragment key={s}>
                    <dt>{schemeName(s)}</dt>
                    <dd data-scheme={s}>
                      {n} {t('months')}
                    </dd>
                  </Fragment>
                ))}
              </dl>
            </section>
          </div>
          <section aria-labelledby="si-periods-h">
            <h3 id="si-periods-h">{t('siPeriods')}</h3>
            {view.periods.length === 0 ? <Empty /> : null}
            <ul class="cases">
              {view.periods.map((p) => (
                <li key={`${p.city}-${p.scheme}-${p.from}`} class="case-card" data-period={`${p.city}:${p.scheme}:${p.from}`}>
                  <strong>{cityName(p.city)}</strong> · {schemeName(p.scheme)} · {p.from} – {p.to} ({p.months} {t('months')})
                  <div class="muted">
                    {p.employerUscc} · 缴费基数 / base {formatFen(p.baseFen)}
                  </div>
                </li>
              ))}
            </ul>
          </section>
          {view.duplicates.length ? (
            <section aria-labelledby="si-dup-h">
              <h3 id="si-dup-h">{t('siDuplicates')}</h3>
              <ul data-testid="si-duplicates">
                {view.duplicates.map((d) => (
                  <li key={d.month}>
                    {d.month}: {d.cities.map(cityName).join('、')} → {cityName(d.keptCity)}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </div>
      ) : null}
    </section>
  );
};

const SubNav = ({ hash }: { hash: string }) => (
  <nav class="subnav" aria-label={t('siWork')}>
    {(
      [
        ['/si', t('transfers')],
        ['/si/retirees', t('retirees')],
        ['/si/investigations', t('investigations')],
      ] as const
    ).map(([href, label]) => (
      <a key={href} href={`#${href}`} aria-current={hash === href ? 'page' : undefined}>
        {label}
      </a>
    ))}
  </nav>
);

/** 转移接续 in progress: the queue of transfers this city takes part in, with the next step and its due date. */
const Transfers = ({ session }: { session: Session }) => {
  const p = usePaged<TransferSummary>(
    (cursor) =>
      ok<Page<TransferSummary>>(
        api.GET('/api/v1/social-insurance/transfers', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } }),
      ),
    [],
  );
  return (
    <section aria-labelledby="si-transfers-h">
      <h3 id="si-transfers-h">{t('transfers')}</h3>
      <button type="button" class="secondary" onClick={p.reload}>
        {t('refresh')}
      </button>
      <PagedList p={p} label={t('transfers')}>
        {(x) => (
          <li key={x.id} class="case-card" data-transfer={x.id} data-state={x.state}>
            {session.role === 'clerk' ? (
              <a href={`#/si/transfers/${x.id}`}>
                <strong>{t('transfer')}</strong>
              </a>
            ) : (
              <strong>{t('transfer')}</strong>
            )}{' '}
            · {cityName(x.fromCity)} → {cityName(x.toCity)}
            <div>
              <span class="state">{stepName(x.state)}</span>
              {x.next
                ? ` · ${t('nextStep')}: ${stepName(x.next.step)} (${cityName(x.next.city)}) · ${t('deadline')} ${formatDate(x.next.dueOn)}`
                : ''}
            </div>
            <div class="muted">{formatTime(x.createdAt)}</div>
          </li>
        )}
      </PagedList>
    </section>
  );
};

/** One transfer: timeline, deadlines, amounts; the next step as a form when it is this city's, sent with If-Match. */
export const TransferDetail = ({ id, session }: { id: string; session: Session }) => {
  const r = useLoad(() => ok<TransferView>(api.GET('/api/v1/social-insurance/transfers/{id}', { params: { path: { id } } })), [id]);
  const [override, setOverride] = useState<TransferView>();
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [conflict, setConflict] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const v = override && r.data && override.version >= r.data.version ? override : r.data;
  if (r.error) return <ProblemBox error={r.error} />;
  if (!v) return <Loading />;
  const mine = v.nextStep && v.nextStep.city === session.self && session.role === 'clerk' ? v.nextStep.step : undefined;
  const send = async (e: Event) => {
    e.preventDefault();
    if (!mine) return;
    setError(undefined);
    setFields({});
    try {
      const path = STEP_PATH[mine] ?? 'continue';
      const next = await ok<TransferView>(
        api.POST(`/api/v1/social-insurance/transfers/{id}/${path}` as '/api/v1/social-insurance/transfers/{id}/funds', {
          params: { path: { id }, header: { 'If-Match': `"${v.version}"` } },
          body: note ? { note } : {},
        }),
      );
      setConflict(false);
      setNote('');
      setOverride(next);
    } catch (err) {
      if (isConflict(err)) {
        setConflict(true);
        setOverride(undefined);
        r.reload();
        return;
      }
      setError(err);
      if (err instanceof ApiProblem) setFields(err.fieldErrors());
    }
  };
  const amounts = v.amounts as Record<string, number> | null;
  return (
    <article aria-labelledby="transfer-h" data-transfer={v.id} data-state={v.state} data-version={v.version}>
      <p>
        <a href="#/si">← {t('transfers')}</a>
      </p>
      <h2 id="transfer-h">{t('transfer')}</h2>
      <p class="summary">
        <span class="state">{stepName(v.state)}</span> · {t('version')} {v.version} · {cityName(v.fromCity)} → {cityName(v.toCity)} ·{' '}
        {t('person')}: {v.person.name ?? ''} <code>{v.person.idNumber}</code> · 参保缴费凭证 <code>{v.certificateNo}</code>
        {v.temporaryAccount ? ' · 临时账户 / temporary account' : ''}
      </p>
      {conflict ? <Conflict /> : null}
      <div class="grid">
        <section aria-labelledby="transfer-dl-h">
          <h3 id="transfer-dl-h">{t('deadlines')}</h3>
          <ul>
            {v.deadlines.map((d) => (
              <li key={d.step} data-step={d.step}>
                {stepName(d.step)} ({cityName(d.city)}) · {t('deadline')} {formatDate(d.dueOn)}
                {d.doneOn ? ` · ${t('doneOn')} ${formatDate(d.doneOn)}` : ''}{' '}
                {d.late ? <span class="mark overdue">{t('late')}</span> : null}
              </li>
            ))}
          </ul>
        </section>
        {amounts ? (
          <section aria-labelledby="transfer-amounts-h">
            <h3 id="transfer-amounts-h">{t('amounts')}</h3>
            <dl>
              {Object.entries(amounts)
                .filter(([, x]) => typeof x === 'number')
                .map(([k, x]) => (
                  <Fragment key={k}>
                    <dt>{k}</dt>
                    <dd>{/Fen$/.test(k) ? formatFen(x) : x}</dd>
                  </Fragment>
                ))}
            </dl>
            {v.refund ? (
              <p>
                退还重复月份 / refunded: {v.refund.months.join(', ')} · {formatFen(v.refund.refundFen)}
              </p>
            ) : null}
          </section>
        ) : null}
      </div>
      {v.funds.length ? (
        <section aria-labelledby="transfer-funds-h">
          <h3 id="transfer-funds-h">{t('funds')}</h3>
          <ul>
            {v.funds.map((f) => (
              <li key={`${f.reference}-${f.direction}`}>
                <code>{f.reference}</code> {f.direction} · {cityName(f.fromCity)} → {cityName(f.toCity)} · {formatFen(f.amountFen)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="transfer-tl-h">
        <h3 id="transfer-tl-h">{t('timeline')}</h3>
        <ol class="timeline">
          {v.timeline.map((e) => (
            <li key={e.seq} data-step={e.step}>
              <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{stepName(e.step)}</strong> · {cityName(e.city)}
              {e.note ? ` · ${e.note}` : ''}
            </li>
          ))}
        </ol>
      </section>
      {mine ? (
        <form class="step" data-action={mine} onSubmit={(e) => void send(e)} aria-labelledby="transfer-step-h">
          <h4 id="transfer-step-h">
            {t('sendStep')}: {stepName(mine)}
          </h4>
          <Field label={t('note')} error={fields.note}>
            {(fid, d) => (
              <input
                id={fid}
                aria-describedby={d}
                name="note"
                maxLength={500}
                value={note}
                onInput={(e) => setNote(e.currentTarget.value)}
              />
            )}
          </Field>
          <ProblemBox error={error} />
          <button type="submit">{stepName(mine)}</button>
        </form>
      ) : v.nextStep ? (
        <p class="muted">{t('notYourStep')}</p>
      ) : null}
    </article>
  );
};

/** Retirees this city pays: lapsed confirmations (suspended) marked; a clerk records a confirmation for a retiree living here. */
const Retirees = ({ session }: { session: Session }) => {
  const [filters, setFilters] = useState({ residenceCity: '', stopped: '' });
  const p = usePaged<RetireeSummary>(
    (cursor) =>
      ok<Page<RetireeSummary>>(
        api.GET('/api/v1/social-insurance/retirees', {
          params: {
            query: {
              limit: 20,
              ...(filters.residenceCity ? { residenceCity: filters.residenceCity } : {}),
              ...(filters.stopped ? { stopped: filters.stopped === 'true' } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [filters],
  );
  const others = ['440100', '440600'].filter((c) => c !== session.self);
  const [form, setForm] = useState<{ idNumber: string; payingCity: string; method: Schemas['EligibilityConfirmationDto']['method'] }>({
    idNumber: '',
    payingCity: others[0] ?? '',
    method: 'in-person',
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<string>();
  const confirm = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setFields({});
    setSent(undefined);
    try {
      const r = await ok<{ confirmationId: string; confirmedOn: string }>(
        api.POST('/api/v1/social-insurance/eligibility-confirmations', { body: form }),
      );
      setSent(`${r.confirmationId} · ${formatDate(r.confirmedOn)}`);
    } catch (err) {
      setError(err);
      if (err instanceof ApiProblem) setFields(err.fieldErrors());
    }
  };
  return (
    <section aria-labelledby="si-retirees-h">
      <h3 id="si-retirees-h">{t('retirees')}</h3>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('residenceCity')}>
          {(id) => (
            <select
              id={id}
              name="residenceCity"
              value={filters.residenceCity}
              onChange={(e) => setFilters({ ...filters, residenceCity: e.currentTarget.value })}
            >
              <option value="">{t('all')}</option>
              {others.map((c) => (
                <option key={c} value={c}>
                  {cityName(c)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('stopped')}>
          {(id) => (
            <select
              id={id}
              name="stopped"
              value={filters.stopped}
              onChange={(e) => setFilters({ ...filters, stopped: e.currentTarget.value })}
            >
              <option value="">{t('all')}</option>
              <option value="false">{t('notStopped')}</option>
              <option value="true">{t('stopped')}</option>
            </select>
          )}
        </Field>
        <button type="button" onClick={p.reload}>
          {t('refresh')}
        </button>
      </form>
      <PagedList p={p} label={t('retirees')}>
        {(x) => (
          <li key={x.id} class="case-card" data-retiree={x.id} data-status={x.status}>
            <strong>{x.person.name ?? ''}</strong> <code>{x.person.idNumber}</code> · {t('residenceCity')} {cityName(x.residenceCity)}
            <div>
              <span class="state">{statusName(x.status)}</span>
              {x.status === 'suspended' ? <span class="mark overdue">{t('lapsed')}</span> : null} · {t('monthlyPension')}{' '}
              {formatFen(x.monthlyPensionFen)}
            </div>
            <div class="muted">
              {t('lastConfirmed')} {formatDate(x.lastConfirmedOn)} · {t('confirmedThrough')} {x.confirmedThrough}
            </div>
          </li>
        )}
      </PagedList>
      {session.role === 'clerk' ? (
        <form class="step" data-action="eligibility-confirmation" onSubmit={(e) => void confirm(e)} aria-labelledby="si-confirm-h">
          <h4 id="si-confirm-h">{t('confirmEligibility')}</h4>
          <Field label={t('idNumber')} error={fields.idNumber}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                name="idNumber"
                maxLength={18}
                value={form.idNumber}
                onInput={(e) => setForm({ ...form, idNumber: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field label={t('payingCity')} error={fields.payingCity}>
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                name="payingCity"
                value={form.payingCity}
                onChange={(e) => setForm({ ...form, payingCity: e.currentTarget.value })}
              >
                {others.map((c) => (
                  <option key={c} value={c}>
                    {cityName(c)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('confirmMethod')} error={fields.method}>
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                name="method"
                value={form.method}
                onChange={(e) => setForm({ ...form, method: e.currentTarget.value as typeof form.method })}
              >
                <option value="in-person">现场认证 in person</option>
                <option value="face-recognition">人脸识别 face recognition</option>
                <option value="data-comparison">数据比对 data comparison</option>
              </select>
            )}
          </Field>
          <ProblemBox error={error} />
          {sent ? (
            <p role="status" data-testid="confirmation-sent">
              {sent}
            </p>
          ) : null}
          <button type="submit">{t('submit')}</button>
        </form>
      ) : null}
    </section>
  );
};

/** Joint investigations of this city: filter by state and side, "load more"; a clerk opens one to close it. */
const Investigations = ({ session }: { session: Session }) => {
  const [filters, setFilters] = useState({ state: 'open', side: '' });
  const p = usePaged<InvestigationView>(
    (cursor) =>
      ok<Page<InvestigationView>>(
        api.GET('/api/v1/social-insurance/investigations', {
          params: {
            query: {
              limit: 20,
              ...(filters.state ? { state: filters.state as 'open' | 'closed' } : {}),
              ...(filters.side ? { side: filters.side as 'paying' | 'registry' } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [filters],
  );
  return (
    <section aria-labelledby="si-inv-h">
      <h3 id="si-inv-h">{t('investigations')}</h3>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('state')}>
          {(id) => (
            <select id={id} name="state" value={filters.state} onChange={(e) => setFilters({ ...filters, state: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              <option value="open">{statusName('open')}</option>
              <option value="closed">{statusName('closed')}</option>
            </select>
          )}
        </Field>
        <Field label={t('side')}>
          {(id) => (
            <select id={id} name="side" value={filters.side} onChange={(e) => setFilters({ ...filters, side: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              <option value="paying">{t('sidePaying')}</option>
              <option value="registry">{t('sideRegistry')}</option>
            </select>
          )}
        </Field>
        <button type="button" onClick={p.reload}>
          {t('refresh')}
        </button>
      </form>
      <PagedList p={p} label={t('investigations')}>
        {(x) => (
          <li key={x.id} class="case-card" data-investigation={x.id} data-state={x.state}>
            {session.role === 'clerk' ? (
              <a href={`#/si/investigations/${x.id}`}>
                <strong>{statusName(x.source)}</strong>
              </a>
            ) : (
              <strong>{statusName(x.source)}</strong>
            )}{' '}
            · {formatDate(x.eventDate)} · {x.side === 'paying' ? t('sidePaying') : t('sideRegistry')}
            <div>
              <span class="state">{statusName(x.state)}</span>
              {x.outcome ? ` · ${statusName(x.outcome)}` : ''} · {t('otherCity')} {cityName(x.otherCity)}
              {x.person ? ` · ${x.person.name ?? ''} ${x.person.idNumber}` : ''}
            </div>
          </li>
        )}
      </PagedList>
    </section>
  );
};

/** One joint investigation; a clerk closes it with an outcome and a reason (If-Match: the version read). */
export const InvestigationDetail = ({ id, session }: { id: string; session: Session }) => {
  const r = useLoad(
    () => ok<InvestigationView>(api.GET('/api/v1/social-insurance/investigations/{id}', { params: { path: { id } } })),
    [id],
  );
  const [override, setOverride] = useState<InvestigationView>();
  const [form, setForm] = useState<Schemas['CloseInvestigationDto']>({ outcome: 'confirmed', reason: '' });
  const [error, setError] = useState<unknown>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState(false);
  const v = override && r.data && override.version >= r.data.version ? override : r.data;
  if (r.error) return <ProblemBox error={r.error} />;
  if (!v) return <Loading />;
  const close = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setFields({});
    try {
      const next = await ok<InvestigationView>(
        api.POST('/api/v1/social-insurance/investigations/{id}/close', {
          params: { path: { id }, header: { 'If-Match': `"${v.version}"` } },
          body: form,
        }),
      );
      setConflict(false);
      setOverride(next);
    } catch (err) {
      if (isConflict(err)) {
        setConflict(true);
        setOverride(undefined);
        r.reload();
        return;
      }
      setError(err);
      if (err instanceof ApiProblem) setFields(err.fieldErrors());
    }
  };
  return (
    <article aria-labelledby="inv-h" data-investigation={v.id} data-state={v.state} data-version={v.version}>
      <p>
        <a href="#/si/investigations">← {t('investigations')}</a>
      </p>
      <h2 id="inv-h">
        {t('investigation')} · {statusName(v.source)}
      </h2>
      {conflict ? <Conflict /> : null}
      <dl>
        <dt>{t('state')}</dt>
        <dd class="state">{statusName(v.state)}</dd>
        <dt>{t('side')}</dt>
        <dd>{v.side === 'paying' ? t('sidePaying') : t('sideRegistry')}</dd>
        <dt>{t('otherCity')}</dt>
        <dd>{cityName(v.otherCity)}</dd>
        <dt>{t('eventDate')}</dt>
        <dd>{formatDate(v.eventDate)}</dd>
        <dt>{t('person')}</dt>
        <dd>{v.person ? `${v.person.name ?? ''} ${v.person.idNumber}` : t('none')}</dd>
        {v.closed ? (
          <>
            <dt>{t('closed')}</dt>
            <dd data-testid="closed">
              {statusName(v.closed.outcome)} · {v.closed.reason} · {cityName(v.closed.city)} · {formatDate(v.closed.on)}
            </dd>
          </>
        ) : null}
      </dl>
      {v.state === 'open' && session.role === 'clerk' ? (
        <form class="step" data-action="close" onSubmit={(e) => void close(e)} aria-labelledby="inv-close-h">
          <h4 id="inv-close-h">{t('closeInvestigation')}</h4>
          <Field label={t('outcome')} error={fields.outcome}>
            {(fid, d) => (
              <select
                id={fid}
                aria-describedby={d}
                name="outcome"
                value={form.outcome}
                onChange={(e) => setForm({ ...form, outcome: e.currentTarget.value as 'confirmed' | 'unfounded' })}
              >
                <option value="confirmed">{statusName('confirmed')} confirmed</option>
                <option value="unfounded">{statusName('unfounded')} unfounded</option>
              </select>
            )}
          </Field>
          <Field label={t('reason')} error={fields.reason}>
            {(fid, d) => (
              <input
                id={fid}
                aria-describedby={d}
                name="reason"
                maxLength={500}
                value={form.reason}
                onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })}
              />
            )}
          </Field>
          <ProblemBox error={error} />
          <button type="submit">{t('closeInvestigation')}</button>
        </form>
      ) : null}
    </article>
  );
};

/** 社保经办 (clerks, supervisors): transfers in progress, eligibility, joint investigations; one sub-route each. */
export const SiWork = ({ hash, session }: { hash: string; session: Session }) => {
  const transfer = /^\/si\/transfers\/([0-9a-f-]{36})$/.exec(hash)?.[1];
  const investigation = /^\/si\/investigations\/([0-9a-f-]{36})$/.exec(hash)?.[1];
  if (transfer) return <TransferDetail key={transfer} id={transfer} session={session} />;
  if (investigation) return <InvestigationDetail key={investigation} id={investigation} session={session} />;
  return (
    <section aria-labelledby="si-work-h">
      <h2 id="si-work-h">{t('siWork')}</h2>
      <SubNav hash={hash} />
      {hash === '/si/retirees' ? (
        <Retirees session={session} />
      ) : hash === '/si/investigations' ? (
        <Investigations session={session} />
      ) : (
        <Transfers session={session} />
      )}
    </section>
  );
};
