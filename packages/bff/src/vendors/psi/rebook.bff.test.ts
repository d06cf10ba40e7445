// PSI through the BFF (docs/vendors/psi.md#matching, #change-reasons, #assumptions): an eligibility made in PSI by
// another system still reaches its order by candidate and exam; a cancelled booking leaves the assessment open for
// a new booking; a notification in an altered shape is accepted and counted as drift, logged once per shape.
import { createPsiSender, SimulatedPsiCandidate, startPsiSandbox, type PsiSandbox } from '@ca/sandboxes/psi';
import type { Order } from '@ca/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, testTenant, type TestBff } from '../../../testing/harness.js';
import type { PackageConfig } from '../../core/vendor-port.js';

const pkg: PackageConfig = { id: 'psi-cert', vendor: 'psi', name: 'Certification exam', examCode: 'CERT-1' };
const clientId = 'psi-acme';
const clientSecret = 'psi-acme-client-secret-0123456789';
const drift = { clientId: 'psi-drift', clientSecret: 'psi-drift-client-secret-0123456789' };

// One BFF for the file (each start loads a database): tenant acme talks to a sandbox in PSI's documented shape, tenant
// `drift` to one in an altered shape.
let documented: PsiSandbox;
let altered: PsiSandbox;
let bff: TestBff;
let DRIFT_API_KEY: string;
beforeAll(async () => {
  [documented, altered] = await Promise.all([startPsiSandbox({ contractShape: 'documented' }), startPsiSandbox({ contractShape: 'altered' })]);
  const driftTenant = testTenant('drift', { vendors: { psi: { clients: [drift], schedulingUrl: altered.schedulingUrl } }, packages: [pkg] });
  DRIFT_API_KEY = (driftTenant.apiKeys as string[])[0]!;
  bff = await startTestBff({
    vendors: { psi: { clients: [{ clientId, clientSecret }], schedulingUrl: documented.schedulingUrl } },
    packages: [pkg],
    extraTenants: { drift: driftTenant },
  });
  documented.connect({ bffUrl: bff.url, tenantId: bff.tenantId, clientId, clientSecret });
  altered.connect({ bffUrl: bff.url, tenantId: 'drift', ...drift });
});
afterAll(async () => {
  await bff?.stop();
  await Promise.all([documented?.stop(), altered?.stop()]);
});

async function invitedOrder(candidateId: string, tenantId = 'acme', apiKey?: string): Promise<Order> {
  const token = await bff.token({ role: 'recruiter', candidateId, tenantId });
  const order = await bff.order(pkg.id, { token });
  return bff.waitForOrder(order.id, (o) => o.status === 'invited' && o.vendorRef !== null, 10_000, apiKey);
}

describe('PSI matching and re-booking', () => {

  it('applies a notification with an eligibility id we did not issue by candidate_id and exam_code; refuses one matching nothing', async () => {
    const order = await invitedOrder('psi-foreign');
    const ctx = { candidateId: order.candidateId, package: pkg };
    const booked = await documented.advance(order.vendorRef!, 'book', { ...ctx, quirk: 'foreign-eligibility', slotId: 'berlin-site' });
    expect(booked.notification.client_eligibility_id).toMatch(/^ATLAS-ELIG-/);
    expect(booked.notification.client_eligibility_id).not.toBe(order.vendorRef);
    expect(booked.status).toBe(200);
    const scheduled = await bff.waitForOrder(order.id, (o) => o.status === 'scheduled');
    expect(scheduled.booking).toMatchObject({ timeZone: 'Europe/Berlin', code: booked.notification.booking_code });

    const sender = createPsiSender({ bffUrl: bff.url, tenantId: bff.tenantId, clientId, clientSecret });
    const stranger = await sender.send(new SimulatedPsiCandidate({ eligibilityId: 'ATLAS-ELIG-nobody', candidateId: 'nobody', examCode: 'CERT-1' }).book());
    expect(stranger.status).toBe(400);
    expect(stranger.body).toMatchObject({ error: { code: 'no_matching_order' } });
  });

  it('keeps the order open after a cancelled booking: the recruiter sees it cancelled, the candidate books again from the same link', async () => {
    const order = await invitedOrder('psi-rebook');
    const ctx = { candidateId: order.candidateId, package: pkg };
    await documented.advance(order.vendorRef!, 'book', { ...ctx, slotId: 'nyc-site' });
    const first = await bff.waitForOrder(order.id, (o) => o.status === 'scheduled');
    const cancelled = await documented.advance(order.vendorRef!, 'cancel', ctx);
    expect(cancelled.status).toBe(200);
    const open = await bff.waitForOrder(order.id, (o) => o.vendorStatus === 'BOOKING_CANCELLED');
    expect(open.status).toBe('invited');
    expect(open.booking).toMatchObject({ code: first.booking!.code, startsAt: first.booking!.startsAt, cancelled: true });

    // The candidate's launch link still works and leads to PSI's scheduling page, where they book again.
    const token = await bff.token({ role: 'candidate', candidateId: order.candidateId });
    const link = new URL(await bff.followLink(order.id, 'launch', token));
    expect(`${link.origin}${link.pathname}`).toBe(`${documented.url}/schedule`);
    const form = new URLSearchParams({ eligibility: link.searchParams.get('eligibility')!, candidate: link.searchParams.get('candidate')!, exam: link.searchParams.get('exam')!, slot: 'paris-remote' });
    const res = await fetch(`${documented.url}/schedule/book`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.headers.get('location')).toContain('sent=200');
    const again = await bff.waitForOrder(order.id, (o) => o.status === 'scheduled' && o.vendorStatus === 'BOOKING_CREATED' && o.booking?.timeZone === 'Europe/Paris');
    expect(again.booking?.cancelled).toBeUndefined();

    // An excused absence frees the candidate to book again too.
    await documented.advance(order.vendorRef!, 'absent', ctx);
    await bff.waitForOrder(order.id, (o) => o.status === 'no_show');
    await documented.advance(order.vendorRef!, 'excused', ctx);
    const excused = await bff.waitForOrder(order.id, (o) => o.vendorStatus === 'EXCUSED_ABSENT');
    expect([excused.status, excused.booking?.cancelled]).toEqual(['invited', true]);
  });
});

describe('PSI drift in production', () => {

  it('accepts notifications in an altered shape, counts each as drift and logs the shape once with a redacted sample', async () => {
    const order = await invitedOrder('psi-drift', 'drift', DRIFT_API_KEY);
    const ctx = { candidateId: order.candidateId, package: pkg };
    for (const step of ['book', 'reschedule', 'reschedule'] as const) {
      const d = await altered.advance(order.vendorRef!, step, ctx);
      expect([d.status, 'change_reason' in d.notification]).toEqual([200, false]);
    }
    const metrics = await (await fetch(`${bff.url}/metrics`)).text();
    expect(metrics).toContain('ca_vendor_contract_drift_total{vendor="psi",call="notification"} 3');
    const logged = bff.logLines.filter((l) => l.includes('contract drift'));
    expect(logged).toHaveLength(1);
    const line = JSON.parse(logged[0]!) as { sample: string };
    expect(line).toMatchObject({ vendor: 'psi', call: 'notification', shape: 'no change_reason' });
    expect(line.sample).toContain('"candidate_fname":"[redacted]"');
    expect(logged[0]).not.toContain('Lovelace');
    // Nothing was guessed: the order did not move.
    expect((await bff.getOrder(order.id, DRIFT_API_KEY)).status).toBe('invited');
  });
});
