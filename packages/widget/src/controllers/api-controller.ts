// Calls the BFF's HTTP API with the widget token; retries once with a fresh token after a 401 (or after a failure
// with no answer once the token is past its exp).
// Never sends the token anywhere but the Authorization header, never sends cookies.
import type { LinkKind, LinkResponse, Order, OrderResponse, OrdersResponse, Package, PackagesResponse } from '@ca/shared';
import { Failure } from '../failure.js';
import type { TokenController } from './token-controller.js';

/** Has no lifecycle hooks, so it is not registered with the host. */
export class ApiController {
  readonly #host: { readonly api: string };
  readonly #tokens: TokenController;

  constructor(host: { readonly api: string }, tokens: TokenController) {
    this.#host = host;
    this.#tokens = tokens;
  }

  get base(): string {
    return this.#host.api.replace(/\/+$/, '');
  }

  orders(): Promise<Order[]> {
    return this.call<OrdersResponse>('GET', '/v1/orders').then((r) => r.orders);
  }

  packages(): Promise<Package[]> {
    return this.call<PackagesResponse>('GET', '/v1/packages').then((r) => r.packages);
  }

  /** Places an order; the same `idempotencyKey` for the same intent makes a repeat harmless. */
  createOrder(packageId: string, idempotencyKey: string): Promise<Order> {
    return this.call<OrderResponse>('POST', '/v1/orders', { packageId }, { 'Idempotency-Key': idempotencyKey }).then(
      (r) => r.order,
    );
  }

  /** A single-use ticket URL for launching the assessment or opening the report. */
  link(orderId: string, kind: LinkKind): Promise<LinkResponse> {
    return this.call<LinkResponse>('POST', `/v1/orders/${encodeURIComponent(orderId)}/links`, { kind });
  }

  /** Any API call with the widget token (also used by the recruiter actions chunk). */
  async call<T>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T> {
    for (let retried = false; ; retried = true) {
      const token = this.#tokens.token;
      const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${token}`, ...extra };
      if (body) headers['Content-Type'] = 'application/json';
      let res: Response;
      try {
        res = await fetch(this.base + path, {
          method,
          headers,
          body: body ? JSON.stringify(body) : null,
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch {
        // After exp, a request with no readable answer was most likely refused (a 401 without CORS headers).
        if (!retried && this.#tokens.canRefresh && this.#tokens.expired) {
          await this.#tokens.refresh(token);
          continue;
        }
        throw new Failure('network');
      }
      if (res.status === 401 && !retried && this.#tokens.canRefresh) {
        await this.#tokens.refresh(token);
        continue;
      }
      const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      if (res.ok && json) return json as T;
      const e = json?.error;
      throw new Failure(e?.code ?? (res.status === 401 ? 'token_invalid' : 'generic'), e?.message ?? res.statusText, res.status);
    }
  }
}
