// Live fan-out: each event encoded once per audience and the same bytes written to every client it concerns.
// The per-client loop allocates nothing: it is the hot path of a process holding thousands of streams.
import type { OrderEvent } from '@ca/shared';
import type { Metrics } from '../metrics.js';
import { forRole } from '../orders/view.js';
import type { SseClients } from './clients.js';
import { encodeFrame, sseFrame, type EncodedFrame } from './frame.js';

export function createFanOut(clients: SseClients, metrics: Metrics): (ev: OrderEvent) => void {
  // Taken out of the registry once, so the loop below calls `write` directly.
  const { byKey, write } = clients;
  return function fanOut(ev: OrderEvent): void {
    const targets = [byKey.get(`c\0${ev.tenantId}\0${ev.candidateId}`), byKey.get(`t\0${ev.tenantId}`)];
    // Encoded once for every client: a string would be encoded again by each response.
    let full: EncodedFrame | undefined;
    let restricted: EncodedFrame | undefined;
    let delivered = 0;
    for (const set of targets) {
      if (!set) continue;
      delivered += set.size;
      for (const c of set) {
        if (c.role === 'candidate') {
          restricted ??= encodeFrame(sseFrame(ev.id, ev.type, { ...ev, order: forRole(ev.order, 'candidate') }));
          write(c, restricted);
        } else {
          full ??= encodeFrame(sseFrame(ev.id, ev.type, ev));
          write(c, full);
        }
      }
    }
    // Counted once per event, not per client: with thousands of clients the counter's own checks add up.
    if (delivered) metrics.sseDelivered.inc(delivered);
  };
}
