import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorError, type VendorAdapter } from '../core/vendor-port.js';
import { startServiceFixture, type ServiceFixture } from '../../testing/services.js';
import { getOrder } from '../store/order-lookups.js';
import { createLinkService, isWebUrl, LinkRefused } from './service.js';

let f: ServiceFixture;
let links: ReturnType<typeof createLinkService>;
const clock = { t: Date.now() };
beforeAll(async () => {
  f = await startServiceFixture(() => new Date(clock.t));
  links = createLinkService({ db: f.db, adapters: f.adapters, metrics: f.metrics, log: f.log, now: () => new Date(clock.t), publicUrl: 'https://bff.example' });
});
afterAll(() => f?.close());

function setup(adapter: Partial<VendorAdapter>) {
  clock.t = Date.now();
  f.use(adapter);
  return { f, links };
}

const ticketOf = (url: string) => url.split('/').pop()!;

async function refusal(p: Promise<unknown>): Promise<LinkRefused> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(LinkRefused);
  return err as LinkRefused;
}

describe('link service', () => {
  it('issues a ticket URL on the public URL that follows once to a fresh vendor URL', async () => {
    let n = 0;
    const { f, links } = setup({ launchUrl: async (o) => ({ url: `https://vendor.example/go/${o.vendorRef}?n=${++n}` }) });
    const order = await f.order();
    const { url, expiresAt } = await links.issue(order, 'launch');
    expect(url).toMatch(/^https:\/\/bff\.example\/v1\/links\/[A-Za-z0-9_-]{32}$/);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect(await links.follow(ticketOf(url))).toEqual({ redirect: `https://vendor.example/go/${order.vendor_ref}?n=1` });
    const again = await refusal(links.follow(ticketOf(url)));
    expect([again.status, again.code]).toEqual([410, 'link_used']);
  });

  it('refuses an expired ticket and one it never issued', async () => {
    const { f, links } = setup({ launchUrl: async () => ({ url: 'https://vendor.example/x' }) });
    const { url } = await links.issue(await f.order(), 'launch');
    clock.t += 11 * 60_000;
    const expired = await refusal(links.follow(ticketOf(url)));
    expect([expired.status, expired.code]).toEqual([410, 'link_expired']);
    const unknown = await refusal(links.follow('A'.repeat(32)));
    expect([unknown.status, unknown.code]).toEqual([404, 'not_found']);
    const malformed = await refusal(links.follow('../../etc/passwd'));
    expect(malformed.status).toBe(404);
  });

  it('refuses to launch an order the vendor has not received, and a report that does not exist yet', async () => {
    const { f, links } = setup({ launchUrl: async () => ({ url: 'https://vendor.example/x' }), reportUrl: async () => ({ url: 'https://vendor.example/r' }) });
    await expect(links.issue(await f.order({ placed: false }), 'launch')).rejects.toMatchObject({ code: 'launch_unavailable', status: 409 });
    await expect(links.issue(await f.order(), 'report')).rejects.toMatchObject({ code: 'report_unavailable', status: 409 });
  });

  it('turns a vendor failure into 502 with the vendor message, and the ticket stays used', async () => {
    const { f, links } = setup({
      launchUrl: async () => {
        throw new VendorError('Mettl is down for maintenance.', { retryable: true });
      },
    });
    const { url } = await links.issue(await f.order(), 'launch');
    const err = await refusal(links.follow(ticketOf(url)));
    expect([err.status, err.code]).toEqual([502, 'vendor_unavailable']);
    expect(err.message).toContain('Mettl is down for maintenance.');
    expect((await refusal(links.follow(ticketOf(url)))).code).toBe('link_used');
  });

  it('never redirects to a vendor URL that is not http(s)', async () => {
    const { f, links } = setup({ launchUrl: async () => ({ url: 'javascript:alert(1)' }) });
    const { url } = await links.issue(await f.order(), 'launch');
    expect((await refusal(links.follow(ticketOf(url)))).status).toBe(502);
    expect([isWebUrl('https://a.example/x'), isWebUrl('http://a.example'), isWebUrl('data:text/html,x'), isWebUrl('not a url')]).toEqual([true, true, false, false]);
  });

  async function scoredOrder(flags: { code: string; label: string; severity: 'info' | 'warning' }[] = []) {
    const order = await f.order();
    await f.apply({
      match: { orderId: order.id },
      status: 'scored',
      vendorStatus: 'DONE',
      vendorTime: new Date(clock.t + 1000),
      dedupeKey: `scored-${order.id}`,
      result: { subScores: [], flags, jobFits: [], reportAvailable: true },
    });
    return (await getOrder(f.db, order.id))!;
  }

  it('hands over a report document the vendor sends instead of a link, typed and named safely', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.4 report');
    const { links } = setup({
      launchUrl: async () => ({ url: 'https://vendor.example/x' }),
      reportUrl: async () => ({ document: { contentType: 'Application/PDF; name=x', body: pdf, filename: '../../Ada Lovelace.pdf' } }),
    });
    const { url } = await links.issue(await scoredOrder(), 'report');
    const got = await links.follow(ticketOf(url));
    expect(got).toEqual({ document: { contentType: 'application/pdf', body: pdf, filename: 'Ada_Lovelace.pdf' } });
    expect((await refusal(links.follow(ticketOf(url)))).code).toBe('link_used');
  });

  it('sends an unknown document type as octets, and refuses a document for a launch', async () => {
    const { links } = setup({
      launchUrl: async () => ({ document: { contentType: 'text/html', body: new Uint8Array(1), filename: 'x.html' } }) as never,
      reportUrl: async () => ({ document: { contentType: 'image/svg+xml', body: new Uint8Array(3), filename: 'r.svg' } }),
    });
    const report = await links.follow(ticketOf((await links.issue(await scoredOrder(), 'report')).url));
    expect(report).toMatchObject({ document: { contentType: 'application/octet-stream', filename: 'r.svg' } });
    expect((await refusal(links.follow(ticketOf((await links.issue(await f.order(), 'launch')).url)))).status).toBe(502);
  });

  it('issues an evaluation link only when the result offers one and the vendor can fetch it', async () => {
    const { links } = setup({ launchUrl: async () => ({ url: 'https://vendor.example/x' }), evaluationUrl: async () => ({ url: 'https://vendor.example/eval/1' }) });
    await expect(links.issue(await scoredOrder(), 'evaluation')).rejects.toMatchObject({ code: 'report_unavailable', status: 409 });
    const order = await scoredOrder([{ code: 'video_evaluation', label: 'Video evaluation available', severity: 'info' }]);
    const { url } = await links.issue(order, 'evaluation');
    expect(await links.follow(ticketOf(url))).toEqual({ redirect: 'https://vendor.example/eval/1' });
  });

  it('keeps vendor state the link needed (e.g. a new schedule) with the order', async () => {
    const { f, links } = setup({ launchUrl: async () => ({ url: 'https://vendor.example/x', vendorData: { schedule: 's-2' } }) });
    const order = await f.order();
    await links.follow(ticketOf((await links.issue(order, 'launch')).url));
    expect((await getOrder(f.db, order.id))!.vendor_data).toMatchObject({ schedule: 's-2' });
  });
});
