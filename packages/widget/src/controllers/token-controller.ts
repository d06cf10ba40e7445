// Holds the widget token: asks the page's fetchToken() at start, at ~80 % of the token's life, after a 401, and
// again with backoff when a refresh failed. Never verifies the token (the BFF does) and never puts it anywhere
// but an Authorization header.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { readClaims, type TokenClaims } from '../claims.js';
import { Failure } from '../failure.js';

export interface TokenHost extends ReactiveControllerHost {
  token: string;
  fetchToken: (() => Promise<string>) | undefined;
  /** Called when a scheduled refresh fails. */
  tokenRefreshFailed(err: unknown): void;
}

/** Refresh at this share of the token's life. */
const REFRESH_AT = 0.8;
/** A failed refresh is tried again after 1 s × 2ⁿ (with jitter), at most this long. */
const MAX_RETRY_MS = 60_000;

export class TokenController implements ReactiveController {
  token = '';
  claims: TokenClaims | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pending: Promise<string> | null = null;
  /** When the token expires by the page's clock, counted from receipt (a skewed clock does not matter). */
  #expiresAt = 0;
  /** Scheduled refreshes that failed in a row. */
  #failures = 0;

  readonly #host: TokenHost;

  constructor(host: TokenHost) {
    this.#host = host;
    host.addController(this);
  }

  get canRefresh(): boolean {
    return typeof this.#host.fetchToken === 'function';
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
  }

  /** The first token: from fetchToken() when the page gave one, else the `token` attribute. */
  async start(): Promise<void> {
    if (this.canRefresh) await this.refresh();
    else this.use(this.#host.token);
  }

  use(token: string): void {
    this.token = token;
    const c = (this.claims = readClaims(token));
    // The life is measured from iat to exp and counted from receipt, so a skewed page clock does not matter.
    const lifeMs = c?.exp ? (c.exp - (c.iat ?? Date.now() / 1000)) * 1000 : 0;
    this.#expiresAt = lifeMs && Date.now() + lifeMs;
    this.#failures = 0;
    clearTimeout(this.#timer);
    if (lifeMs && this.canRefresh) this.#at(Math.max(1000, lifeMs * REFRESH_AT));
    this.#host.requestUpdate();
  }

  /**
   * Whether the token is past its `exp`, by its life counted from receipt or by the page's clock. A request that
   * fails without an answer after that was most likely a 401 the browser could not read (no CORS headers on it).
   */
  get expired(): boolean {
    const exp = this.claims?.exp;
    return !!exp && Date.now() >= Math.min(this.#expiresAt, exp * 1000);
  }

  /**
   * A fresh token. Callers pass the token that was refused: if it has been replaced meanwhile, the newer one is
   * returned, and concurrent callers (a 401 on the list and on the stream) share one fetchToken() call.
   */
  refresh(refused?: string): Promise<string> {
    const fetchToken = this.#host.fetchToken;
    if (!fetchToken) return Promise.reject(new Failure('token_expired'));
    if (refused && refused !== this.token && !this.#pending) return Promise.resolve(this.token);
    return (this.#pending ??= (async () => {
      try {
        // Accept what an ATS most likely hands back: the token, or the body of POST /v1/widget-sessions.
        let token: unknown = await fetchToken();
        if (typeof token === 'string' && token.trim().startsWith('{')) token = JSON.parse(token) as unknown;
        token = String((token as { token?: unknown })?.token ?? token ?? '').trim();
        if (!token) throw new Failure('token_expired');
        this.use(token as string);
        return token as string;
      } catch (err) {
        this.#retryLater(err);
        throw err instanceof Failure ? err : new Failure('token_expired');
      } finally {
        this.#pending = null;
      }
    })());
  }

  #at(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.refresh().catch(() => {}), delay);
  }

  /**
   * A refresh failed: tell the page once, then try again with backoff (the ATS may be back before the token runs
   * out, and a token past exp must not be used until reload). Not at start: the element shows that failure itself.
   */
  #retryLater(err: unknown): void {
    if (!this.token || !this.canRefresh) return;
    if (!this.#failures++) this.#host.tokenRefreshFailed(err);
    const base = Math.min(MAX_RETRY_MS, 1000 * 2 ** this.#failures);
    this.#at(base / 2 + (Math.random() * base) / 2);
  }
}
