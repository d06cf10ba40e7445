// The <candidate-assessment> element class: its public contract, its state and how state changes. No side effects
// on import (registration is in candidate-assessment.ts); I/O sits in controllers/, each block's markup in render/.
// Never shows scores or reports in the candidate view.
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Order, OrderEvent, Package } from '@ca/shared';
import styles from './candidate-assessment.styles.js';
import { readClaims } from './claims.js';
import { ApiController } from './controllers/api-controller.js';
import { ClockController, time } from './controllers/clock-controller.js';
import { LinkController } from './controllers/link-controller.js';
import { StreamController } from './controllers/stream-controller.js';
import { TokenController } from './controllers/token-controller.js';
import type { CandidateAssessmentEventMap } from './events.js';
import { Failure } from './failure.js';
import { languageOf, loadMessages, resolveLocale, type Locale, type Messages } from './i18n.js';
import type { Connection } from './live-stream.js';
import { explain, type Problem } from './problem.js';
import { renderCatalog } from './render/catalog.js';
import { renderOrder, statusLabel } from './render/order.js';
import { renderOrderList } from './render/order-list.js';
import { renderProblem, renderSkeleton } from './render/status.js';

type View = 'auto' | 'recruiter' | 'candidate';
type Phase = 'idle' | 'loading' | 'ready' | 'error';

const newKey = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
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

  readonly #tokens = new TokenController(this);
  readonly #http = new ApiController(this, this.#tokens);
  /** The recruiter actions of an order, from a chunk loaded with the recruiter view (acts.ts). */
  #acts?: (o: Order) => unknown;
  readonly #clock = new ClockController(this);
  readonly #links = new LinkController(this, this.#http, (err) => this.#report(err).message);
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
    failed: (code) => (this.fetchToken ? (this.problem = explain(this.#loc.m, { code })) : this.#fail({ code, message: '' })),
  });
  #loc: Locale = resolveLocale('en', null);
  /** The language asked for, and whether its chunk is still on its way (the list waits for it, in a skeleton). */
  #wantLang = '';
  #langPending = false;
  #generation = 0;
  /** One key per ordering intent: a double click or a retry of the same intent orders once. */
  #intentKey = newKey();

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
  }

  /** The view shown: a candidate token never gets the recruiter view. */
  get effectiveView(): 'recruiter' | 'candidate' {
    const role = this.#tokens.claims?.role;
    const asked = [role, this.view];
    return !asked.includes('candidate') && asked.includes('recruiter') ? 'recruiter' : 'candidate';
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
    this.#report({ code: 'token_expired' });
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
    // The recruiter's actions are a chunk of their own, asked for once the recruiter's list shows. Through a resolved
    // promise: a chunk that fails to load (or an import the page cannot make) costs the buttons only.
    if (this.phase === 'ready' && !this.#langPending && this.effectiveView === 'recruiter') {
      this.#acts ??= (Promise.resolve()
        .then(() => import('./acts.js'))
        .then((x) => (this.#acts = x.default(this, html, this.#http)), () => {}), () => nothing);
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
      if (gen === this.#generation) this.sendError = explain(this.#loc.m, err).message;
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
      else if (gen === this.#generation) this.#report(err);
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
    this.announcement = `${o.packageName}: ${statusLabel(this.#loc.m, this.effectiveView === 'recruiter', o.status)}`;
  }

  /** Shows a failure: in place of the list before it loaded, above it (data kept) afterwards. */
  #fail(err: unknown): void {
    this.problem = explain(this.#loc.m, err);
    if (this.phase !== 'ready') this.phase = 'error';
    this.#stream.stop();
    this.#report(err);
  }

  /** Tells the page about a failure (`ca-error`) and returns it in words. */
  #report(err: unknown): Problem {
    const p = explain(this.#loc.m, err);
    this.#dispatch('ca-error', { ...p });
    return p;
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
      this.sendError = this.#report(err).message;
      // A definite refusal ends this intent; a network error or 5xx keeps the key so a retry cannot order twice.
      if (err instanceof Failure && err.status >= 400 && err.status < 500) this.#intentKey = newKey();
    } finally {
      this.sending = false;
    }
  }

  protected override render(): TemplateResult {
    const { m, rtl, tag, plural } = this.#loc;
    const recruiter = this.effectiveView === 'recruiter';
    const phase = this.#langPending && this.phase === 'ready' ? 'loading' : this.phase;
    const ready = phase === 'ready';
    return html`<section
      part="base"
      class="base"
      aria-labelledby="t"
      aria-busy=${phase === 'loading' || phase === 'idle'}
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
      ${recruiter && ready
        ? renderCatalog(m, this.packages, this.selected, this.sending, this.sendError, this.#onSend, this.#onSelect)
        : nothing} ${this.#renderBody(m, recruiter, phase)}
      <div class="sr" role="status" aria-live="polite">${this.announcement}</div>
    </section>`;
  }

  /** The error banner in place of the list before it loaded (above it afterwards), the skeleton while loading. */
  #renderBody(m: Messages, recruiter: boolean, phase: Phase): TemplateResult | typeof nothing {
    const p = this.problem;
    const problem = p ? renderProblem(p, m, !!this.fetchToken, () => void this.#boot()) : nothing;
    if (phase === 'error') return problem;
    if (phase !== 'ready') return renderSkeleton(m);
    return html`${problem}
    ${renderOrderList(this.orders, m, (o) => renderOrder(o, this.#loc, recruiter, this.#clock.now, this.#links, this.#acts))}`;
  }
}
