import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
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

/**
 * Hands out request numbers so that only the newest request's answer is shown: an answer that arrives after a newer
 * request started (the first page of a list after a filter changed, a case after the route moved on) is dropped.
 */
const useLatest = () => {
  const latest = useRef(0);
  return () => {
    const mine = ++latest.current;
    return () => mine === latest.current;
  };
};

/** Loads once (and on reload()): data, error, loading. */
export const useLoad = <T,>(load: () => Promise<T>, deps: unknown[]) => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const begin = useLatest();
  const reload = useCallback(() => {
    const current = begin();
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current() && setState({ data, loading: false }),
      (error: unknown) => current() && setState({ error, loading: false }),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list paged by the API's cursors: the first page on every change of `deps`, then "load more". Only the newest
 * request's page is shown, so a slow first page of the old filter never replaces (or extends) the new one.
 */
export const usePaged = <T,>(load: (cursor?: string) => Promise<Page<T>>, deps: unknown[]) => {
  const [items, setItems] = useState<T[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const begin = useLatest();
  const fetchPage = async (from?: string) => {
    const current = begin();
    setBusy(true);
    setError(undefined);
    try {
      const page = await load(from);
      if (!current()) return;
      setItems((prev) => (from ? [...(prev ?? []), ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      if (!current()) return;
      setError(e);
      if (!from) setItems([]);
    } finally {
      if (current()) setBusy(false);
    }
  };
  useEffect(() => void fetchPage(), deps);
  return { items, cursor, error, busy, reload: () => void fetchPage(), more: () => cursor && void fetchPage(cursor) };
};

export const PagedList = <T,>({
  p,
  label,
  children,
}: {
  p: ReturnType<typeof usePaged<T>>;
  label: string;
  children: (item: T) => ComponentChildren;
}) => (
  <>
    <ProblemBox error={p.error} />
    {!p.items ? (
      <Loading />
    ) : p.items.length === 0 ? (
      <Empty />
    ) : (
      <ul class="cases" aria-busy={p.busy} aria-label={label}>
        {p.items.map(children)}
      </ul>
    )}
    {p.cursor ? (
      <button type="button" class="more" disabled={p.busy} onClick={p.more}>
        {t('more')}
      </button>
    ) : null}
  </>
);

/** SHA-256 (hex) of a picked file, or of the name when no file was picked (paper seen at the window). */
export const sha256Hex = async (data: ArrayBuffer | string): Promise<string> => {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
};
