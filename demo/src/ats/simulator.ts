// "Simulate the candidate": moves a candidate on at a vendor sandbox through that sandbox's /_sandbox control
// API, as if the candidate or the vendor had acted. Demo only; never forwards a sandbox answer to the browser
// (Mettl's delivery records carry the webhook credentials).
import type { Order, VendorId } from '@ca/shared';

export interface SimAction {
  id: string;
  label: string;
}

export interface SandboxUrls {
  pymetrics: string;
  mettl: string;
  berke: string;
  psi: string;
}

/** The steps each sandbox understands, in the order a candidate usually goes through them. */
export const SIM_ACTIONS: Record<VendorId, readonly SimAction[]> = {
  pymetrics: [
    { id: 'accept', label: 'pymetrics approves' },
    { id: 'register', label: 'Creates account' },
    { id: 'start', label: 'Starts games' },
    { id: 'complete', label: 'Finishes games' },
    { id: 'score', label: 'Results released' },
  ],
  mettl: [
    { id: 'start', label: 'Starts test' },
    { id: 'finish', label: 'Finishes test' },
    { id: 'expire', label: 'Time runs out' },
    { id: 'resume', label: 'Admin re-enables' },
    { id: 'grade', label: 'Graded' },
  ],
  berke: [
    { id: 'start', label: 'Starts' },
    { id: 'progress', label: 'Answers a section' },
    { id: 'complete', label: 'Finishes' },
    { id: 'score', label: 'Job fit computed' },
  ],
  psi: [
    { id: 'book', label: 'Books exam' },
    { id: 'reschedule', label: 'Reschedules' },
    { id: 'cancel', label: 'Cancels booking' },
    { id: 'complete', label: 'Sits the exam' },
    { id: 'absent', label: 'Absent' },
    { id: 'excused', label: 'Excused absence' },
  ],
};

export class SimulationError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Simulator {
  run(order: Order, action: string): Promise<string>;
}

export function createSimulator(o: { sandboxes: SandboxUrls; examCodes: Record<string, string> }): Simulator {
  const post = async (url: string, body: unknown): Promise<void> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.ok) return;
    // Only the sandbox's own sentence, never the whole answer.
    let message = `the sandbox answered HTTP ${res.status}`;
    try {
      const parsed = JSON.parse(text) as { error?: string | { message?: string } };
      const e = parsed.error;
      const m = typeof e === 'string' ? e : e?.message;
      if (m) message = m.slice(0, 200);
    } catch {
      // not JSON: keep the generic sentence
    }
    throw new SimulationError(409, message);
  };

  let bookings = 0;
  return {
    async run(order, action) {
      const known = SIM_ACTIONS[order.vendor].find((a) => a.id === action);
      if (!known) throw new SimulationError(400, `unknown action ${action} for ${order.vendor}`);
      const ref = order.vendorRef;
      if (!ref) throw new SimulationError(409, 'the vendor has not received this order yet; try again in a moment');
      const s = o.sandboxes;
      switch (order.vendor) {
        case 'pymetrics':
          await post(`${s.pymetrics}/_sandbox/orders/${encodeURIComponent(ref)}/advance`, { step: action });
          break;
        case 'berke':
          await post(`${s.berke}/_sandbox/candidates/${encodeURIComponent(ref)}/advance`, { step: action });
          break;
        case 'mettl': {
          // vendorRef is `<accessKey>:<email>` (Mettl knows a candidate by email within a schedule).
          const i = ref.indexOf(':');
          const [accessKey, email] = [ref.slice(0, i), ref.slice(i + 1)];
          await post(`${s.mettl}/_sandbox/candidates/${encodeURIComponent(accessKey)}/${encodeURIComponent(email)}/${action}`, action === 'grade' ? { percentage: 82 } : {});
          break;
        }
        case 'psi': {
          const slots = ['berlin-site', 'nyc-site', 'paris-remote'];
          const slotId = action === 'book' || action === 'reschedule' ? slots[bookings++ % slots.length] : undefined;
          const examCode = o.examCodes[order.packageId];
          await post(`${s.psi}/_sandbox/candidates/${encodeURIComponent(ref)}/${action}`, {
            candidateId: order.candidateId,
            ...(examCode ? { examCode } : {}),
            ...(slotId ? { slotId } : {}),
          });
          break;
        }
      }
      return `${order.packageName}: ${known.label.toLowerCase()} (sent to the ${order.vendor} sandbox)`;
    },
  };
}
