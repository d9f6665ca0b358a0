import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from './api/client';
import { cityName, type Session } from './session';
import { formatTime } from './format';
import { getLang, t } from './i18n';
import { PagedList, ProblemBox, usePaged } from './ui';

type Slot = Schemas['SlotViewDto'];
type Booking = Schemas['BookingViewDto'];

const STATES: Record<Booking['state'], [string, string]> = {
  pending: ['等待医院答复', 'waiting for the hospital'],
  confirmed: ['预约成功', 'confirmed'],
  refused: ['预约未成功', 'refused'],
  'timed-out': ['医院未及时答复', 'no answer in time'],
  cancelled: ['已取消', 'cancelled'],
  withdrawn: ['医院停诊，预约已取消', 'the hospital withdrew the slot'],
};
const REFUSALS: Record<string, [string, string]> = {
  MEDICAL_SLOT_FULL: ['号源已满', 'the slot is full'],
  MEDICAL_SLOT_NOT_FOUND: ['号源不存在', 'no such slot'],
  MEDICAL_BOOKING_EXPIRED: ['请求到达时已超时', 'arrived too late'],
  MEDICAL_BOOKING_TIMED_OUT: ['医院所在城市未在时限内答复', 'no answer from the hospital’s city in time'],
  MEDICAL_SLOT_WITHDRAWN: ['医院停诊，请改约其他号源', 'the hospital withdrew the slot: book another one'],
};
const pick = (m: Record<string, [string, string]>, k: string) => (m[k] ? m[k][getLang() === 'zh' ? 0 : 1] : k);

/**
 * 预约挂号互通 for a resident: the other city's slots (as that city last announced them, earliest first) to book at her own
 * node, and her bookings — polled while one waits for the hospital's answer, cancellable while pending or confirmed.
 */
export const Bookings = ({ session }: { session: Session }) => {
  const other = ['440100', '440600'].find((c) => c !== session.self) ?? '';
  const slots = usePaged<Slot>(
    (cursor) =>
      ok(api.GET('/api/v1/medical/slots', { params: { query: { hospitalCity: other, limit: 10, ...(cursor ? { cursor } : {}) } } })),
    [other],
  );
  const mine = usePaged<Booking>(
    (cursor) => ok(api.GET('/api/v1/medical/bookings', { params: { query: { limit: 10, ...(cursor ? { cursor } : {}) } } })),
    [],
  );
  const [error, setError] = useState<unknown>();
  const book = (s: Slot) => {
    setError(undefined);
    ok(
      api.POST('/api/v1/medical/bookings', { body: { hospitalCity: s.hospitalCity, hospitalCode: s.hospitalCode, slotId: s.slotId } }),
    ).then(mine.reload, setError);
  };
  const cancel = (b: Booking) => {
    setError(undefined);
    ok(api.POST('/api/v1/medical/bookings/{id}/cancel', { params: { path: { id: b.id } } })).then(() => {
      mine.reload();
      slots.reload();
    }, setError);
  };
  // The hospital's city answers by event: poll (every 1.5 s, at most 40 times) while a booking waits, then refresh the slots.
  const waiting = mine.items?.some((b) => b.state === 'pending') ?? false;
  useEffect(() => {
    if (!waiting) return;
    let n = 0;
    const timer = setInterval(() => {
      if (++n > 40) clearInterval(timer);
      else mine.reload();
    }, 1500);
    return () => {
      clearInterval(timer);
      slots.reload();
    };
  }, [waiting]);
  return (
    <section aria-labelledby="bookings-h">
      <h3 id="bookings-h">{t('bookings')}</h3>
      <h4 id="slots-h">
        {t('slotsOf')} {cityName(other)}
      </h4>
      <PagedList p={slots} label={t('slotsOf')}>
        {(s) => (
          <li class="case-card" key={s.slotId} data-slot={s.slotId} data-remaining={String(s.remaining)}>
            <strong>{s.hospitalName}</strong> · {s.department}
            <div>
              {formatTime(s.startsAt)} · {t('remaining')} {s.remaining}/{s.capacity}
            </div>
            <button type="button" disabled={s.remaining === 0} onClick={() => book(s)}>
              {t('book')}
            </button>
          </li>
        )}
      </PagedList>
      <ProblemBox error={error} />
      <h4 id="my-bookings-h">{t('myBookings')}</h4>
      <PagedList p={mine} label={t('myBookings')}>
        {(b) => (
          <li class="case-card" key={b.id} data-booking={b.id} data-state={b.state}>
            <strong>{pick(STATES, b.state)}</strong> · {cityName(b.hospitalCity)} <code>{b.hospitalCode}</code>
            {b.slot ? (
              <div>
                {b.slot.department} · {formatTime(b.slot.startsAt)}
              </div>
            ) : null}
            {b.refusal ? <div class="muted">{pick(REFUSALS, b.refusal)}</div> : null}
            <div class="muted">{formatTime(b.requestedAt)}</div>
            {b.state === 'pending' || b.state === 'confirmed' ? (
              <button type="button" onClick={() => cancel(b)}>
                {t('cancelBooking')}
              </button>
            ) : null}
          </li>
        )}
      </PagedList>
    </section>
  );
};
