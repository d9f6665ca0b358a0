import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiProblem, ok, type Schemas } from './api/client';
import { cityName, type Session } from './session';
import { formatDate, formatFen, formatTime } from './format';
import { getLang, t } from './i18n';
import { Bookings } from './booking';
import { Field, Loading, PagedList, ProblemBox, useLoad, usePaged } from './ui';

type Filing = Schemas['FilingViewDto'];
type Statement = Schemas['StatementViewDto'];
type StatementSummary = Schemas['StatementSummaryDto'];
type Item = Schemas['StatementItemDto'];
type Kind = Schemas['RegisterFilingDto']['kind'];
type Reason = Schemas['ContestItemDto']['reason'];

const pick = (m: Record<string, [string, string]>, k: string) => (m[k] ? m[k][getLang() === 'zh' ? 0 : 1] : k);
/** 医保发〔2022〕22号: three long-term kinds, three temporary ones. */
const KINDS: Record<Kind, [string, string]> = {
  'resettled-retiree': ['异地安置退休人员', 'retiree resettled'],
  'long-term-resident': ['异地长期居住人员', 'long-term resident'],
  'resident-worker': ['常驻异地工作人员', 'working there'],
  referral: ['转诊转院人员（临时）', 'referral (temporary)'],
  emergency: ['急诊抢救人员（临时）', 'emergency (temporary)'],
  'other-temporary': ['其他临时外出就医人员（临时）', 'other temporary'],
};
const TEMPORARY: Kind[] = ['referral', 'emergency', 'other-temporary'];
const REASONS: Record<Reason, [string, string]> = {
  NOT_INSURED: ['非本地参保人员', 'not insured here'],
  NOT_REGISTERED: ['未办理备案', 'no 备案'],
  DUPLICATE_CLAIM: ['重复申报', 'claimed twice'],
  OUT_OF_CATALOGUE: ['超出目录范围', 'out of the catalogue'],
  AMOUNT_MISMATCH: ['金额与记录不符', 'amount does not match'],
  OTHER: ['其他', 'other'],
};
const STATES: Record<string, [string, string]> = {
  issued: ['已出具', 'issued'],
  contested: ['有异议', 'contested'],
  answered: ['异议已答复', 'answered'],
  confirmed: ['已确认', 'confirmed'],
  upheld: ['维持', 'upheld'],
  withdrawn: ['撤回', 'withdrawn'],
};
const kindName = (k: string) => pick(KINDS, k);
const stateName = (s: string) => pick(STATES, s);
const reasonName = (r: string) => pick(REASONS, r);

const FilingCard = ({ f, onCancel }: { f: Filing; onCancel?: (f: Filing) => void }) => (
  <li class="case-card" data-filing={f.id} data-cancelled={String(!!f.cancelledOn)}>
    <strong>{kindName(f.kind)}</strong> · {cityName(f.insuredCity)} → {cityName(f.treatingCity)}
    <div>
      <span class="state">{f.cancelledOn ? `${t('cancelled')} ${formatDate(f.cancelledOn)}` : t('active')}</span> ·{' '}
      {formatDate(f.validFrom)} – {f.validTo ? formatDate(f.validTo) : t('validUntilCancelled')}
      {f.late ? <span class="mark near">{t('lateFiling')}</span> : null}
    </div>
    <div class="muted">
      {f.person.name} <code>{f.person.idNumber}</code> · {formatTime(f.recordedAt)}
    </div>
    {onCancel && !f.cancelledOn ? (
      <button type="button" onClick={() => onCancel(f)}>
        {t('cancelFiling')}
      </button>
    ) : null}
  </li>
);

/** 备案: a resident's own (register, cancel), or every 备案 of this node for clerks (filters: status, origin). */
const Filings = ({ session }: { session: Session }) => {
  const resident = session.role === 'resident';
  const [filters, setFilters] = useState({ status: '', origin: '' });
  const p = usePaged<Filing>(
    (cursor) =>
      ok(
        api.GET('/api/v1/medical/filings', {
          params: {
            query: {
              limit: 20,
              ...(filters.status ? { status: filters.status as 'active' | 'cancelled' } : {}),
              ...(filters.origin ? { origin: filters.origin as 'own' | 'replica' } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [filters],
  );
  const others = ['440100', '440600'].filter((c) => c !== session.self);
  const [form, setForm] = useState<{ kind: Kind; treatingCity: string; validFrom: string; validTo: string }>({
    kind: 'long-term-resident',
    treatingCity: others[0] ?? '',
    validFrom: '',
    validTo: '',
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const register = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setFields({});
    try {
      await ok(
        api.POST('/api/v1/medical/filings', {
          body: {
            kind: form.kind,
            treatingCity: form.treatingCity,
            ...(form.validFrom ? { validFrom: form.validFrom } : {}),
            ...(form.validTo && TEMPORARY.includes(form.kind) ? { validTo: form.validTo } : {}),
          },
        }),
      );
      p.reload();
    } catch (err) {
      setError(err);
      if (err instanceof ApiProblem) setFields(err.fieldErrors());
    }
  };
  const cancel = (f: Filing) => {
    setError(undefined);
    ok(api.POST('/api/v1/medical/filings/{id}/cancel', { params: { path: { id: f.id } }, body: {} })).then(p.reload, setError);
  };
  return (
    <section aria-labelledby="filings-h">
      <h3 id="filings-h">{t('filings')}</h3>
      {resident ? null : (
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label={t('state')}>
            {(id) => (
              <select
                id={id}
                name="status"
                value={filters.status}
                onChange={(e) => setFilters({ ...filters, status: e.currentTarget.value })}
              >
                <option value="">{t('all')}</option>
                <option value="active">{t('active')}</option>
                <option value="cancelled">{t('cancelled')}</option>
              </select>
            )}
          </Field>
          <Field label={t('origin')}>
            {(id) => (
              <select
                id={id}
                name="origin"
                value={filters.origin}
                onChange={(e) => setFilters({ ...filters, origin: e.currentTarget.value })}
              >
                <option value="">{t('all')}</option>
                <option value="own">{t('originOwn')}</option>
                <option value="replica">{t('originReplica')}</option>
              </select>
            )}
          </Field>
          <button type="button" onClick={p.reload}>
            {t('refresh')}
          </button>
        </form>
      )}
      {!resident ? <ProblemBox error={error} /> : null}
      <PagedList p={p} label={t('filings')}>
        {(f) => <FilingCard key={f.id} f={f} {...(resident ? { onCancel: cancel } : {})} />}
      </PagedList>
      {resident ? (
        <form class="step" data-action="register-filing" onSubmit={(e) => void register(e)} aria-labelledby="filing-new-h">
          <h4 id="filing-new-h">{t('registerFiling')}</h4>
          <Field label={t('filingKind')} error={fields.kind}>
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                name="kind"
                value={form.kind}
                onChange={(e) => setForm({ ...form, kind: e.currentTarget.value as Kind })}
              >
                {(Object.keys(KINDS) as Kind[]).map((k) => (
                  <option key={k} value={k}>
                    {kindName(k)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('treatingCity')} error={fields.treatingCity}>
            {(id, d) => (
              <select
                id={id}
                aria-describedby={d}
                name="treatingCity"
                value={form.treatingCity}
                onChange={(e) => setForm({ ...form, treatingCity: e.currentTarget.value })}
              >
                {others.map((c) => (
                  <option key={c} value={c}>
                    {cityName(c)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('validFrom')} error={fields.validFrom}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="date"
                name="validFrom"
                value={form.validFrom}
                onInput={(e) => setForm({ ...form, validFrom: e.currentTarget.value })}
              />
            )}
          </Field>
          {TEMPORARY.includes(form.kind) ? (
            <Field label={t('validTo')} error={fields.validTo}>
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  type="date"
                  name="validTo"
                  value={form.validTo}
                  onInput={(e) => setForm({ ...form, validTo: e.currentTarget.value })}
                />
              )}
            </Field>
          ) : null}
          <ProblemBox error={error} />
          <button type="submit">{t('registerFiling')}</button>
        </form>
      ) : null}
    </section>
  );
};

/** Monthly clearing statements held here (this city's part of each): filter by state and period, "load more". */
const Statements = () => {
  const [filters, setFilters] = useState({ state: '', period: '' });
  const p = usePaged<StatementSummary>(
    (cursor) =>
      ok(
        api.GET('/api/v1/medical/clearing/statements', {
          params: {
            query: {
              limit: 20,
              ...(filters.state ? { state: filters.state as 'issued' } : {}),
              ...(/^\d{4}-\d{2}$/.test(filters.period) ? { period: filters.period } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [filters],
  );
  return (
    <section aria-labelledby="statements-h">
      <h3 id="statements-h">{t('statements')}</h3>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('state')}>
          {(id) => (
            <select id={id} name="state" value={filters.state} onChange={(e) => setFilters({ ...filters, state: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              {['issued', 'contested', 'answered', 'confirmed'].map((s) => (
                <option key={s} value={s}>
                  {stateName(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('period')}>
          {(id) => (
            <input
              id={id}
              type="month"
              name="period"
              value={filters.period}
              onChange={(e) => setFilters({ ...filters, period: e.currentTarget.value })}
            />
          )}
        </Field>
        <button type="button" onClick={p.reload}>
          {t('refresh')}
        </button>
      </form>
      <PagedList p={p} label={t('statements')}>
        {(s) => (
          <li key={s.id} class="case-card" data-statement={s.id} data-state={s.state}>
            <a href={`#/medical/statements/${s.id}`}>
              <strong>
                {t('statement')} {s.period}
              </strong>
            </a>{' '}
            · {cityName(s.treatingCity)} → {cityName(s.insuredCity)} · {s.role === 'treating' ? t('roleTreating') : t('roleInsured')}
            <div>
              <span class="state">{stateName(s.state)}</span> · {s.itemCount} · {t('net')} {formatFen(s.totals.netFen)}
              {s.openContests ? <span class="mark near">{`${t('contested')} ${s.openContests}`}</span> : null}
              {!s.proofOk ? <span class="mark overdue">{t('proofBad')}</span> : null}
            </div>
          </li>
        )}
      </PagedList>
    </section>
  );
};

/** One item's step: the insured city contests (reason code, note), the treating city answers (upheld / withdrawn). */
const ItemStep = ({ item, s, onDone }: { item: Item; s: Statement; onDone: (err?: unknown) => void }) => {
  const contest = s.role === 'insured';
  const [v, setV] = useState<{ reason: Reason; outcome: 'upheld' | 'withdrawn'; note: string }>({
    reason: 'AMOUNT_MISMATCH',
    outcome: 'upheld',
    note: '',
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const action = contest ? 'contest' : 'answer';
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setFields({});
    const params = { path: { id: s.id }, header: { 'If-Match': `"${s.version}"` } };
    const base = { settlementId: item.settlementId, kind: item.kind as 'claim' | 'reversal', note: v.note };
    try {
      await ok(
        contest
          ? api.POST('/api/v1/medical/clearing/statements/{id}/contest', { params, body: { ...base, reason: v.reason } })
          : api.POST('/api/v1/medical/clearing/statements/{id}/answer', { params, body: { ...base, outcome: v.outcome } }),
      );
      onDone();
    } catch (err) {
      if (err instanceof ApiProblem && err.problem.status === 412) return onDone(err);
      setError(err);
      if (err instanceof ApiProblem) setFields(err.fieldErrors());
    }
  };
  const hid = `${action}-${item.settlementId}`;
  return (
    <form class="step" data-action={action} data-item={item.settlementId} onSubmit={(e) => void submit(e)} aria-labelledby={hid}>
      <h4 id={hid}>{contest ? t('contest') : t('answer')}</h4>
      {contest ? (
        <Field label={t('reasonCode')} error={fields.reason}>
          {(fid, d) => (
            <select
              id={fid}
              aria-describedby={d}
              name="reason"
              value={v.reason}
              onChange={(e) => setV({ ...v, reason: e.currentTarget.value as Reason })}
            >
              {(Object.keys(REASONS) as Reason[]).map((r) => (
                <option key={r} value={r}>
                  {reasonName(r)} {r}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : (
        <Field label={t('outcome')} error={fields.outcome}>
          {(fid, d) => (
            <select
              id={fid}
              aria-describedby={d}
              name="outcome"
              value={v.outcome}
              onChange={(e) => setV({ ...v, outcome: e.currentTarget.value as 'upheld' | 'withdrawn' })}
            >
              <option value="upheld">{stateName('upheld')} upheld</option>
              <option value="withdrawn">{stateName('withdrawn')} withdrawn</option>
            </select>
          )}
        </Field>
      )}
      <Field label={t('reason')} error={fields.note}>
        {(fid, d) => (
          <input
            id={fid}
            aria-describedby={d}
            name="note"
            maxLength={500}
            value={v.note}
            onInput={(e) => setV({ ...v, note: e.currentTarget.value })}
          />
        )}
      </Field>
      <ProblemBox error={error} />
      <button type="submit">{contest ? t('contest') : t('answer')}</button>
    </form>
  );
};

/** A clearing statement: totals, the proof from this city's own records, items; contest / answer / confirm with If-Match. */
export const StatementDetail = ({ id, session }: { id: string; session: Session }) => {
  const r = useLoad(() => ok(api.GET('/api/v1/medical/clearing/statements/{id}', { params: { path: { id } } })), [id]);
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<unknown>();
  const s = r.data;
  if (r.error) return <ProblemBox error={r.error} />;
  if (!s) return <Loading />;
  const staff = session.role === 'clerk' || session.role === 'admin';
  const open = s.state !== 'confirmed' && staff;
  const done = (err?: unknown) => {
    setConflict(!!err);
    setError(undefined);
    r.reload();
  };
  const confirm = () => {
    setError(undefined);
    ok(
      api.POST('/api/v1/medical/clearing/statements/{id}/confirm', {
        params: { path: { id: s.id }, header: { 'If-Match': `"${s.version}"` } },
      }),
    ).then(
      () => done(),
      (err: unknown) => (err instanceof ApiProblem && err.problem.status === 412 ? done(err) : setError(err)),
    );
  };
  const tot = s.totals;
  return (
    <article aria-labelledby="statement-h" data-statement={s.id} data-state={s.state} data-version={s.version}>
      <p>
        <a href="#/medical/statements">← {t('statements')}</a>
      </p>
      <h2 id="statement-h">
        {t('statement')} {s.period}
      </h2>
      <p class="summary">
        <span class="state" data-testid="state">
          {stateName(s.state)}
        </span>{' '}
        · {t('version')} {s.version} · {cityName(s.treatingCity)} → {cityName(s.insuredCity)} ·{' '}
        {s.role === 'treating' ? t('roleTreating') : t('roleInsured')}
        {s.confirmedAt ? ` · ${formatTime(s.confirmedAt)}` : ''}
      </p>
      {conflict ? (
        <div class="problem conflict" role="alert" data-testid="conflict">
          {t('conflict')}
        </div>
      ) : null}
      <ProblemBox error={error} />
      <div class="grid">
        <section aria-labelledby="st-totals-h">
          <h3 id="st-totals-h">{t('totals')}</h3>
          <dl>
            <dt>{t('items')}</dt>
            <dd>{tot.items}</dd>
            <dt>
              {t('fund')} / {t('payable')}
            </dt>
            <dd>
              {formatFen(tot.claimedFundFen)} / {formatFen(tot.payableFundFen)}
            </dd>
            <dt>
              {t('acctPot')} / {t('payable')}
            </dt>
            <dd>
              {formatFen(tot.claimedAccountFen)} / {formatFen(tot.payableAccountFen)}
            </dd>
            <dt>{t('total')}</dt>
            <dd>{formatFen(tot.claimedTotalFen)}</dd>
            <dt>{t('advance')}</dt>
            <dd>{formatFen(tot.advanceFen)}</dd>
            <dt>{t('net')}</dt>
            <dd data-testid="net">{formatFen(tot.netFen)}</dd>
          </dl>
        </section>
        <section aria-labelledby="st-proof-h">
          <h3 id="st-proof-h">{t('proof')}</h3>
          <p data-testid="proof" data-ok={String(s.proof.ok)}>
            {s.proof.ok ? t('proofOk') : t('proofBad')}
          </p>
          {s.proof.problems.length ? (
            <ul>
              {s.proof.problems.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          ) : null}
        </section>
      </div>
      <section aria-labelledby="st-items-h">
        <h3 id="st-items-h">{t('items')}</h3>
        <ul class="cases">
          {s.items.map((i) => (
            <li key={`${i.settlementId}-${i.kind}`} class="case-card" data-item={i.settlementId} data-contested={String(!!i.contest)}>
              <code>{i.settlementId}</code> · {i.kind === 'reversal' ? '冲销 reversal' : '结算 claim'}
              <dl>
                <dt>{t('fund')}</dt>
                <dd>{formatFen(i.fundFen)}</dd>
                <dt>{t('acctPot')}</dt>
                <dd>{formatFen(i.accountFen)}</dd>
                <dt>{t('total')}</dt>
                <dd>{formatFen(i.totalFen)}</dd>
                {i.contest ? (
                  <Fragment>
                    <dt>{t('contested')}</dt>
                    <dd data-testid="contest">
                      {reasonName(i.contest.reason)} <code>{i.contest.reason}</code> {i.contest.note}
                    </dd>
                    {i.contest.answer ? (
                      <Fragment>
                        <dt>{t('answered')}</dt>
                        <dd data-testid="answer">
                          {stateName(i.contest.answer.outcome)} {i.contest.answer.note}
                        </dd>
                      </Fragment>
                    ) : null}
                  </Fragment>
                ) : null}
              </dl>
              {open && s.role === 'insured' && !i.contest ? <ItemStep key={`c-${s.version}`} item={i} s={s} onDone={done} /> : null}
              {open && s.role === 'treating' && i.contest && !i.contest.answer ? (
                <ItemStep key={`a-${s.version}`} item={i} s={s} onDone={done} />
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      {open && s.role === 'insured' ? (
        <p>
          <button type="button" data-action="confirm" onClick={confirm}>
            {t('confirmStatement')}
          </button>
        </p>
      ) : null}
    </article>
  );
};

/** 异地就医 screens: a resident's 备案; clerks' 备案 and monthly clearing statements (one sub-route each). */
export const Medical = ({ hash, session }: { hash: string; session: Session }) => {
  const statement = /^\/medical\/statements\/([0-9a-f-]{36})$/.exec(hash)?.[1];
  if (session.role === 'resident')
    return (
      <section aria-labelledby="medical-h">
        <h2 id="medical-h">{t('medical')}</h2>
        <Filings session={session} />
        <Bookings session={session} />
      </section>
    );
  if (statement) return <StatementDetail key={statement} id={statement} session={session} />;
  return (
    <section aria-labelledby="medical-h">
      <h2 id="medical-h">{t('medicalWork')}</h2>
      <nav class="subnav" aria-label={t('medicalWork')}>
        <a href="#/medical" aria-current={hash === '/medical' ? 'page' : undefined}>
          {t('filings')}
        </a>
        <a href="#/medical/statements" aria-current={hash === '/medical/statements' ? 'page' : undefined}>
          {t('statements')}
        </a>
      </nav>
      {hash === '/medical/statements' ? <Statements /> : <Filings session={session} />}
    </section>
  );
};
