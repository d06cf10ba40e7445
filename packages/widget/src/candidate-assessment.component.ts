// The <candidate-assessment> element class: state and rendering. No side effects on import (registration is in
// candidate-assessment.ts); all I/O sits in the controllers. Never shows scores or reports in the candidate view.
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { LinkKind, LinkResponse, Order, OrderEvent, OrderStatus, Package } from '@ca/shared';
import styles from './candidate-assessment.styles.js';
import { readClaims } from './claims.js';
import { ApiController } from './controllers/api-controller.js';
import { ClockController } from './controllers/clock-controller.js';
import { StreamController } from './controllers/stream-controller.js';
import { TokenController } from './controllers/token-controller.js';
import type { CandidateAssessmentEventMap } from './events.js';
import { Failure } from './failure.js';
import { languageOf, loadMessages, resolveLocale, type Locale, type Messages } from './i18n.js';
import type { Connection } from './live-stream.js';

type View = 'auto' | 'recruiter' | 'candidate';
type Phase = 'idle' | 'loading' | 'ready' | 'error';
interface Problem {
  code: string;
  message: string;
}

/** Error codes the widget explains in its own words (and language); others show the BFF's message. */
const OWN_WORDS: readonly string[] = ['token_expired', 'network', 'vendor_rejected', 'vendor_unavailable'];
/** A ticket this close to its expiry is fetched anew rather than followed. */
const TICKET_MARGIN_MS = 30_000;

const newKey = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
const time = (iso: string | undefined): number => (iso ? Date.parse(iso) : 0);
/** "18 / 25" kept left to right, or an RTL page would show "25 / 18". */
const ratio = (a: string, b: string): TemplateResult => html`<span dir="ltr">${a} / ${b}</span>`;
const newestFirst = (a: Order, b: Order): number => time(b.createdAt) - time(a.createdAt);

/**
 * @summary Shows a candidate's pre-employment assessments from several vendors, live: the recruiter orders,
 * follows statuses and reads results; the candidate launches the assessment.
 *
 * @event {CustomEvent<CaReadyDetail>} ca-ready - The first list of orders is shown.
 * @event {CustomEvent<CaOrderCreatedDetail>} ca-order-created - A new order appeared (`detail.order`).
 * @event {CustomEvent<CaStatusChangeDetail>} ca-status-change - An order changed status (`detail.order`, `detail.previous` = the previous status).
 * @event {CustomEvent<CaErrorDetail>} ca-error - Something failed (`detail.code`, `detail.message`).
 *
 * @csspart base - The outer box.
 * @csspart header - The title row.
 * @csspart count - How many assessments there are.
 * @csspart title - The heading.
 * @csspart connection - The live / reconnecting indicator.
 * @csspart catalog - The "Send assessment" form (recruiter).
 * @csspart package-select - The catalog's select.
 * @csspart send - The "Send assessment" button.
 * @csspart send-error - The sentence explaining why an order was refused.
 * @csspart list - The list of orders.
 * @csspart order - One order.
 * @csspart badge - An order's status.
 * @csspart progress - An order's progress bar.
 * @csspart booking - An exam booking (time, zone, place).
 * @csspart result - Scores, band, fit, sub-scores, flags and job fits (recruiter).
 * @csspart launch - The "Start assessment" / "Continue" link (candidate).
 * @csspart report - The "View report" link (recruiter).
 * @csspart completed - The "Completed" mark (candidate).
 * @csspart skeleton - The loading placeholder.
 * @csspart empty - The empty state.
 * @csspart error - The error state.
 * @csspart retry - The error state's retry button.
 *
 * @cssproperty --ca-font - Font family.
 * @cssproperty --ca-font-size - Base font size.
 * @cssproperty --ca-color-text - Text color.
 * @cssproperty --ca-color-bg - Background of the box and inputs.
 * @cssproperty --ca-color-surface - Background of an order.
 * @cssproperty --ca-color-border - Borders.
 * @cssproperty --ca-color-muted - Secondary text.
 * @cssproperty --ca-color-accent - Buttons, links, focus ring.
 * @cssproperty --ca-color-accent-text - Text on accent.
 * @cssproperty --ca-color-success - "Live" and "Completed".
 * @cssproperty --ca-color-warning - "Reconnecting".
 * @cssproperty --ca-color-danger - Errors and warning flags.
 * @cssproperty --ca-radius - Corner radius.
 * @cssproperty --ca-space - Base spacing.
 */
export class CandidateAssessment extends LitElement {
  static override styles = styles;

  static override properties = {
    api: { type: String },
    token: { type: String },
    lang: { type: String, reflect: true },
    view: { type: String },
    fetchToken: { attribute: false },
    orders: { state: true },
    packages: { state: true },
    phase: { state: true },
    problem: { state: true },
    connection: { state: true },
    announcement: { state: true },
    selected: { state: true },
    sending: { state: true },
    sendError: { state: true },
    linkErrors: { state: true },
  };

  /** Base URL of the BFF (required). */
  declare api: string;
  /** A widget token; optional when `fetchToken` is set. */
  declare token: string;
  /** `auto` (from the token's role), `recruiter` or `candidate`. A candidate token always gets the candidate view. */
  declare view: View;
  /** Returns a fresh widget token; called at start, at ~80 % of a token's life and after a 401. */
  declare fetchToken: (() => Promise<string>) | undefined;

  declare protected orders: Order[];
  declare protected packages: Package[];
  declare protected phase: Phase;
  declare protected problem: Problem | null;
  declare protected connection: Connection;
  declare protected announcement: string;
  declare protected selected: string;
  declare protected sending: boolean;
  declare protected sendError: string;
  declare protected linkErrors: Record<string, string>;

  readonly #tokens = new TokenController(this);
  readonly #http = new ApiController(this, this.#tokens);
  /** The recruiter actions of an order, from a chunk loaded with the recruiter view (acts.ts). */
  #acts?: (o: Order) => unknown;
  readonly #clock = new ClockController(this);
  readonly #stream = new StreamController(this, {
    token: () => this.#tokens.token,
    refreshToken: (refused) => this.#tokens.refresh(refused),
    tokenExpired: () => this.#tokens.expired,
    event: (e) => this.#onEvent(e),
    resync: () => void this.#reload(),
    state: (s) => {
      this.connection = s;
      if (s === 'live' && this.problem?.code === 'token_expired') this.problem = null;
    },
    // Without fetchToken nothing can renew the token: stop. With it, say so and let the stream keep trying.
    failed: (code) => (this.fetchToken ? (this.problem = this.#explain({ code })) : this.#fail({ code, message: '' })),
  });
  #loc: Locale = resolveLocale('en', null);
  /** The language asked for, and whether its chunk is still on its way (the list waits for it, in a skeleton). */
  #wantLang = '';
  #langPending = false;
  #generation = 0;
  /** One key per ordering intent: a double click or a retry of the same intent orders once. */
  #intentKey = newKey();
  readonly #tickets = new Map<string, LinkResponse>();
  readonly #ticketsInFlight = new Map<string, Promise<LinkResponse>>();

  constructor() {
    super();
    this.api = '';
    this.token = '';
    this.view = 'auto';
    this.orders = [];
    this.packages = [];
    this.phase = 'idle';
    this.problem = null;
    this.connection = 'connecting';
    this.announcement = '';
    this.selected = '';
    this.sending = false;
    this.sendError = '';
    this.linkErrors = {};
  }

  /** The view shown: a candidate token never gets the recruiter view. */
  get effectiveView(): 'recruiter' | 'candidate' {
    const role = this.#tokens.claims?.role;
    if (role === 'candidate' || this.view === 'candidate') return 'candidate';
    return role === 'recruiter' || this.view === 'recruiter' ? 'recruiter' : 'candidate';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) void this.#boot();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#generation++;
  }

  /** Called by the token controller when a scheduled refresh fails. */
  tokenRefreshFailed(): void {
    this.#emitError('token_expired', this.#loc.m.token_expired);
  }

  /**
   * Keeps keyboard focus on the same control of the same order across live updates. Rows are rendered by position,
   * so a new order at the top hands the focused element to another order: focus follows its own order. When the
   * control is gone (a launch link once the order is done) focus goes to that order's row, and when the row is gone
   * too (the retry button) to the heading; never to the page's body.
   */
  protected override update(changed: PropertyValues<this>): void {
    const root = this.shadowRoot;
    const active = root?.activeElement as HTMLElement | null | undefined;
    const id = active?.closest('li')?.dataset.id;
    super.update(changed);
    if (!root || !active || (active.isConnected && active.closest('li')?.dataset.id === id)) return;
    const row = id ? root.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"]`) : null;
    (row?.querySelector<HTMLElement>(`[part="${active.getAttribute('part')}"]`) ?? row ?? root.querySelector('h2'))?.focus();
  }

  /** Derives the locale and (re)starts I/O when its inputs change; state set here joins this same update. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lang') || !this.hasUpdated) {
      const page = this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang;
      const want = (this.#wantLang = this.lang || page || navigator.language || 'en');
      // Even a language already here arrives a microtask later, before anything is painted.
      this.#langPending = true;
      void loadMessages(languageOf(want)).then((m) => {
        if (this.#wantLang !== want) return;
        this.#loc = resolveLocale(want, m);
        this.#langPending = false;
        this.requestUpdate();
      });
    }
    if (changed.has('view') && this.phase === 'ready' && this.effectiveView === 'recruiter' && !this.packages.length) {
      void this.#loadPackages(this.#generation);
    }
    if (changed.has('api') || changed.has('fetchToken')) void this.#boot();
    else if (changed.has('token') && !this.fetchToken) {
      // A new token for the same candidate just replaces the old one; another candidate starts over.
      const sub = readClaims(this.token)?.sub;
      if (this.phase === 'ready' && sub && sub === this.#tokens.claims?.sub) this.#tokens.use(this.token);
      else void this.#boot();
    }
  }

  /** (Re)starts: token, list, catalog, live stream. */
  async #boot(): Promise<void> {
    const gen = ++this.#generation;
    this.#stream.stop();
    if (!this.isConnected) return;
    if (!this.api) return this.#fail(new Failure('config', 'Set the api attribute.'));
    if (!this.token && !this.fetchToken) {
      this.phase = 'idle';
      return;
    }
    this.phase = 'loading';
    this.problem = null;
    try {
      await this.#tokens.start();
    } catch (err) {
      if (gen === this.#generation) this.#fail(err);
      return;
    }
    if (gen !== this.#generation) return;
    this.#stream.join(this.#http.base, this.#tokens.claims, this.#tokens.token);
    if (this.effectiveView === 'recruiter') void this.#loadPackages(gen);
    await this.#reload(gen);
  }

  async #loadPackages(gen: number): Promise<void> {
    try {
      const packages = await this.#http.packages();
      if (gen !== this.#generation) return;
      this.packages = packages;
      if (!packages.some((p) => p.id === this.selected)) this.selected = packages[0]?.id ?? '';
    } catch (err) {
      if (gen === this.#generation) this.sendError = this.#explain(err).message;
    }
  }

  /** Fetches the list; on a refetch (resync) changes are merged so they raise the usual events. */
  async #reload(gen = this.#generation): Promise<void> {
    const first = this.phase !== 'ready';
    let list: Order[];
    try {
      list = await this.#http.orders();
    } catch (err) {
      if (gen === this.#generation && first) this.#fail(err);
      else if (gen === this.#generation) this.#emitError(this.#explain(err).code, this.#explain(err).message);
      return;
    }
    if (gen !== this.#generation) return;
    for (const o of list) this.#upsert(o, false, !first);
    if (first) {
      this.phase = 'ready';
      this.#dispatch('ca-ready', { orders: this.orders.length });
    }
  }

  #onEvent(e: OrderEvent): void {
    this.#upsert(e.order, e.type === 'order.created', true);
  }

  /** Puts a snapshot in the list unless an equal-or-newer one is there; raises events when `notify`. */
  #upsert(order: Order, created: boolean, notify: boolean): void {
    const prev = this.orders.find((o) => o.id === order.id);
    if (!prev) {
      this.orders = [order, ...this.orders].sort(newestFirst);
      if (notify) {
        if (created || this.phase === 'ready') this.#dispatch('ca-order-created', { order });
        this.#announce(order);
      }
      return;
    }
    // The order's version orders snapshots (a 202 answer can arrive after the event of a later change).
    if (order.version <= prev.version) return;
    this.orders = this.orders.map((o) => (o.id === order.id ? order : o));
    if (prev.status !== order.status && notify) {
      this.#dispatch('ca-status-change', { order, previous: prev.status });
      this.#announce(order);
    }
  }

  #announce(o: Order): void {
    this.announcement = `${o.packageName}: ${this.#statusLabel(o.status)}`;
  }

  #statusLabel(s: OrderStatus): string {
    const m = this.#loc.m;
    return this.effectiveView === 'candidate' && s === 'scored' ? m.done : m[s];
  }

  /** Shows a failure: in place of the list before it loaded, above it (data kept) afterwards. */
  #fail(err: unknown): void {
    this.problem = this.#explain(err);
    if (this.phase !== 'ready') this.phase = 'error';
    this.#stream.stop();
    this.#emitError(this.problem.code, this.problem.message);
  }

  /** A failure as a sentence in the widget's language (the BFF's own message when we have no better one). */
  #explain(err: unknown): Problem {
    const m = this.#loc.m;
    const e = err as Partial<Failure>;
    let code = typeof e?.code === 'string' ? e.code : 'generic';
    if (/^(token_|unauthorized$)/.test(code)) code = 'token_expired';
    const own = OWN_WORDS.includes(code) ? m[code as 'network'] : '';
    if (!own) return { code, message: e?.message || m.generic };
    // The vendor's own reason, when it gave one, follows our sentence.
    return { code, message: code === 'vendor_rejected' && e?.message ? `${own} ${e.message}` : own };
  }

  #emitError(code: string, message: string): void {
    this.#dispatch('ca-error', { code, message });
  }

  #dispatch<K extends keyof CandidateAssessmentEventMap>(
    type: K,
    detail: CandidateAssessmentEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #onSelect(e: Event): void {
    this.selected = (e.target as HTMLSelectElement).value;
    this.#intentKey = newKey();
  }

  async #onSend(e: Event): Promise<void> {
    e.preventDefault();
    if (this.sending || !this.selected) return;
    this.sending = true;
    this.sendError = '';
    try {
      const order = await this.#http.createOrder(this.selected, this.#intentKey);
      this.#intentKey = newKey();
      this.#upsert(order, true, true);
      this.announcement = this.#loc.t(this.#loc.m.sent, order.packageName);
    } catch (err) {
      const p = this.#explain(err);
      // A definite refusal ends this intent; a network error or 5xx keeps the key so a retry cannot order twice.
      if (err instanceof Failure && err.status >= 400 && err.status < 500) this.#intentKey = newKey();
      this.sendError = p.message;
      this.#emitError(p.code, p.message);
    } finally {
      this.sending = false;
    }
  }

  /**
   * A single-use link ticket: cached until shortly before it expires, one request per order and kind at a time.
   */
  #ticket(orderId: string, kind: LinkKind): Promise<LinkResponse> {
    const key = `${orderId}|${kind}`;
    const t = this.#tickets.get(key);
    if (t && time(t.expiresAt) - Date.now() > TICKET_MARGIN_MS) return Promise.resolve(t);
    let p = this.#ticketsInFlight.get(key);
    if (!p) {
      p = this.#http.link(orderId, kind).then((fresh) => {
        this.#tickets.set(key, fresh);
        this.requestUpdate();
        return fresh;
      });
      p.finally(() => this.#ticketsInFlight.delete(key)).catch(() => {});
      this.#ticketsInFlight.set(key, p);
    }
    return p;
  }

  /** Pointer over, focus or press on a link: fetch its ticket now so the real href is ready at click time. */
  readonly #prefetch = (e: Event): void => {
    const { order, kind } = (e.currentTarget as HTMLElement).dataset;
    if (order && kind) this.#ticket(order, kind as LinkKind).catch(() => {});
  };

  /**
   * Click, Enter or middle-click on a link. With a fresh ticket in `href` the browser follows it (new tab, background
   * tab, whatever the person asked for) and the ticket is dropped afterwards, being single use. Without one, a blank
   * tab is opened now, inside the user gesture so no popup blocker stops it, and sent to the ticket when it arrives.
   */
  readonly #follow = (e: MouseEvent): void => {
    if (e.type === 'auxclick' && e.button !== 1) return;
    const a = e.currentTarget as HTMLAnchorElement;
    const { order, kind } = a.dataset as { order: string; kind: LinkKind };
    const key = `${order}|${kind}`;
    const t = this.#tickets.get(key);
    if (this.linkErrors[key]) this.linkErrors = { ...this.linkErrors, [key]: '' };
    if (t && a.getAttribute('href') === t.url && time(t.expiresAt) - Date.now() > TICKET_MARGIN_MS) {
      // Drop it a task later: re-rendering now would change href before the browser reads it.
      setTimeout(() => {
        if (this.#tickets.get(key) === t) this.#tickets.delete(key);
        this.requestUpdate();
      });
      return;
    }
    e.preventDefault();
    const tab = window.open('', '_blank');
    if (tab) tab.opener = null;
    this.#ticket(order, kind).then(
      (fresh) => {
        this.#tickets.delete(key);
        this.requestUpdate();
        if (tab) tab.location.href = fresh.url;
      },
      (err: unknown) => {
        tab?.close();
        const p = this.#explain(err);
        this.linkErrors = { ...this.linkErrors, [key]: p.message };
        this.#emitError(p.code, p.message);
      },
    );
  };

  protected override render(): TemplateResult {
    const { m, rtl, tag, plural } = this.#loc;
    const recruiter = this.effectiveView === 'recruiter';
    const phase = this.#langPending && this.phase === 'ready' ? 'loading' : this.phase;
    const ready = phase === 'ready';
    return html`<section
      part="base"
      class="base"
      aria-labelledby="t"
      aria-busy=${phase === 'loading' || phase === 'idle' ? 'true' : 'false'}
      lang=${tag}
      dir=${rtl ? 'rtl' : 'ltr'}
    >
      <header part="header">
        <h2 id="t" part="title" tabindex="-1">${m.title}</h2>
        ${ready && this.connection !== 'connecting'
          ? html`<span part="connection" class="conn ${this.connection}">${this.connection === 'live' ? m.live : m.reconnecting}</span>`
          : nothing}
      </header>
      ${ready && this.orders.length ? html`<p part="count" class="muted">${plural(m.count, this.orders.length)}</p>` : nothing}
      ${recruiter && ready ? this.#renderCatalog(m) : nothing} ${this.#renderBody(m, recruiter, phase)}
      <div class="sr" role="status" aria-live="polite">${this.announcement}</div>
    </section>`;
  }

  #renderCatalog(m: Messages): TemplateResult {
    // Through a resolved promise: a chunk that fails to load (or an import the page cannot make) costs the buttons only.
    this.#acts ??= (Promise.resolve()
      .then(() => import('./acts.js'))
      .then((x) => (this.#acts = x.default(this, html, this.#http)), () => {}), () => nothing);
    return html`<form part="catalog" @submit=${this.#onSend}>
      <label for="pkg">${m.pkg}</label>
      <select id="pkg" part="package-select" .value=${this.selected} @change=${this.#onSelect}>
        ${this.packages.map(
          (p) => html`<option value=${p.id} ?selected=${p.id === this.selected}>${p.name} · ${p.vendorName ?? p.vendor}</option>`,
        )}
      </select>
      <button part="send" type="submit" aria-disabled=${this.sending || !this.selected ? 'true' : 'false'}>
        ${this.sending ? m.sending : m.send}
      </button>
      ${this.sendError ? html`<p part="send-error" class="err" role="alert">${this.sendError}</p>` : nothing}
    </form>`;
  }

  #renderBody(m: Messages, recruiter: boolean, phase: Phase): TemplateResult {
    const p = this.problem;
    const problem = p
      ? html`<div part="error" role="alert">
          <p class="err">${p.code === 'config' ? '' : m.loadError} ${p.message}</p>
          ${p.code !== 'config' && (p.code !== 'token_expired' || this.fetchToken)
            ? html`<button part="retry" type="button" @click=${() => void this.#boot()}>${m.retry}</button>`
            : nothing}
        </div>`
      : nothing;
    if (phase === 'error') return html`${problem}`;
    if (phase !== 'ready') {
      return html`<div part="skeleton"><span class="sr">${m.loading}</span><div class="sk"></div><div class="sk"></div></div>`;
    }
    return html`${problem}
    ${this.orders.length
      ? html`<ul part="list">
          ${this.orders.map((o) => this.#renderOrder(o, m, recruiter))}
        </ul>`
      : html`<p part="empty" class="empty">${m.empty}</p>`}`;
  }

  #renderOrder(o: Order, m: Messages, recruiter: boolean): TemplateResult {
    const { t, relative, dateTime } = this.#loc;
    const done = o.status === 'completed' || o.status === 'scored';
    const showBadge = recruiter || !done;
    return html`<li part="order" class="order" tabindex="-1" data-id=${o.id} data-status=${o.status}>
      <div class="top">
        <span><span class="pkg">${o.packageName}</span> <span class="vendor">${o.vendorName ?? o.vendor}</span></span>
        ${showBadge ? html`<span part="badge" class="badge ${o.status}">${this.#statusLabel(o.status)}</span>` : nothing}
      </div>
      <p class="muted">
        <time datetime=${o.statusChangedAt} title=${dateTime(o.statusChangedAt)}
          >${t(m.changed, relative(o.statusChangedAt, this.#clock.now))}</time
        >
      </p>
      ${o.progress != null && !done && o.status === 'in_progress'
        ? html`<progress part="progress" max="100" .value=${o.progress} aria-label=${m.progress}></progress>`
        : nothing}
      ${o.booking ? this.#renderBooking(o.booking, m) : nothing}
      ${o.error && o.status === 'failed' ? html`<p class="err">${this.#explain(o.error).message}</p>` : nothing}
      ${recruiter ? [this.#renderResult(o, m), this.#acts?.(o)] : this.#renderCandidateAction(o, m, done)}
    </li>`;
  }

  #renderBooking(b: NonNullable<Order['booking']>, m: Messages): TemplateResult {
    const extra = [b.location, b.deliveryMode ? m[b.deliveryMode] : ''].filter(Boolean).join(' · ');
    return html`<p part="booking" class="booking">
      ${m.booking}: <time datetime=${b.startsAt}>${this.#loc.dateTime(b.startsAt, b.timeZone)}</time>
      <span class="muted">(${b.timeZone})</span>${extra ? html` · ${extra}` : nothing}
    </p>`;
  }

  #renderResult(o: Order, m: Messages): TemplateResult | typeof nothing {
    const r = o.result;
    if (!r) return nothing;
    const { number: n, pct } = this.#loc;
    const fits = [...r.jobFits].sort((a, b) => Number(b.primary) - Number(a.primary) || (b.fitPct ?? -1) - (a.fitPct ?? -1));
    return html`<div part="result" class="result">
      <dl>
        ${r.score != null ? html`<div><dt>${m.score}</dt><dd>${ratio(n(r.score), n(r.maxScore ?? 100))}</dd></div>` : nothing}
        ${r.band ? html`<div><dt>${m.band}</dt><dd>${r.band}</dd></div>` : nothing}
        ${r.passed != null ? html`<div><dt>${m.passed}</dt><dd>${r.passed ? m.passed : m.notPassed}</dd></div>` : nothing}
        ${r.level ? html`<div><dt>${m.fit}</dt><dd>${m[r.level]}</dd></div>` : nothing}
      </dl>
      ${r.flags.length
        ? html`<ul class="flags">
            ${r.flags.map(
              (f) =>
                html`<li class="flag ${f.severity}" data-code=${f.code}>
                  ${f.severity === 'warning' ? '⚠ ' : ''}${f.label}${f.value != null && f.value !== '' ? html`: ${String(f.value)}` : nothing}
                </li>`,
            )}
          </ul>`
        : nothing}
      ${r.subScores.length
        ? html`<h3>${m.subScores}</h3>
            <ul class="subs">
              ${r.subScores.map((s) => html`<li>${s.label}: ${s.max != null ? ratio(n(s.value), n(s.max)) : n(s.value)}</li>`)}
            </ul>`
        : nothing}
      ${fits.length
        ? html`<h3>${m.jobFits}</h3>
            <ul class="fits">
              ${fits.map(
                (f) =>
                  html`<li class=${f.primary ? 'primary' : ''}>
                    ${f.job}${f.fitPct != null ? html`: ${pct(f.fitPct)}` : nothing}${f.level ? html` · ${m[f.level]}` : nothing}${f.primary
                      ? html` (${m.primary})`
                      : nothing}
                  </li>`,
              )}
            </ul>`
        : nothing}
      ${r.reportAvailable ? html`<div class="actions">${this.#renderLink(o, 'report', m.report, m)}</div>` : nothing}
    </div>`;
  }

  #renderCandidateAction(o: Order, m: Messages, done: boolean): TemplateResult | typeof nothing {
    if (done) return html`<p part="completed" class="done">✓ ${m.done}</p>`;
    if (o.status !== 'invited' && o.status !== 'in_progress') return nothing;
    return html`<div class="actions">${this.#renderLink(o, 'launch', o.status === 'invited' ? m.start : m.resume, m)}</div>`;
  }

  #renderLink(o: Order, kind: LinkKind, label: string, m: Messages): TemplateResult {
    const key = `${o.id}|${kind}`;
    const t = this.#tickets.get(key);
    const err = this.linkErrors[key];
    return html`<a
        part=${kind}
        class="btn ${kind === 'report' ? 'quiet' : ''}"
        href=${t?.url ?? '#'}
        target="_blank"
        rel="noopener noreferrer"
        data-order=${o.id}
        data-kind=${kind}
        @pointerenter=${this.#prefetch}
        @pointerdown=${this.#prefetch}
        @focus=${this.#prefetch}
        @click=${this.#follow}
        @auxclick=${this.#follow}
        >${label}<span class="sr"> ${m.newTab}</span></a
      >${err ? html`<p class="err" role="alert">${err}</p>` : nothing}`;
  }
}
