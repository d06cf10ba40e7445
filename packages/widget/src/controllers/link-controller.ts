// An order's single-use links (the candidate's "Start assessment", the recruiter's "View report"): renders them,
// fetches a ticket ahead (pointer over, focus, press) so its URL is in `href` by click time, and drops it once
// followed. Never reuses a followed ticket or one about to expire.
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { LinkKind, LinkResponse, Order } from '@ca/shared';
import type { Messages } from '../i18n.js';
import type { ApiController } from './api-controller.js';
import { time } from './clock-controller.js';

/** A ticket this close to its expiry is fetched anew rather than followed. */
const TICKET_MARGIN_MS = 30_000;

/** Has no lifecycle hooks, so it is not registered with the host. */
export class LinkController {
  /** Why opening a link failed, as the element's failure handler worded it; like tickets, by `<order id>|<kind>`. */
  readonly #errors: Record<string, string> = {};
  /** Tickets at hand and tickets on their way. */
  readonly #tickets = new Map<string, LinkResponse>();
  readonly #inFlight = new Map<string, Promise<LinkResponse>>();

  readonly #host: ReactiveControllerHost;
  readonly #api: ApiController;
  /** Reports a failure (as `ca-error`) and returns the sentence to show under the link. */
  readonly #failed: (err: unknown) => string;

  constructor(host: ReactiveControllerHost, api: ApiController, failed: (err: unknown) => string) {
    this.#host = host;
    this.#api = api;
    this.#failed = failed;
  }

  /** The link (a ticket's URL in `href` once one is at hand) and, when opening it failed, why. */
  render(o: Order, kind: LinkKind, label: string, m: Messages): TemplateResult {
    const key = `${o.id}|${kind}`;
    const err = this.#errors[key];
    return html`<a
        part=${kind}
        class="btn ${kind === 'report' ? 'quiet' : ''}"
        href=${this.#tickets.get(key)?.url ?? '#'}
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

  /** A ticket: the one at hand until shortly before it expires, one request per order and kind at a time. */
  #ticket(orderId: string, kind: LinkKind): Promise<LinkResponse> {
    const key = `${orderId}|${kind}`;
    const t = this.#tickets.get(key);
    if (t && time(t.expiresAt) - Date.now() > TICKET_MARGIN_MS) return Promise.resolve(t);
    let p = this.#inFlight.get(key);
    if (!p) {
      p = this.#api.link(orderId, kind).then((fresh) => {
        this.#tickets.set(key, fresh);
        this.#host.requestUpdate();
        return fresh;
      });
      p.finally(() => this.#inFlight.delete(key)).catch(() => {});
      this.#inFlight.set(key, p);
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
    if (this.#errors[key]) this.#setError(key, '');
    if (t && a.getAttribute('href') === t.url && time(t.expiresAt) - Date.now() > TICKET_MARGIN_MS) {
      // Drop it a task later: re-rendering now would change href before the browser reads it.
      setTimeout(() => {
        if (this.#tickets.get(key) === t) this.#tickets.delete(key);
        this.#host.requestUpdate();
      });
      return;
    }
    e.preventDefault();
    const tab = window.open('', '_blank');
    if (tab) tab.opener = null;
    this.#ticket(order, kind).then(
      (fresh) => {
        this.#tickets.delete(key);
        this.#host.requestUpdate();
        if (tab) tab.location.href = fresh.url;
      },
      (err: unknown) => {
        tab?.close();
        this.#setError(key, this.#failed(err));
      },
    );
  };

  #setError(key: string, message: string): void {
    this.#errors[key] = message;
    this.#host.requestUpdate();
  }
}
