// SIGKILL in the middle of 500 vendor notifications and 100 order creations, on the embedded database: after a
// restart on the same data directory, every notification answered 2xx and every order answered 202 is there and
// took effect exactly once; sending every notification again (as PSI does after a failed delivery) changes only
// what had not been stored. Real BFF process, real PSI hook endpoint and OAuth.
import type { Order } from '@ca/shared';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acmeConfig, api, waitFor } from '../support/config.js';
import { freePort, startBffProcess, writeConfig, type BffProcess } from '../support/process.js';
import { createOrder, getOrder, pool, PSI_PACKAGE, PSI_VENDOR, psiBooking, psiToken, sendPsi } from './support.js';

const ORDERS = 50;
const UPDATES_PER_ORDER = 10; // 500 notifications
const NEW_ORDERS = 100;

interface History {
  history: { source: string; vendorTime: string; applied: boolean }[];
}

describe('SIGKILL during webhooks and order creations', () => {
  let bff: BffProcess | undefined;
  afterAll(async () => {
    await bff?.kill('SIGKILL');
  });

  it('keeps every acknowledged notification and order, each applied exactly once', async () => {
    const port = await freePort();
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ca-faults-kill-')), 'bff');
    const config = writeConfig(acmeConfig({ port, database: `embedded:${dataDir}`, vendors: { psi: PSI_VENDOR }, packages: [PSI_PACKAGE] }));
    bff = await startBffProcess(config);
    const url = bff.url;

    // Orders the notifications are about, placed (PSI: an eligibility id, no vendor call).
    const targets: Order[] = [];
    await pool(ORDERS, 8, async (i) => {
      const res = await createOrder(url, `kill-target-${i}`, PSI_PACKAGE.id);
      targets[i] = ((await res.json()) as { order: Order }).order;
    });
    for (let i = 0; i < ORDERS; i++) {
      targets[i] = await waitFor(async () => {
        const o = await getOrder(url, targets[i]!.id);
        return o.vendorRef ? o : undefined;
      }, 60_000, 'placement of the target orders');
    }
    const token = await psiToken(url);
    const base = Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000;
    // Notification n: order n % ORDERS, its (n / ORDERS)-th reschedule, one minute after the previous one.
    const note = (n: number) => ({ order: targets[n % ORDERS]!, at: base + Math.floor(n / ORDERS) * 60_000 });
    const total = ORDERS * UPDATES_PER_ORDER;

    const acked = new Set<number>();
    const accepted = new Map<number, string>(); // new order i → id, for every 202
    let answered = 0;
    let killed = false;
    const stop = new AbortController();
    const kill = () => {
      if (killed) return;
      killed = true;
      bff!.child.kill('SIGKILL');
      stop.abort();
    };
    await Promise.all([
      pool(total, 16, async (n) => {
        if (killed) return;
        const { order, at } = note(n);
        const res = await sendPsi(url, token, psiBooking(order, at), stop.signal).catch(() => null);
        if (res?.status === 200) acked.add(n);
        if (res) answered++;
        if (answered >= total * 0.4) kill();
      }),
      pool(NEW_ORDERS, 4, async (i) => {
        if (killed) return;
        const res = await createOrder(url, `kill-new-${i}`, PSI_PACKAGE.id, `kill-new-${i}`).catch(() => null);
        if (res?.status === 202) accepted.set(i, ((await res.json()) as { order: Order }).order.id);
      }),
    ]);
    kill();
    expect(await bff.exited).toBeNull(); // killed by the signal: no clean shutdown ran
    expect(acked.size).toBeGreaterThan(100);
    expect(acked.size).toBeLessThan(total);
    expect(accepted.size).toBeGreaterThan(0);

    bff = await startBffProcess(config); // same data directory
    const after = bff.url;

    // Every 2xx notification is in its order's history, once.
    const histories = await Promise.all(
      targets.map(async (o) => ((await (await api(after, `/v1/orders/${o.id}/history`)).json()) as History).history.filter((h) => h.source === 'webhook')),
    );
    for (const n of acked) {
      const { order, at } = note(n);
      const times = histories[targets.indexOf(order)]!.map((h) => Date.parse(h.vendorTime));
      expect(times.filter((t) => t === at)).toHaveLength(1);
    }

    // PSI sends again whatever it did not get a 2xx for; we send everything: what was acknowledged is a duplicate.
    const outcomes: Record<number, string> = {};
    const token2 = await psiToken(after);
    await pool(total, 16, async (n) => {
      const { order, at } = note(n);
      const res = await sendPsi(after, token2, psiBooking(order, at));
      expect(res.status).toBe(200);
      outcomes[n] = ((await res.json()) as { outcome: string }).outcome;
    });
    for (const n of acked) expect(outcomes[n]).toBe('duplicate');
    for (const [i, o] of targets.entries()) {
      const h = ((await (await api(after, `/v1/orders/${o.id}/history`)).json()) as History).history.filter((x) => x.source === 'webhook');
      expect(new Set(h.map((x) => x.vendorTime)).size).toBe(UPDATES_PER_ORDER);
      expect(h).toHaveLength(UPDATES_PER_ORDER);
      const final = await getOrder(after, o.id);
      expect(final.status, `order ${i}`).toBe('scheduled');
      // The newest booking wins, whatever order the notifications were stored in.
      expect(Date.parse(final.booking!.startsAt)).toBe(base + (UPDATES_PER_ORDER - 1) * 60_000 + 7 * 86_400_000);
    }

    // Every 202 order is there, is placed, and the same Idempotency-Key still names it and no other.
    for (const [i, id] of accepted) {
      const placed = await waitFor(async () => {
        const o = await getOrder(after, id);
        return o.status === 'invited' ? o : undefined;
      }, 60_000, `placement of accepted order ${i} after restart`);
      expect(placed.candidateId).toBe(`kill-new-${i}`);
      const again = await createOrder(after, `kill-new-${i}`, PSI_PACKAGE.id, `kill-new-${i}`);
      expect(((await again.json()) as { order: Order }).order.id).toBe(id);
      const list = (await (await api(after, `/v1/orders?candidateId=kill-new-${i}`)).json()) as { orders: Order[] };
      expect(list.orders.map((o) => o.id)).toEqual([id]);
    }
    console.log(`kill -9 after ${answered} answered notifications: ${acked.size}/${total} acknowledged, ${accepted.size}/${NEW_ORDERS} orders accepted; all kept, each once`);
  });
});
