import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem } from './api/client';
import { getLang, t } from './i18n';

/** A problem+json error: its title in the current language (titleZh/titleEn), the detail and the code. */
export const ProblemBox = ({ error }: { error: unknown }) => {
  if (!error) return null;
  if (error instanceof ApiProblem) {
    const p = error.problem;
    const title = (getLang() === 'zh' ? p.titleZh : p.titleEn) ?? p.title ?? t('error');
    return (
      <div class="problem" role="alert" data-code={p.code}>
        <strong>{title}</strong> {p.code ? <code>{p.code}</code> : null}
        {p.detail ? <p>{p.detail}</p> : null}
      </div>
    );
  }
  return (
    <div class="problem" role="alert">
      <strong>{t('error')}</strong> <p>{String((error as Error)?.message ?? error)}</p>
    </div>
  );
};

let fieldSeq = 0;
/** A labelled field with its error beside it (aria-describedby), from the problem's field errors. */
export const Field = ({
  label,
  error,
  children,
}: {
  label: string;
  error?: string | undefined;
  children: (id: string, describedBy: string | undefined) => ComponentChildren;
}) => {
  const [id] = useState(() => `f${++fieldSeq}`);
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {children(id, error ? `${id}-err` : undefined)}
      {error ? (
        <span class="field-error" id={`${id}-err`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
};

export const Loading = () => (
  <p class="loading" role="status" aria-live="polite">
    {t('loading')}
  </p>
);
export const Empty = () => <p class="empty">{t('empty')}</p>;

/** Loads once (and on reload()): data, error, loading. */
export const useLoad = <T,>(load: () => Promise<T>, deps: unknown[]) => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => setState({ error, loading: false }),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
};

/** SHA-256 (hex) of a picked file, or of the name when no file was picked (paper seen at the window). */
export const sha256Hex = async (data: ArrayBuffer | string): Promise<string> => {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
};
