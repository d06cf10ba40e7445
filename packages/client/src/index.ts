// @ca/client: the typed client an ATS back end uses to call the candidate-assessment BFF with its tenant API key,
// and to verify the BFF's signed webhooks. Types come from src/schema.ts (generated from /openapi.json); calls go
// through openapi-fetch, so every path, parameter, body and response is checked by the compiler.
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import { Webhook } from 'standardwebhooks';
import type { components, paths, webhooks } from './schema.js';

export type { components, operations, paths, webhooks } from './schema.js';

type Schemas = components['schemas'];
export type Order = Schemas['OrderResponse']['order'];
export type OrderEvent = Schemas['OrderEvent'];
export type Package = Schemas['PackagesResponse']['packages'][number];
export type ApiError = Schemas['ApiError'];
export type ErrorCode = ApiError['error']['code'];
export type CreateOrderRequest = Schemas['CreateOrderRequest'];
export type WidgetSessionRequest = Schemas['WidgetSessionRequest'];
export type HistoryEntry = Schemas['HistoryResponse']['history'][number];
export type AtsWebhook = webhooks['orderEvent']['post'];

export interface CaClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The BFF's base URL, e.g. `https://bff.example.com`. */
  baseUrl: string;
  /** The tenant API key (`tenants.<id>.apiKeys`). Server-side only: never send it to a browser. */
  apiKey: string;
}

export type CaClient = Client<paths>;

/**
 * A typed client for the BFF's HTTP API.
 *
 * @example
 * const ca = createCaClient({ baseUrl: 'https://bff.example.com', apiKey: process.env.CA_API_KEY! });
 * const { data, error } = await ca.POST('/v1/orders', {
 *   params: { header: { 'Idempotency-Key': `order-${applicationId}` } },
 *   body: { packageId: 'mettl-java', candidateId: '123', candidate: { firstName, lastName, email } },
 * });
 * if (error) throw new Error(error.error.message); // error.error.code is a typed ErrorCode
 */
export function createCaClient(opts: CaClientOptions): CaClient {
  const { apiKey, baseUrl, headers, ...rest } = opts;
  return createClient<paths>({
    ...rest,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(headers as Record<string, string> | undefined), Authorization: `Bearer ${apiKey}` },
  });
}

/**
 * Mints a widget token for the `fetchToken` of `<candidate-assessment>`: what the ATS back end's token endpoint does.
 * Throws with the BFF's error code on failure.
 */
export async function mintWidgetToken(ca: CaClient, body: WidgetSessionRequest): Promise<{ token: string; expiresAt: string }> {
  const { data, error, response } = await ca.POST('/v1/widget-sessions', { body });
  if (!data) throw new CaApiError(response.status, error as ApiError | undefined);
  return data;
}

/** A non-2xx answer of the BFF, with its stable error code. */
export class CaApiError extends Error {
  readonly code: ErrorCode | 'http_error';
  constructor(
    readonly status: number,
    body: ApiError | undefined,
  ) {
    super(body?.error.message ?? `The BFF answered ${status}.`);
    this.name = 'CaApiError';
    this.code = body?.error.code ?? 'http_error';
  }
}

/** Request headers as a Fetch `Headers`, Node's `req.headers` (`IncomingHttpHeaders`) or a plain object. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Verifies a delivery of the BFF's outbound webhook (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) and returns the event. Pass the raw body exactly as received (a string or the bytes), and
 * the headers as a Fetch `Headers` or Node's `req.headers`. Throws when the signature or timestamp does not verify,
 * and a `TypeError` naming the setting when `secret` is missing or empty. `secret` is the tenant's
 * `atsWebhook.secret` (`whsec_…` base64, otherwise raw bytes).
 */
export function verifyWebhook(secret: string, headers: WebhookHeaders, rawBody: string | Uint8Array): OrderEvent {
  const wh = webhookOf(secret);
  const h: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((v, k) => (h[k] = v));
  else for (const [k, v] of Object.entries(headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  return wh.verify(body, h) as OrderEvent;
}

function webhookOf(secret: unknown): Webhook {
  const missing = () =>
    new TypeError(
      "verifyWebhook: the webhook secret is missing or empty. Pass the tenant's atsWebhook.secret from the BFF's config (the same value, e.g. from an environment variable that is set).",
    );
  if (typeof secret !== 'string' || !secret.trim() || secret === 'whsec_') throw missing();
  return secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
}

/** Of two snapshots of one order (webhook, poll, SSE), the newer one: the higher `version` wins. */
export const newerOrder = (a: Order, b: Order): Order => (b.version > a.version ? b : a);
