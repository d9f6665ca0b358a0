import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from './api/client';
import { cityName, type Session } from './session';
import { formatDate } from './format';
import { stateName, t } from './i18n';
import { Field, PagedList, ProblemBox, usePaged } from './ui';

type Summary = Schemas['CaseSummaryDto'];

export const DeadlineMarks = ({ d }: { d: Summary['deadline'] }) => (
  <span class="marks">
    {d.overdue ? <span class="mark overdue">{t('overdue')}</span> : null}
    {d.nearDue && !d.overdue ? <span class="mark near">{t('nearDue')}</span> : null}
    {d.provisional ? <span class="mark provisional">{t('provisional')}</span> : null}
    {d.clockPaused ? <span class="mark paused">{t('paused')}</span> : null}
  </span>
);

/** The clerk queue of the city (by due date, filters, cursor pages), or a resident's own cases. */
export const Queue = ({ session }: { session: Session }) => {
  const staff = session.role !== 'resident';
  const [filters, setFilters] = useState({ state: '', due: '', held: staff, hall: false });
  const [claimError, setClaimError] = useState<unknown>();
  const p = usePaged(
    (cursor) =>
      ok(
        api.GET('/api/v1/cases', {
          params: {
            query: {
              limit: 20,
              ...(filters.state ? { state: filters.state } : {}),
              ...(filters.due ? { due: filters.due } : {}),
              ...(staff && filters.held ? { held: true } : {}),
              ...(staff && filters.hall && session.hall ? { hall: session.hall } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [filters],
  );

  const toggleClaim = async (id: string, release: boolean) => {
    try {
      await ok(
        api.POST('/api/v1/cases/{id}/claim', { params: { path: { id } }, body: { ttlMinutes: 30, ...(release ? { release } : {}) } }),
      );
      setClaimError(undefined);
      p.reload();
    } catch (e) {
      setClaimError(e);
    }
  };

  return (
    <section aria-labelledby="queue-h">
      <h2 id="queue-h">{staff ? t('queue') : t('myCases')}</h2>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={t('state')}>
          {(id) => (
            <select id={id} value={filters.state} onChange={(e) => setFilters({ ...filters, state: e.currentTarget.value })}>
              <option value="">{t('all')}</option>
              {[
                'submitted',
                'forwarded',
                'supplement-requested',
                'accepted',
                'under-review',
                'special-procedure',
                'decided',
                'delivered',
                'completed',
              ].map((s) => (
                <option key={s} value={s}>
                  {stateName(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {staff ? (
          <>
            <Field label={t('due')}>
              {(id) => (
                <select id={id} value={filters.due} onChange={(e) => setFilters({ ...filters, due: e.currentTarget.value })}>
                  <option value="">{t('all')}</option>
                  <option value="overdue">{t('overdue')}</option>
                  <option value="near">{t('nearDue')}</option>
                  <option value="provisional">{t('provisional')}</option>
                </select>
              )}
            </Field>
            <label class="check">
              <input type="checkbox" checked={filters.held} onChange={(e) => setFilters({ ...filters, held: e.currentTarget.checked })} />{' '}
              {t('heldHere')}
            </label>
            {session.hall ? (
              <label class="check">
                <input type="checkbox" checked={filters.hall} onChange={(e) => setFilters({ ...filters, hall: e.currentTarget.checked })} />{' '}
                {session.hall}
              </label>
            ) : null}
          </>
        ) : null}
        <button type="button" onClick={p.reload}>
          {t('refresh')}
        </button>
      </form>
      <ProblemBox error={claimError} />
      <PagedList p={p} label={staff ? t('queue') : t('myCases')}>
        {(c) => {
          const claim = c.claim as { clerk?: string } | null;
          return (
            <li key={c.id} class="case-card" data-case={c.id} data-state={c.state}>
              <a href={`#/cases/${c.id}`}>
                <strong>{(c.itemName as { zh?: string }).zh ?? c.itemCode}</strong> <code>{c.itemCode}</code>
              </a>
              <div>
                <span class="state">{stateName(c.state)}</span> · {(c.applicant as { name?: string }).name} · {t('due')}{' '}
                {formatDate(c.deadline.dueDate)} <DeadlineMarks d={c.deadline} />
              </div>
              <div class="muted">
                {cityName(c.receivingCity)} → {cityName(c.administeringCity)} · {t('nextStep')}: {cityName(c.holderCity)}
                {claim?.clerk ? ` · ${t('claimedBy')}: ${claim.clerk}` : ''}
              </div>
              {staff && c.heldHere ? (
                claim?.clerk === session.username ? (
                  <button type="button" onClick={() => void toggleClaim(c.id, true)}>
                    {t('release')}
                  </button>
                ) : !claim?.clerk ? (
                  <button type="button" onClick={() => void toggleClaim(c.id, false)}>
                    {t('claim')}
                  </button>
                ) : null
              ) : null}
            </li>
          );
        }}
      </PagedList>
    </section>
  );
};
