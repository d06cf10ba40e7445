// The recruiter's actions on an order (cancel, send the invitation again, new attempt), loaded on demand by the
// recruiter view as its own chunk so the core bundle stays in budget. Imports nothing but its words: the element
// hands over Lit's `html` and its API caller. Its words come in the widget's language (a small chunk per language,
// loaded once it is shown in that language), what an action did and why it failed too; in English the row shows the
// BFF's own `message`, which also names the vendor's call.
import type { TemplateResult } from 'lit';
import type { ActionResponse, Order, OrderStatus, Package } from '@ca/shared';

type Html = (s: TemplateStringsArray, ...v: unknown[]) => TemplateResult;
interface Api {
  call<T>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T>;
}
type Action = 'cancel' | 'remind' | 'retake';

/** Open statuses: cancel fits them (remind too, once the candidate is invited), retake fits every other (the BFF checks again). */
const OPEN: readonly OrderStatus[] = ['requested', 'invited', 'scheduled', 'in_progress'];
const ACTIONS: readonly Action[] = ['cancel', 'remind', 'retake'];
const fits = (a: Action, s: OrderStatus): boolean => (a === 'retake' ? !OPEN.includes(s) : OPEN.includes(s) && (a === 'cancel' || s !== 'requested'));

/** The English message table of this chunk. */
export const actionMessages = {
  cancel: 'Cancel',
  remind: 'Send invitation again',
  retake: 'New attempt',
  confirmCancel: 'Cancel this assessment? The candidate will no longer be able to take it.',
  working: 'Working…',
  link: 'Send the candidate this link:',
};

/**
 * What an action did or why it failed, in another language: the lines after the buttons' words in each language's
 * chunk, in this order: cancelled at the vendor, cancelled here only, the vendor sent the invitation again, the vendor
 * sends no reminders itself, a new attempt was ordered, already done, then the words for these error codes, then a
 * failure without words. English has none: it shows the BFF's own sentence, which also names the vendor's call.
 */
const CODES = ['action_unavailable', 'vendor_rejected', 'vendor_unavailable'];

type Words = typeof actionMessages & { more?: string[] };
const KEYS = Object.keys(actionMessages) as (keyof typeof actionMessages)[];

/** The other languages' words, one small chunk each (dist/widget/i18n/acts-<lang>-<hash>.js). */
const CHUNKS: Record<string, () => Promise<{ default: string }>> = {
  fr: () => import('./locales/acts-fr.js'),
  ar: () => import('./locales/acts-ar.js'),
  de: () => import('./locales/acts-de.js'),
  es: () => import('./locales/acts-es.js'),
  hi: () => import('./locales/acts-hi.js'),
};
/** Per language, its words once loaded (English until then, and for good after a failed load). */
const words: Record<string, Words> = { en: actionMessages };

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
  const said = () => words[lang] ?? actionMessages;
  /** Follows the language the element shows now: its words are loaded once, then the row renders again. */
  function follow(): void {
    const want = shownLanguage(host);
    if (want === lang) return;
    lang = want;
    if (!(want in words) && want in CHUNKS) {
      words[want] = actionMessages; // one load per language, even a failed one
      CHUNKS[want]!().then(({ default: lines }) => {
        const v = lines.split('\n');
        words[want] = { ...(Object.fromEntries(KEYS.map((k, i) => [k, v[i] || actionMessages[k]])) as typeof actionMessages), more: v.slice(KEYS.length) };
        if (lang === want) host.requestUpdate();
      }, () => {});
    }
    host.requestUpdate();
  }
  /** Per order: the running action, the last outcome, and one Idempotency-Key per intent (a retry repeats nothing). */
  const state = new Map<string, { busy?: Action; done?: ActionResponse; url?: string; err?: { code?: unknown; message?: string }; keys: Partial<Record<Action, string>> }>();
  const of = (id: string) => state.get(id) ?? (state.set(id, { keys: {} }), state.get(id)!);
  queueMicrotask(() => host.requestUpdate()); // the element renders the buttons once this is in place

  async function run(o: Order, a: Action): Promise<void> {
    const s = of(o.id);
    if (s.busy || (a === 'cancel' && !confirm(said().confirmCancel))) return;
    s.keys[a] ??= rand();
    Object.assign(s, { busy: a, done: undefined, url: '', err: undefined });
    host.requestUpdate();
    try {
      const r = await api.call<ActionResponse>('POST', `/v1/orders/${encodeURIComponent(o.id)}/${a}`, undefined, { 'Idempotency-Key': s.keys[a]! });
      s.done = r;
      s.url = r.sentBy === 'ats' ? webUrl(r.url) : '';
      delete s.keys[a];
    } catch (err) {
      s.err = (err ?? {}) as object; // a Failure: its code, and the BFF's sentence as its message
    } finally {
      s.busy = undefined;
      host.requestUpdate();
    }
  }

  /** What the action did: our words for its outcome where the language has them, else the BFF's sentence. */
  const outcome = (r: ActionResponse, m: Words): string =>
    m.more?.[!r.changed ? 5 : r.action === 'cancel' ? (r.vendorCall ? 0 : 1) : r.action === 'remind' ? (r.sentBy === 'ats' ? 3 : 2) : 4] || r.message;
  /** Why it failed: our words for the code where the language has them, else the BFF's sentence (e.g. "PSI offers no way…"). */
  const failure = (e: { code?: unknown; message?: string }, m: Words): string => {
    const i = CODES.indexOf(e.code as string);
    return (i < 0 ? '' : m.more?.[6 + i]) || e.message || m.more?.[9] || String(e.code ?? e);
  };

  return (o: Order): TemplateResult => {
    queueMicrotask(follow); // after this render has set the element's `lang`
    const m = said();
    const s = of(o.id);
    // The element's catalog says what the order's vendor offers (no "send again" where the vendor cannot).
    const offered = (host as { packages?: readonly Package[] }).packages?.find((p) => p.id === o.packageId)?.actions;
    const acts = ACTIONS.filter((a) => fits(a, o.status) && (!offered || offered.includes(a)));
    return html`<div part="order-actions" class="actions">
      ${acts.map(
        (a) => html`<button type="button" part=${`action-${a}`} class="btn quiet" aria-disabled=${s.busy ? 'true' : 'false'} @click=${() => void run(o, a)}>
          ${s.busy === a ? m.working : m[a]}
        </button>`,
      )}
      ${s.done ? html`<p part="action-note" role="status">${outcome(s.done, m)}${s.url ? html` ${m.link} <a href=${s.url} target="_blank" rel="noopener noreferrer">${s.url}</a>` : ''}</p>` : ''}
      ${s.err ? html`<p class="err" role="alert">${failure(s.err, m)}</p>` : ''}
    </div>`;
  };
}
