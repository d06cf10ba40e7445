// "Simulate the candidate": moves a candidate on at the order's vendor sandbox (`sandbox.advance`), as if the
// candidate or the vendor had acted. Demo only; knows no vendor (the steps come from the sandbox registry) and never
// forwards a sandbox's answer to the browser (Mettl's delivery records carry the webhook credentials).
import { sandboxModuleList, StepRefused, type DemoPackage, type SandboxModule, type SandboxStep, type VendorSandbox } from '@ca/sandboxes';
import type { Order } from '@ca/shared';

export type SimAction = SandboxStep;

export class SimulationError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Simulator {
  /** The steps the sandbox of a vendor understands, in the order a candidate usually goes through them. */
  actions(vendor: string): readonly SimAction[];
  /** What the presenter does next for this order: the step its vendor's sandbox lists for the order's status. */
  next(order: Order): NextStep;
  run(order: Order, action: string): Promise<string>;
}

/** The next-step hint of one order: the step to press (null when there is none) and a sentence for the presenter. */
export interface NextStep {
  step: { id: string; label: string } | null;
  hint: string;
  /** True while the vendor has not received the order: the hint changes without a status change, so ask again. */
  waiting: boolean;
}

/** Statuses in which the candidate is still on the way (an order past them is over, as far as a simulation goes). */
const OPEN = new Set<Order['status']>(['requested', 'invited', 'scheduled', 'in_progress']);

/**
 * The hint, from data only: the first of the vendor's steps (registry order) whose `next` names the order's status.
 * An order the vendor has not received yet waits for placement; one past the vendor's last step (scored, or completed
 * where the vendor sends no score, or ended otherwise) has nothing left to simulate.
 */
export function nextStep(steps: readonly SimAction[], order: Pick<Order, 'status' | 'vendorRef' | 'vendorName'>): NextStep {
  if (order.status === 'requested' && !order.vendorRef) return { step: null, hint: `Wait a moment: ${order.vendorName} has not received this order yet.`, waiting: true };
  const step = steps.find((s) => s.next?.includes(order.status));
  if (step) return { step: { id: step.id, label: step.label }, hint: `Next: “${step.label}”.`, waiting: false };
  if (!OPEN.has(order.status)) return { step: null, hint: 'Nothing left to simulate: this assessment is over (a retake starts a new one).', waiting: false };
  return { step: null, hint: 'No usual next step from here; any step below may still apply.', waiting: false };
}

export function createSimulator(o: {
  /** The running sandbox of each vendor the simulation may move (vendor id → sandbox). */
  sandboxes: Readonly<Record<string, VendorSandbox | undefined>>;
  /** The tenant's catalog: a sandbox reads its own field from the order's package (e.g. PSI's examCode). */
  packages: readonly DemoPackage[];
  /** The sandbox modules whose steps are offered; default every registered one. */
  modules?: readonly SandboxModule[];
}): Simulator {
  const modules = o.modules ?? sandboxModuleList;
  const actions = (vendor: string) => modules.find((m) => m.vendor === vendor)?.steps ?? [];
  return {
    actions,
    next: (order) => nextStep(actions(order.vendor), order),
    async run(order, action) {
      const known = actions(order.vendor).find((a) => a.id === action);
      if (!known) throw new SimulationError(400, `unknown action ${action} for ${order.vendor}`);
      const sandbox = Object.hasOwn(o.sandboxes, order.vendor) ? o.sandboxes[order.vendor] : undefined;
      if (!sandbox) throw new SimulationError(409, `no ${order.vendor} sandbox is running`);
      const ref = order.vendorRef;
      if (!ref) throw new SimulationError(409, 'the vendor has not received this order yet; try again in a moment');
      const pkg = o.packages.find((p) => p.id === order.packageId);
      try {
        await sandbox.advance(ref, action, { candidateId: order.candidateId, ...(pkg ? { package: pkg } : {}) });
      } catch (err) {
        // Only the sandbox's own sentence, never more.
        if (err instanceof StepRefused) throw new SimulationError(409, err.message.slice(0, 200));
        throw err;
      }
      return `${order.packageName}: ${known.label.toLowerCase()} (sent to the ${order.vendor} sandbox)`;
    },
  };
}
