import { useState } from 'preact/hooks';
import { api, ApiProblem, ok, type Schemas } from './api/client';
import { cityName, type Session } from './session';
import { formatDate, formatTime } from './format';
import { actionName, getLang, stateName, t } from './i18n';
import { DeadlineMarks } from './queue';
import { Field, Loading, ProblemBox, sha256Hex, useLoad } from './ui';

type Detail = Schemas['CaseDetailDto'];
type Any = Record<string, any>;

const REASONS: Record<string, string[]> = {
  return: ['IDENTITY_NOT_VERIFIED', 'WRONG_ROUTE', 'DUPLICATE_APPLICATION', 'OTHER'] satisfies Schemas['ReturnDto']['reasonCode'][],
  reject: [
    'NOT_COMPETENT',
    'NOT_ELIGIBLE',
    'NO_PERMIT_REQUIRED',
    'MATERIALS_FALSE',
    'OTHER',
  ] satisfies Schemas['RejectDto']['reasonCode'][],
  'special-procedure': [
    'HEARING',
    'TENDER',
    'AUCTION',
    'INSPECTION',
    'TESTING',
    'QUARANTINE',
    'APPRAISAL',
    'EXPERT_REVIEW',
  ] satisfies Schemas['SpecialProcedureDto']['procedure'][],
  decide: ['REQUIREMENTS_NOT_MET', 'STATUTORY_PROHIBITION', 'PUBLIC_INTEREST', 'HEARING_FINDINGS', 'OTHER'] satisfies NonNullable<
    Schemas['DecideDto']['reasonCode']
  >[],
};
const CLERK_ACTIONS = [
  'forward',
  'return',
  'accept',
  'reject',
  'request-supplement',
  'review',
  'special-procedure',
  'resume',
  'decide',
  'deliver',
  'complete',
];

const fileMeta = async (name: string) => ({
  fileName: name,
  mediaType: name.endsWith('.jpg') ? 'image/jpeg' : 'application/pdf',
  sizeBytes: Math.max(1, name.length),
  sha256: await sha256Hex(name),
});

/** A step of the case as a form, sent with If-Match: the version this clerk saw. */
const StepForm = ({
  c,
  action,
  onDone,
  onConflict,
}: {
  c: Detail;
  action: string;
  onDone: (d: Detail) => void;
  onConflict: () => void;
}) => {
  const [v, setV] = useState<Any>({});
  const [error, setError] = useState<unknown>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const materials = useLoad(
    () =>
      action === 'request-supplement'
        ? ok(api.GET('/api/v1/catalogue/items/{code}/materials', { params: { path: { code: c.itemCode } } }))
        : Promise.resolve(undefined),
    [action, c.itemCode],
  );
  const set = (k: string) => (e: Event) => setV({ ...v, [k]: (e.currentTarget as HTMLInputElement).value });
  const body = (): Any => {
    const note = v.note ? { note: v.note } : {};
    switch (action) {
      case 'return':
      case 'reject':
        return { reasonCode: v.reasonCode ?? REASONS[action][0], ...(v.reason ? { reason: v.reason } : {}), ...note };
      case 'special-procedure':
        return { procedure: v.procedure ?? 'INSPECTION', expectedEnd: v.expectedEnd ?? '', ...note };
      case 'decide':
        return (v.outcome ?? 'approved') === 'approved'
          ? { outcome: 'approved', ...(v.certificateNo ? { certificateNo: v.certificateNo } : {}), ...note }
          : { outcome: 'denied', reasonCode: v.reasonCode ?? REASONS.decide[0], ...(v.reason ? { reason: v.reason } : {}), ...note };
      case 'deliver':
        return { method: v.method ?? 'window-pickup', ...(v.trackingNumber ? { trackingNumber: v.trackingNumber } : {}), ...note };
      case 'request-supplement': {
        const items = Object.entries((v.items ?? {}) as Record<string, string | undefined>)
          .filter(([, d]) => d !== undefined)
          .map(([materialId, description]) => ({ materialId, description: description || '请补充此项材料' }));
        if (v.free) items.push({ description: v.free } as never);
        return { items, ...note };
      }
      default:
        return note;
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setFields({});
    try {
      const d = await ok<Detail>(
        api.POST(`/api/v1/cases/{id}/${action}` as '/api/v1/cases/{id}/forward', {
          params: { path: { id: c.id }, header: { 'If-Match': `"${c.version}"` } },
          body: body() as never,
        }),
      );
      onDone(d);
    } catch (err) {
      if (err instanceof ApiProblem && (err.problem.status === 412 || err.problem.code === 'PRECONDITION_FAILED')) return onConflict();
      setError(err);
      if (err instanceof ApiProblem) setFields(err.fieldErrors());
    } finally {
      setBusy(false);
    }
  };
  const id = `step-${action}`;
  return (
    <form class="step" aria-labelledby={id} onSubmit={(e) => void submit(e)} data-action={action}>
      <h4 id={id}>{actionName(action)}</h4>
      {action === 'return' || action === 'reject' || (action === 'decide' && v.outcome === 'denied') ? (
        <>
          <Field label={t('reasonCode')} error={fields.reasonCode}>
            {(fid, d) => (
              <select id={fid} aria-describedby={d} name="reasonCode" value={v.reasonCode} onChange={set('reasonCode')}>
                {REASONS[action].map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('reason')} error={fields.reason}>
            {(fid, d) => <input id={fid} aria-describedby={d} name="reason" value={v.reason ?? ''} onInput={set('reason')} />}
          </Field>
        </>
      ) : null}
      {action === 'decide' ? (
        <>
          <Field label={t('outcome')} error={fields.outcome}>
            {(fid, d) => (
              <select id={fid} aria-describedby={d} name="outcome" value={v.outcome ?? 'approved'} onChange={set('outcome')}>
                <option value="approved">准予 approved</option>
                <option value="denied">不予 denied</option>
              </select>
            )}
          </Field>
          {(v.outcome ?? 'approved') === 'approved' ? (
            <Field label={t('certificateNo')} error={fields.certificateNo}>
              {(fid, d) => (
                <input id={fid} aria-describedby={d} name="certificateNo" value={v.certificateNo ?? ''} onInput={set('certificateNo')} />
              )}
            </Field>
          ) : null}
        </>
      ) : null}
      {action === 'special-procedure' ? (
        <>
          <Field label={t('reasonCode')} error={fields.procedure}>
            {(fid, d) => (
              <select id={fid} aria-describedby={d} name="procedure" value={v.procedure ?? 'INSPECTION'} onChange={set('procedure')}>
                {REASONS['special-procedure'].map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('expectedEnd')} error={fields.expectedEnd}>
            {(fid, d) => (
              <input
                id={fid}
                aria-describedby={d}
                type="date"
                name="expectedEnd"
                value={v.expectedEnd ?? ''}
                onInput={set('expectedEnd')}
              />
            )}
          </Field>
        </>
      ) : null}
      {action === 'deliver' ? (
        <>
          <Field label={t('method')} error={fields.method}>
            {(fid, d) => (
              <select id={fid} aria-describedby={d} name="method" value={v.method ?? 'window-pickup'} onChange={set('method')}>
                <option value="window-pickup">窗口领取 window pickup</option>
                <option value="mail">邮寄 mail</option>
                <option value="electronic">电子送达 electronic</option>
              </select>
            )}
          </Field>
          {v.method === 'mail' ? (
            <Field label={t('trackingNumber')} error={fields.trackingNumber}>
              {(fid, d) => (
                <input id={fid} aria-describedby={d} name="trackingNumber" value={v.trackingNumber ?? ''} onInput={set('trackingNumber')} />
              )}
            </Field>
          ) : null}
        </>
      ) : null}
      {action === 'request-supplement' ? (
        <fieldset>
          <legend>{t('supplementComposer')}</legend>
          {materials.loading ? <Loading /> : null}
          {(materials.data?.materials ?? []).map((m) => {
            const items = (v.items ?? {}) as Record<string, string | undefined>;
            const on = items[m.id] !== undefined;
            return (
              <div key={m.id} class="supp-item">
                <label class="check">
                  <input
                    type="checkbox"
                    name={`material-${m.id}`}
                    checked={on}
                    onChange={(e) => setV({ ...v, items: { ...items, [m.id]: e.currentTarget.checked ? '' : undefined } })}
                  />{' '}
                  {getLang() === 'zh' ? m.name.zh : m.name.en} <code>{m.id}</code>
                </label>
                {on ? (
                  <Field label={`${t('description')}: ${m.name.zh}`}>
                    {(fid) => (
                      <input
                        id={fid}
                        name={`description-${m.id}`}
                        value={items[m.id]}
                        onInput={(e) => setV({ ...v, items: { ...items, [m.id]: e.currentTarget.value } })}
                      />
                    )}
                  </Field>
                ) : null}
              </div>
            );
          })}
          <Field label={t('description')} error={fields.items}>
            {(fid, d) => <input id={fid} aria-describedby={d} name="free" value={v.free ?? ''} onInput={set('free')} />}
          </Field>
        </fieldset>
      ) : null}
      <Field label={t('note')} error={fields.note}>
        {(fid, d) => <input id={fid} aria-describedby={d} name="note" value={v.note ?? ''} onInput={set('note')} />}
      </Field>
      <ProblemBox error={error} />
      <button type="submit" disabled={busy}>
        {actionName(action)}
      </button>
    </form>
  );
};

/** The applicant's side: answer the 补正 notice, withdraw, rate and follow up. */
const ResidentActions = ({ c, onDone }: { c: Detail; onDone: () => void }) => {
  const [error, setError] = useState<unknown>();
  const [v, setV] = useState<Any>({});
  const can = (a: string) => c.availableActions.some((x) => x.action === a);
  const run = async (p: Promise<unknown>) => {
    setError(undefined);
    try {
      await p;
      setV({});
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  const supplement = c.supplement as { items?: { id: string; materialId?: string; description: string }[] } | null;
  const evaluation = c.evaluation as Any | null;
  const closed = ['completed', 'not-accepted', 'returned'].includes(c.state);
  const pending = (c.requests as { kind: string; status: string }[]).some((r) => r.kind === 'withdraw' && r.status === 'pending');
  const path = { params: { path: { id: c.id } } };
  return (
    <section aria-labelledby="mine-h">
      <h3 id="mine-h">{t('steps')}</h3>
      <ProblemBox error={error} />
      {c.state === 'supplement-requested' && supplement?.items ? (
        <form
          class="step"
          data-action="supplement"
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              (async () =>
                ok(
                  api.POST('/api/v1/cases/{id}/supplement', {
                    ...path,
                    body: {
                      responses: await Promise.all(
                        supplement.items!.map(async (i) =>
                          i.materialId
                            ? { itemId: i.id, file: await fileMeta(v[i.id] || `${i.materialId}.pdf`) }
                            : { itemId: i.id, text: v[i.id] || '已补充' },
                        ),
                      ),
                    },
                  }),
                ))(),
            );
          }}
        >
          <h4>{t('answerSupplement')}</h4>
          {supplement.items.map((i) => (
            <Field key={i.id} label={`${i.description} (${i.materialId ?? i.id}) — ${t('fileName')}`}>
              {(fid) => (
                <input
                  id={fid}
                  name={`answer-${i.id}`}
                  value={v[i.id] ?? ''}
                  onInput={(e) => setV({ ...v, [i.id]: e.currentTarget.value })}
                />
              )}
            </Field>
          ))}
          <button type="submit">{t('answerSupplement')}</button>
        </form>
      ) : null}
      {pending ? (
        <p class="mark paused" role="status" data-testid="withdrawal-pending">
          {t('withdrawalPending')}
        </p>
      ) : null}
      {!pending &&
      (can('withdraw') ||
        ['submitted', 'forwarded', 'supplement-requested', 'accepted', 'under-review', 'special-procedure'].includes(c.state)) ? (
        <form
          class="step"
          data-action="withdraw"
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              ok(api.POST('/api/v1/cases/{id}/withdraw', { ...path, body: { ...(v.reason ? { reason: v.reason } : {}) } as never })),
            );
          }}
        >
          <h4>{t('withdraw')}</h4>
          <Field label={t('reason')}>
            {(fid) => (
              <input
                id={fid}
                name="withdraw-reason"
                value={v.reason ?? ''}
                onInput={(e) => setV({ ...v, reason: e.currentTarget.value })}
              />
            )}
          </Field>
          <button type="submit">{t('withdraw')}</button>
        </form>
      ) : null}
      {closed ? (
        <form
          class="step"
          data-action={evaluation ? 'follow-up' : 'evaluate'}
          onSubmit={(e) => {
            e.preventDefault();
            const body = { rating: Number(v.rating ?? 5), ...(v.comment ? { comment: v.comment } : {}) };
            void run(
              evaluation
                ? ok(api.POST('/api/v1/cases/{id}/evaluate/follow-up', { ...path, body: body as never }))
                : ok(api.POST('/api/v1/cases/{id}/evaluate', { ...path, body })),
            );
          }}
        >
          <h4>{evaluation ? t('followUp') : t('rate')}</h4>
          {evaluation ? (
            <p data-testid="rating">
              {t('rating')}: {evaluation.rating} {evaluation.comment ?? ''}{' '}
              {evaluation.followUp ? `· ${t('followUp')}: ${evaluation.followUp.rating}` : ''}
            </p>
          ) : null}
          {!evaluation?.followUp ? (
            <>
              <Field label={t('rating')}>
                {(fid) => (
                  <select id={fid} name="rating" value={v.rating ?? '5'} onChange={(e) => setV({ ...v, rating: e.currentTarget.value })}>
                    {[5, 4, 3, 2, 1].map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('comment')}>
                {(fid) => (
                  <input id={fid} name="comment" value={v.comment ?? ''} onInput={(e) => setV({ ...v, comment: e.currentTarget.value })} />
                )}
              </Field>
              <button type="submit">{evaluation ? t('followUp') : t('rate')}</button>
            </>
          ) : null}
        </form>
      ) : null}
    </section>
  );
};

/** A supervisor of the administering city: one extension with reasons (art. 42), If-Match. */
const Extend = ({ c, onDone }: { c: Detail; onDone: () => void }) => {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  return (
    <form
      class="step"
      data-action="extend"
      onSubmit={(e) => {
        e.preventDefault();
        setError(undefined);
        ok(
          api.POST('/api/v1/cases/{id}/extend', {
            params: { path: { id: c.id }, header: { 'If-Match': `"${c.version}"` } },
            body: { reason },
          } as never),
        ).then(onDone, setError);
      }}
    >
      <h4>{t('extend')}</h4>
      <Field label={t('reason')}>
        {(fid) => <input id={fid} name="extend-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <ProblemBox error={error} />
      <button type="submit">{t('extend')}</button>
    </form>
  );
};

export const CaseView = ({ id, session }: { id: string; session: Session }) => {
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<unknown>();
  const r = useLoad(() => ok<Detail>(api.GET('/api/v1/cases/{id}', { params: { path: { id } } })), [id]);
  const [override, setOverride] = useState<Detail>();
  const c = override && r.data && override.version >= r.data.version ? override : r.data;
  const reload = () => {
    setOverride(undefined);
    r.reload();
  };
  if (r.error) return <ProblemBox error={r.error} />;
  if (!c) return <Loading />;
  const staff = session.role !== 'resident';
  const claim = c.claim as { clerk?: string; expiresAt?: string } | null;
  const claimedByOther = !!claim?.clerk && claim.clerk !== session.username;
  const actions =
    staff && session.role === 'clerk' ? c.availableActions.filter((a) => CLERK_ACTIONS.includes(a.action) && a.city === session.self) : [];
  const d = c.deadline;
  const pauses = d.pauses as Any[];
  const doClaim = (release: boolean) => {
    setError(undefined);
    ok(api.POST('/api/v1/cases/{id}/claim', { params: { path: { id } }, body: { ttlMinutes: 30, ...(release ? { release } : {}) } })).then(
      reload,
      setError,
    );
  };
  return (
    <article aria-labelledby="case-h" data-case={c.id} data-state={c.state} data-version={c.version}>
      <p>
        <a href="#/">← {staff ? t('queue') : t('myCases')}</a>
      </p>
      <h2 id="case-h">
        {(c.itemName as { zh?: string; en?: string })[getLang()] ?? c.itemCode} <code>{c.itemCode}</code>
      </h2>
      <p class="summary">
        <span class="state" data-testid="state">
          {stateName(c.state)}
        </span>{' '}
        · {t('version')} {c.version} · {cityName(c.receivingCity)} → {cityName(c.administeringCity)} · {t('nextStep')}:{' '}
        {cityName(c.holderCity)} · {t('applicant')}: {(c.applicant as Any).name} <code>{(c.applicant as Any).idNumber}</code>
      </p>
      {conflict ? (
        <div class="problem conflict" role="alert" data-testid="conflict">
          {t('conflict')}
        </div>
      ) : null}
      <ProblemBox error={error} />
      {staff && c.heldHere && session.role === 'clerk' ? (
        <p class="claim">
          {claim?.clerk ? `${t('claimedBy')}: ${claim.clerk} (${formatTime(claim.expiresAt)})` : null}{' '}
          {claim?.clerk === session.username ? (
            <button type="button" onClick={() => doClaim(true)}>
              {t('release')}
            </button>
          ) : !claimedByOther ? (
            <button type="button" onClick={() => doClaim(false)}>
              {t('claim')}
            </button>
          ) : null}
        </p>
      ) : null}
      <div class="grid">
        <section aria-labelledby="dl-h">
          <h3 id="dl-h">{t('deadlines')}</h3>
          <dl>
            <dt>{t('due')}</dt>
            <dd>
              {formatDate(d.dueDate)} <DeadlineMarks d={d} /> {d.remainingWorkingDays !== null ? `(${d.remainingWorkingDays})` : ''}
            </dd>
            <dt>决定期限 / decision</dt>
            <dd>{formatDate(d.decisionDueDate)}</dd>
            <dt>法定期限 / legal</dt>
            <dd>{formatDate(d.legalDueDate)}</dd>
            <dt>计时 / clock</dt>
            <dd>{d.clockStarted ? `${formatDate(d.startDate)} →` : '未开始 not started'}</dd>
            {pauses.length ? (
              <>
                <dt>暂停 / pauses</dt>
                <dd>
                  <ul>
                    {pauses.map((p, i) => (
                      <li key={i}>
                        {p.procedure ?? p.reasonCode} {formatDate(p.from ?? p.startedOn)} – {formatDate(p.to ?? p.endedOn ?? p.expectedEnd)}
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            ) : null}
          </dl>
        </section>
        <section aria-labelledby="mat-h">
          <h3 id="mat-h">{t('materials')}</h3>
          <ul>
            {c.materials.map((m) => (
              <li key={m.materialId} data-material={m.materialId}>
                {(m.name as Any)[getLang()] ?? m.materialId} — {m.status}{' '}
                {(m.evidence as Any)?.fileName ? `(${(m.evidence as Any).fileName})` : ''}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section aria-labelledby="tl-h">
        <h3 id="tl-h">{t('timeline')}</h3>
        <ol class="timeline">
          {c.timeline.map((e) => (
            <li key={e.seq} data-kind={e.kind}>
              <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{e.kind}</strong> {e.toState ? `→ ${stateName(e.toState)}` : ''} ·{' '}
              {cityName(e.authorCity)} · {(e.actor as Any).id} {e.reasonCode ? <code>{e.reasonCode}</code> : null}
            </li>
          ))}
        </ol>
      </section>
      {actions.length ? (
        <section aria-labelledby="steps-h">
          <h3 id="steps-h">{t('steps')}</h3>
          {claimedByOther ? <p class="muted">{`${t('claimedBy')}: ${claim?.clerk}`}</p> : null}
          {actions.map((a) => (
            <StepForm
              key={`${a.action}-${c.version}`}
              c={c}
              action={a.action}
              onDone={(nd) => {
                setConflict(false);
                setOverride(nd);
              }}
              onConflict={() => {
                setConflict(true);
                reload();
              }}
            />
          ))}
        </section>
      ) : null}
      {session.role === 'supervisor' &&
      c.administeringCity === session.self &&
      !['completed', 'withdrawn', 'decided', 'delivered'].includes(c.state) ? (
        <Extend c={c} onDone={reload} />
      ) : null}
      {session.role === 'resident' ? <ResidentActions c={c} onDone={reload} /> : null}
    </article>
  );
};
