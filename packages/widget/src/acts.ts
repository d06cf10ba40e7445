// The recruiter's actions on an order (cancel, send the invitation again, new attempt), loaded on demand by the
// recruiter view as its own chunk so the core bundle stays in budget. Imports nothing but its words: the element
// hands over Lit's `html` and its API caller. Its words come in the widget's language (a small chunk per language,
// loaded once it is shown in that language); the BFF's `message` says what the vendor did, in English.
import type { TemplateResult } from 'lit';
import type { ActionResponse, Order, OrderStatus, Package } from '@ca/shared';

type Html = (s: TemplateStringsArray, ...v: unknown[]) => TemplateResult;
interface Api {
  call<T>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T>;
}
type Action = 'cancel' | 'remind' | 'retake';

/** Which actions fit a status (the BFF checks again). */
const FITS: Record<Action, readonly OrderStatus[]> = {
  cancel: ['requested', 'invited', 'scheduled', 'in_progress'],
  remind: ['invited', 'scheduled', 'in_progress'],
  retake: ['completed', 'scored', 'expired', 'cancelled', 'no_show', 'excused', 'failed'],
};

/** The English message table of this chunk. */
export const actionMessages = {
  cancel: 'Cancel',
  remind: 'Send invitation again',
  retake: 'New attempt',
  confirmCancel: 'Cancel this assessment? The candidate will no longer be able to take it.',
  working: 'Working…',
  link: 'Send the candidate this link:',
};

type Words = typeof actionMessages;
const KEYS = Object.keys(actionMessages) as (keyof Words)[];

/** The other languages' words, one small chunk each (dist/widget/i18n/acts-<lang>-<hash>.js). */
const CHUNKS: Record<string, () => Promise<{ default: string }>> = {
  fr: () => import('./locales/acts-fr.js'),
  ar: () => import('./locales/acts-ar.js'),
  de: () => import('./locales/acts-de.js'),
  es: () => import('./locales/acts-es.js'),
  hi: () => import('./locales/acts-hi.js'),
};
/** Per language, its words once loaded (English until then, and for good after a failed load). */
const words = new Map<string, Words>([['en', actionMessages]]);

/** The language the element shows (its rendered `lang`), as a primary subtag. */
const shownLanguage = (host: object): string =>
  ((host as Element).shadowRoot?.querySelector('[part=base]')?.getAttribute('lang') ?? 'en').toLowerCase().split(/[-_]/)[0]!;

/**
 * The link when it is an absolute http(s) URL, else nothing: a link the ATS is to send comes from the vendor, and a
 * `javascript:` one bound as `href` would run in the ATS page. The BFF refuses such links too (docs/api.md#recruiter-actions).
 */
const webUrl = (url: string | undefined): string => {
  try {
    const u = new URL(url ?? '');
    return u.protocol === 'https:' || u.protocol === 'http:' ? url! : '';
  } catch {
    return '';
  }
};

const rand = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Returns the renderer of one order's action row. `host.requestUpdate()` re-renders after each change. */
export default function orderActions(host: { requestUpdate(): void }, html: Html, api: Api) {
  /** The language the element showed when this last rendered; its words, English until they are here. */
  let lang = 'en';
  const said = () => words.get(lang) ?? actionMessages;
  /** Follows the language the element shows now: its words are loaded once, then the row renders again. */
  function follow(): void {
    const want = shownLanguage(host);
    if (want === lang) return;
    lang = want;
    if (!words.has(want) && want in CHUNKS) {
      words.set(want, actionMessages); // one load per language, even a failed one
      CHUNKS[want]!().then(({ default: lines }) => {
        const v = lines.split('\n');
        words.set(want, Object.fromEntries(KEYS.map((k, i) => [k, v[i] || actionMessages[k]])) as Words);
        if (lang === want) host.requestUpdate();
      }, () => {});
    }
    host.requestUpdate();
  }
  /** Per order: the running action, the last outcome, and one Idempotency-Key per intent (a retry repeats nothing). */
  const state = new Map<string, { busy?: Action; note?: string; url?: string; err?: string; keys: Partial<Record<Action, string>> }>();
  const of = (id: string) => state.get(id) ?? (state.set(id, { keys: {} }), state.get(id)!);
  queueMicrotask(() => host.requestUpdate()); // the element renders the buttons once this is in place

  async function run(o: Order, a: Action): Promise<void> {
    const s = of(o.id);
    if (s.busy || (a === 'cancel' && !confirm(said().confirmCancel))) return;
    s.keys[a] ??= rand();
    Object.assign(s, { busy: a, note: '', url: '', err: '' });
    host.requestUpdate();
    try {
      const r = await api.call<ActionResponse>('POST', `/v1/orders/${encodeURIComponent(o.id)}/${a}`, undefined, { 'Idempotency-Key': s.keys[a]! });
      s.note = r.message;
      s.url = r.sentBy === 'ats' ? webUrl(r.url) : '';
      delete s.keys[a];
    } catch (err) {
      // The BFF's own sentence (e.g. "PSI offers no way to send the invitation again"), or the failure's code.
      s.err = (err as Error).message || String((err as { code?: string }).code ?? err);
    } finally {
      s.busy = undefined;
      host.requestUpdate();
    }
  }

  return (o: Order): TemplateResult => {
    queueMicrotask(follow); // after this render has set the element's `lang`
    const m = said();
    const s = of(o.id);
    // The element's catalog says what the order's vendor offers (no "send again" where the vendor cannot).
    const offered = (host as { packages?: readonly Package[] }).packages?.find((p) => p.id === o.packageId)?.actions;
    const acts = (Object.keys(FITS) as Action[]).filter((a) => FITS[a].includes(o.status) && (!offered || offered.includes(a)));
    return html`<div part="order-actions" class="actions">
      ${acts.map(
        (a) => html`<button type="button" part=${`action-${a}`} class="btn quiet" aria-disabled=${s.busy ? 'true' : 'false'} @click=${() => void run(o, a)}>
          ${s.busy === a ? m.working : m[a]}
        </button>`,
      )}
      ${s.note ? html`<p part="action-note" role="status">${s.note}${s.url ? html` ${m.link} <a href=${s.url} target="_blank" rel="noopener noreferrer">${s.url}</a>` : ''}</p>` : ''}
      ${s.err ? html`<p class="err" role="alert">${s.err}</p>` : ''}
    </div>`;
  };
}
