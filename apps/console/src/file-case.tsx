import { useState } from 'preact/hooks';
import { api, ApiProblem, ok, type Schemas } from './api/client';
import { cityName, type Session } from './session';
import { getLang, t } from './i18n';
import { Field, Loading, ProblemBox, sha256Hex, useLoad } from './ui';

const CITIES = ['440100', '440600'];

/**
 * 申请: a clerk files at the window on a resident's behalf (异地代收代办 / 多地联办), or a resident files online; the catalogue
 * gives the routes and the material list. Only the affairs domain (social insurance and medical settlement are not in the console).
 */
export const FileCase = ({ session }: { session: Session }) => {
  const clerk = session.role === 'clerk';
  const [mode, setMode] = useState<'proxy' | 'joint' | 'online'>(clerk ? 'proxy' : 'online');
  const [from, setFrom] = useState(clerk ? session.self : session.city);
  const [to, setTo] = useState(CITIES.find((c) => c !== session.self) ?? session.self);
  const [item, setItem] = useState('');
  const [applicant, setApplicant] = useState({ name: '', idNumber: '', sub: '', identityCheck: 'id-card-reader' });
  const [files, setFiles] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<unknown>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [key] = useState(() => `console-${crypto.randomUUID()}`);

  const routes = useLoad(
    () =>
      ok(
        api.GET('/api/v1/catalogue/routes', {
          params: {
            query: {
              ...(clerk ? { at: session.self } : {}),
              from,
              administeredBy: to,
              mode,
              channel: clerk ? 'window' : 'online',
              domain: 'affairs',
            },
          },
        }),
      ),
    [from, to, mode],
  );
  const list = routes.data?.routes ?? [];
  const chosen = list.find((r) => r.itemCode === item) ?? list.find((r) => r.itemCode === 'XK00201000') ?? list[0];
  const materials = useLoad(
    () =>
      chosen
        ? ok(api.GET('/api/v1/catalogue/items/{code}/materials', { params: { path: { code: chosen.itemCode } } }))
        : Promise.resolve(undefined),
    [chosen?.itemCode],
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    setFields({});
    try {
      const mats = await Promise.all(
        (materials.data?.materials ?? []).map(async (m) => {
          if (missing[m.id]) return { materialId: m.id, missing: true };
          const name = files[m.id] || `${m.id}.pdf`;
          return {
            materialId: m.id,
            file: { fileName: name, mediaType: 'application/pdf', sizeBytes: Math.max(1, name.length), sha256: await sha256Hex(name) },
          };
        }),
      );
      const body: Schemas['FileCaseDto'] = {
        itemCode: chosen.itemCode,
        mode,
        administeringCity: to,
        materials: mats,
        ...(clerk
          ? {
              applicantCity: from,
              channel: 'window' as const,
              applicant: {
                name: applicant.name,
                idNumber: applicant.idNumber,
                ...(applicant.sub ? { sub: applicant.sub } : {}),
                identityCheck: applicant.identityCheck as 'id-card-reader',
              },
            }
          : { channel: 'online' as const }),
      };
      const filed = await ok(api.POST('/api/v1/cases', { body, headers: { 'idempotency-key': key } } as never));
      location.hash = `/cases/${(filed as { id: string }).id}`;
    } catch (err) {
      setError(err);
      if (err instanceof ApiProblem) setFields(err.fieldErrors());
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="file-h">
      <h2 id="file-h">{clerk ? t('fileCase') : t('fileOnline')}</h2>
      <form onSubmit={(e) => void submit(e)} class="filing">
        <fieldset>
          <legend>{t('route')}</legend>
          {clerk ? (
            <Field label="办理模式 / mode">
              {(id) => (
                <select id={id} name="mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as 'proxy')}>
                  <option value="proxy">异地代收代办 proxy</option>
                  <option value="joint">多地联办 joint</option>
                </select>
              )}
            </Field>
          ) : null}
          {clerk ? (
            <Field label="申请人所属城市 / applicant's city">
              {(id) => (
                <select id={id} name="from" value={from} onChange={(e) => setFrom(e.currentTarget.value)}>
                  {CITIES.map((c) => (
                    <option key={c} value={c}>
                      {cityName(c)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}
          <Field label={t('administeringCity')} error={fields.administeringCity}>
            {(id, d) => (
              <select id={id} aria-describedby={d} name="administeringCity" value={to} onChange={(e) => setTo(e.currentTarget.value)}>
                {CITIES.map((c) => (
                  <option key={c} value={c}>
                    {cityName(c)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {routes.loading ? (
            <Loading />
          ) : (
            <Field label={t('item')} error={fields.itemCode}>
              {(id, d) => (
                <select
                  id={id}
                  aria-describedby={d}
                  name="itemCode"
                  value={chosen?.itemCode ?? ''}
                  onChange={(e) => setItem(e.currentTarget.value)}
                >
                  {list.length === 0 ? <option value="">{t('empty')}</option> : null}
                  {list.map((r) => (
                    <option key={`${r.itemCode}-${r.from}`} value={r.itemCode}>
                      {r.itemCode} {getLang() === 'zh' ? r.itemName.zh : r.itemName.en}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </fieldset>
        {clerk ? (
          <fieldset>
            <legend>{t('applicant')}</legend>
            <Field label={t('applicantName')} error={fields['applicant.name']}>
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  name="applicantName"
                  required
                  value={applicant.name}
                  onInput={(e) => setApplicant({ ...applicant, name: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field label={t('idNumber')} error={fields['applicant.idNumber']}>
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  name="idNumber"
                  required
                  autocomplete="off"
                  value={applicant.idNumber}
                  onInput={(e) => setApplicant({ ...applicant, idNumber: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field label={t('account')} error={fields['applicant.sub']}>
              {(id, d) => (
                <input
                  id={id}
                  aria-describedby={d}
                  name="sub"
                  value={applicant.sub}
                  onInput={(e) => setApplicant({ ...applicant, sub: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field label={t('identityCheck')} error={fields['applicant.identityCheck']}>
              {(id, d) => (
                <select
                  id={id}
                  aria-describedby={d}
                  name="identityCheck"
                  value={applicant.identityCheck}
                  onChange={(e) => setApplicant({ ...applicant, identityCheck: e.currentTarget.value })}
                >
                  <option value="id-card-reader">二代证读卡 id-card-reader</option>
                  <option value="id-card-inspection">证件原件核验 id-card-inspection</option>
                  <option value="face-match">人证比对 face-match</option>
                </select>
              )}
            </Field>
          </fieldset>
        ) : null}
        <fieldset>
          <legend>{t('materials')}</legend>
          {materials.loading ? <Loading /> : null}
          {(materials.data?.materials ?? []).map((m, i) => (
            <div key={m.id} class="material">
              <Field
                label={`${getLang() === 'zh' ? m.name.zh : m.name.en}${m.required ? ' *' : ''} — ${t('fileName')}`}
                error={fields[`materials.${i}`] ?? fields[`materials.${i}.file`]}
              >
                {(id, d) => (
                  <input
                    id={id}
                    aria-describedby={d}
                    name={`material-${m.id}`}
                    placeholder={`${m.id}.pdf`}
                    disabled={missing[m.id]}
                    value={files[m.id] ?? ''}
                    onInput={(e) => setFiles({ ...files, [m.id]: e.currentTarget.value })}
                  />
                )}
              </Field>
              <label class="check">
                <input
                  type="checkbox"
                  name={`missing-${m.id}`}
                  checked={!!missing[m.id]}
                  onChange={(e) => setMissing({ ...missing, [m.id]: e.currentTarget.checked })}
                />{' '}
                缺少（补正时提交）missing
              </label>
            </div>
          ))}
        </fieldset>
        <ProblemBox error={error} />
        <button type="submit" disabled={busy || !chosen}>
          {t('submit')}
        </button>
      </form>
    </section>
  );
};
