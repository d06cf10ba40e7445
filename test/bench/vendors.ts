// Vendor efficiency: calls per refresh cycle for N open orders of one vendor, counted by that vendor's sandbox,
// next to the naive floor of one status call per open order. PSI pushes (no polling), so it has no cycle.
import { startChild } from './lib/child.js';

export interface VendorEfficiencyRow {
  vendor: string;
  open_orders: number;
  calls_per_cycle: number;
  naive_floor: number;
  ratio: number;
  calls: string;
  cycle_s: number;
  placement_calls: string;
  note: string;
}

const notes = (n: number): Record<string, string> => ({
  pymetrics: 'get_bulk_status per batch of 100 (batchSize)',
  mettl: 'Get Results of All Candidates in Schedule, pages of 100, read per runner batch of 500 (refreshBatchSize) until the batch’s candidates are found; reconcileAfterSeconds 0 (every order due; the default 900 asks nothing about orders with a recent notification)',
  berke: `one bulk GetCompletedAssessments page (≤ 50 completions) + statusChecksPerCycle (100) GetAssessmentStatus; the client limit is 120 calls/60 s, so the cycle fits one minute’s budget, and a progress sweep of all ${n.toLocaleString('en')} open orders takes ${Math.ceil(n / 100)} cycles (${Math.ceil(n / 100) * 5} min at the default 300 s interval); the naive ${n.toLocaleString('en')} calls would need ${(n / 120).toFixed(1)} min of the limit per cycle`,
});

export async function vendorEfficiency(o: { orders: number }): Promise<VendorEfficiencyRow[]> {
  const rows: VendorEfficiencyRow[] = [];
  for (const vendor of ['pymetrics', 'mettl', 'berke'] as const) {
    const child = await startChild('vendors/server.ts');
    try {
      const r = await child.call<{ placeSeconds: number; cycleSeconds: number; calls: Record<string, number>; placeCalls: Record<string, number>; states: unknown }>('run', { vendor, n: o.orders }, 900_000);
      const total = Object.values(r.calls).reduce((a, b) => a + b, 0);
      console.error(`  vendor ${vendor}: ${o.orders} placed in ${r.placeSeconds.toFixed(1)} s (${JSON.stringify(r.states)}); cycle ${r.cycleSeconds.toFixed(2)} s, ${total} calls ${JSON.stringify(r.calls)}`);
      rows.push({
        vendor,
        open_orders: o.orders,
        calls_per_cycle: total,
        naive_floor: o.orders,
        ratio: +(total / o.orders).toFixed(3),
        calls: Object.entries(r.calls).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', '),
        cycle_s: +r.cycleSeconds.toFixed(2),
        placement_calls: Object.entries(r.placeCalls).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', '),
        note: notes(o.orders)[vendor]!,
      });
    } finally {
      await child.stop();
    }
  }
  rows.push({ vendor: 'psi', open_orders: o.orders, calls_per_cycle: 0, naive_floor: 0, ratio: 0, calls: 'none: PSI pushes booking webhooks, no polling', cycle_s: 0, placement_calls: '', note: 'push only' });
  return rows;
}
