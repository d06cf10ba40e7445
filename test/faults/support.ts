// What the fault tests share: a PSI tenant set-up, PSI notifications sent like PSI sends them (bearer token from
// /oauth/token, the body of docs/vendors/psi.md#notifications), reads of /metrics, and a bounded-concurrency runner.
import type { Order } from '@ca/shared';
import { api } from '../support/config.js';

export const PSI_CLIENT = { clientId: 'psi-faults', clientSecret: 'psi-faults-client-secret-0123456789' };
export const PSI_VENDOR = { clients: [PSI_CLIENT], schedulingUrl: 'https://psi.example/schedule?e={eligibilityId}' };
export const PSI_PACKAGE = { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' };

export async function psiToken(url: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${PSI_CLIENT.clientId}:${PSI_CLIENT.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`/oauth/token answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A booking made or moved (a NotificationRequest: docs/vendors/psi.md#notifications) for an order, effective at `effectiveMs`. */
export function psiBooking(order: Pick<Order, 'vendorRef' | 'candidateId'>, effectiveMs: number, opts: { address?: string } = {}): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.stringify({
    booking_code: `BKG-${order.vendorRef}`,
    booking_on: iso(effectiveMs + 7 * 86_400_000),
    candidate_fname: 'Ada',
    candidate_id: order.candidateId,
    candidate_lname: 'Lovelace',
    change_reason: 'BOOKING_RESCHEDULED',
    client_eligibility_id: order.vendorRef,
    delivery_mode: 'SITE_PROCTORED',
    effective_date: iso(effectiveMs),
    exam_code: PSI_PACKAGE.examCode,
    location_address: opts.address ?? '1 Main Street, New York, NY 10001',
    location_code: 'NY-017',
    location_name: 'PSI Test Center Manhattan',
    location_timezone: 'America/New_York',
  });
}

export function sendPsi(url: string, token: string, body: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/hooks/psi/acme`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
    ...(signal ? { signal } : {}),
  });
}

/** Creates an order for a candidate of tenant acme with the API key. */
export async function createOrder(url: string, candidateId: string, packageId: string, idempotencyKey?: string): Promise<Response> {
  return api(url, '/v1/orders', {
    method: 'POST',
    headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {},
    body: JSON.stringify({ packageId, candidateId, candidate: { firstName: 'Ada', lastName: 'Lovelace', email: `${candidateId}@example.com` } }),
  });
}

export async function getOrder(url: string, id: string): Promise<Order> {
  return ((await (await api(url, `/v1/orders/${id}`)).json()) as { order: Order }).order;
}

/** One sample of a Prometheus metric (summed over its labels) from /metrics. */
export async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await task(next++);
    }),
  );
}
