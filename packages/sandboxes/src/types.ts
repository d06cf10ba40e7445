// The one shape every vendor sandbox has, and the module shape the registry lists. Sandboxes are test and demo
// tools: they never import the BFF's adapters, so a sandbox and an adapter cannot be wrong together.
import type { OrderStatus } from '@ca/shared';

/**
 * How the sandbox's vendor API misbehaves: `none` answers normally; `error` answers the vendor's own server-fault
 * shape; `hang` accepts the connection and never answers; `drop` destroys the socket.
 */
export type OutageMode = 'none' | 'error' | 'hang' | 'drop';
export const OUTAGE_MODES: readonly OutageMode[] = ['none', 'error', 'hang', 'drop'];

/**
 * Which answers a sandbox gives: `documented` (default) the shapes of the vendor's public pages, as
 * docs/vendors/<vendor>.md lists them; `altered` one of those shapes changed, as a vendor might change it, so the
 * go-live check (`ca contract`) and the drift counter have a contradiction to report. Every sandbox's start
 * options take it as `contractShape`.
 */
export type ContractShape = 'documented' | 'altered';
export const CONTRACT_SHAPES: readonly ContractShape[] = ['documented', 'altered'];

/** What a caller may know about an order besides the vendor's reference; vendors read what they need. */
export interface AdvanceContext {
  /** The ATS candidate id of the order. */
  candidateId?: string;
  /** The tenant's package entry of the order, with the vendor's own field (e.g. `examCode`). */
  package?: Readonly<Record<string, unknown>>;
  [knob: string]: unknown;
}

export interface VendorSandbox {
  /** Origin of the sandbox, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /**
   * Moves the candidate of an order on, as if the candidate or the vendor had acted. `ref` is the order's
   * `vendorRef`; `step` one of the module's `steps`. Throws `StepRefused` when the vendor would not allow it.
   */
  advance(ref: string, step: string, extra?: AdvanceContext): Promise<unknown>;
  /** Makes the vendor's API fail in the given way until `outage('none')`. */
  outage(mode: OutageMode): Promise<void>;
  /** Calls per vendor operation since start or the last `resetCalls()`. */
  calls(): Record<string, number>;
  resetCalls(): void;
  stop(): Promise<void>;
}

/** A step the sandbox refuses (unknown, or not allowed from the candidate's state); the message is a sentence. */
export class StepRefused extends Error {
  override name = 'StepRefused';
}

/** A simulator step: `id` goes to `advance`, `label` is what a person reads. */
export interface SandboxStep {
  id: string;
  label: string;
  /**
   * The order statuses (as the BFF shows them) in which this step is what the candidate or the vendor usually does
   * next; the demo's simulator names it as the next step. Absent for side steps (expiry, absence, rescheduling).
   */
  next?: readonly OrderStatus[];
}

/** Where the sandbox's traffic goes: one tenant of a running BFF. */
export interface TenantLink {
  /** The BFF's base URL. */
  bffUrl: string;
  tenantId: string;
  pollIntervalSeconds?: number;
}

/** A package entry of `tenants.<id>.packages[]`. */
export interface DemoPackage {
  id: string;
  vendor: string;
  name: string;
  description?: string;
  [vendorField: string]: unknown;
}

/** What a tenant needs to use a started sandbox. */
export interface TenantSetup {
  /** `tenants.<id>.vendors.<vendor>`. */
  config: Record<string, unknown>;
  packages: readonly DemoPackage[];
  /** Every credential involved, so tests can check none is shown. */
  secrets: readonly { name: string; value: string }[];
  /** The address worth printing (API endpoint or page). */
  entry: string;
}

export interface SandboxModule<S extends VendorSandbox = VendorSandbox, O = unknown> {
  readonly vendor: string;
  /** E.g. `pymetrics sandbox (SOAP)`. */
  readonly title: string;
  /** The simulator's steps, in the order a candidate usually goes through them. */
  readonly steps: readonly SandboxStep[];
  start(opts?: O): Promise<S>;
  /** The options the demo starts it with. */
  readonly demoOptions: O;
  /** Connects a started sandbox to a BFF tenant and says what that tenant's config needs. */
  connect(sandbox: S, link: TenantLink): TenantSetup;
}
