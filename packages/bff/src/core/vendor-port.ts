// The only vocabulary shared between the core and vendor folders. Nothing here knows a vendor's wire format;
// nothing in a vendor folder touches the database or the SSE hub (docs/architecture.md#data-flow).
import type { Booking, CandidateInfo, JobInfo, OrderStatus, PackageKind, Result, VendorId } from '@ca/shared';
import type { ContractDrift, VendorContract } from './contract.js';

/** A package from the tenant's config: the common fields plus the vendor's own (assessmentId, sourceJobId, …). */
export interface PackageConfig {
  id: string;
  vendor: VendorId;
  name: string;
  kind?: PackageKind;
  description?: string;
  [vendorField: string]: unknown;
}

/** An order as an adapter sees it: what it needs to talk to the vendor, nothing more. */
export interface VendorOrder {
  id: string;
  tenantId: string;
  /** The ATS's candidate id. */
  candidateId: string;
  candidate: CandidateInfo;
  job?: JobInfo;
  package: PackageConfig;
  vendorRef: string | null;
  /** Adapter-private state saved with the order (schedule access key, session ids, …). JSON only. */
  vendorData: Record<string, unknown>;
  status: OrderStatus;
  vendorStatus: string | null;
  createdAt: Date;
  statusChangedAt: Date;
  /** Set when a recruiter asked for a new attempt: the order this one retakes. A vendor that keeps one record per
   * candidate must start a fresh one for it, or the candidate would get their old results back. */
  retakeOf?: string;
}

/** What an update says about an order, without saying which order. */
export interface OrderChange {
  status: OrderStatus;
  /** The vendor's own word for the status, kept next to ours (e.g. `NOT_STARTED`, `ToBeTaken`, `5`). */
  vendorStatus: string;
  /** When the vendor says this happened. When the vendor gives no time, the time it was observed. */
  vendorTime: Date;
  /**
   * Identifies this fact: the same key for the same order is applied once, whatever path it came by
   * (webhook retry, poll seeing the same state again). E.g. `finishTest:2024-05-01T10:00:00Z`.
   */
  dedupeKey: string;
  progress?: number;
  booking?: Booking;
  result?: Result;
  /** With `failed`: why, in words a recruiter understands. */
  error?: { code: string; message: string };
  /** Sets or replaces the order's vendor reference. */
  vendorRef?: string;
  /** Shallow-merged into the order's vendorData. */
  vendorData?: Record<string, unknown>;
  /** The vendor's payload for this fact, stored for audit; never sent to the widget. */
  raw?: unknown;
}

/** How an inbound update finds its order. */
export type OrderMatch =
  | { orderId: string }
  /**
   * With `orElse`: when no order has this reference, the order `orElse` names (PSI: an eligibility made in PSI by
   * another system still names its candidate and exam, docs/vendors/psi.md#matching).
   */
  | { vendorRef: string; orElse?: { candidateId: string; packageId: string } }
  /** The newest order of this candidate for this package (PSI matches on candidate_id + exam_code). */
  | { candidateId: string; packageId: string };

export interface StatusUpdate extends OrderChange {
  match: OrderMatch;
}

export interface PlacedOrder {
  vendorRef: string;
  vendorData?: Record<string, unknown>;
  /** The order's status right after placing, usually `invited`. */
  change: OrderChange;
}

export interface VendorLink {
  url: string;
  /** Persisted when the link needed new vendor state (e.g. a new Mettl schedule). */
  vendorData?: Record<string, unknown>;
}

/**
 * A report the vendor hands over as a document instead of a link (Berke `GetReportForJob` when anonymous report
 * links are disabled). The core streams it to the recruiter behind the report ticket; it is never stored.
 */
export interface VendorDocument {
  /** `application/pdf` or `text/html`; anything else is sent as a download. */
  contentType: string;
  body: Uint8Array;
  /** Suggested file name, without a path. */
  filename: string;
}

/** What `reportUrl` may answer: a fresh vendor URL to redirect to, or the report document itself. */
export type VendorReport = VendorLink | { document: VendorDocument; vendorData?: Record<string, unknown> };

/** What a vendor did for a recruiter action. */
export interface VendorActionResult {
  /** The vendor call made, as an operator would name it: `Berke DeleteAssessment`, `Mettl re-registration`. */
  call: string;
  /** Adapter state to save with the order. */
  vendorData?: Record<string, unknown>;
}

export interface Reminder extends VendorActionResult {
  /** `vendor`: the vendor emailed the candidate. `ats`: send `url` to the candidate yourself. */
  sentBy: 'vendor' | 'ats';
  /** With `ats`: the candidate's invitation link, for the ATS to send. */
  url?: string;
}

/** An inbound HTTP request as an adapter sees it: already size-limited, body as text. */
export interface InboundRequest {
  method: string;
  headers: Headers;
  query: URLSearchParams;
  body: string;
}

/** A client that may obtain OAuth2 access tokens from `POST /oauth/token` to call our hooks (PSI). */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface VendorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the core gives an adapter. One context per tenant and vendor. */
export interface VendorContext {
  tenantId: string;
  /** The tenant's config block for this vendor, unvalidated: the factory validates it with its own schema. */
  config: Record<string, unknown>;
  /** The tenant's packages of this vendor. */
  packages: readonly PackageConfig[];
  /** The BFF's public base URL, no trailing slash. */
  publicUrl: string;
  links: {
    /** `{publicUrl}/hooks/{vendor}/{tenant}`: where the vendor posts notifications (Mettl, PSI). */
    hookUrl(): string;
    /** `{publicUrl}/hooks/{vendor}/{tenant}/{ticket}`: a per-order ping; the core polls that order (pymetrics). */
    callbackUrl(orderId: string): string;
    /** `{publicUrl}/return/{vendor}/{tenant}/{ticket}`: where the candidate's browser lands after finishing (Berke). */
    returnUrl(orderId: string): string;
    /**
     * `{publicUrl}/return/{vendor}/{tenant}`: where a candidate lands after a vendor page that several orders share
     * (Mettl's schedule-wide exit redirect). Names no order and triggers nothing; it thanks the candidate or sends
     * them to the tenant's candidateReturnUrl.
     */
    exitUrl(): string;
  };
  /** Compact HMAC-signed strings bound to this tenant and vendor, e.g. Mettl `context_data`. */
  tickets: {
    sign(value: string): string;
    /** The signed value, or null when the ticket is forged or for another tenant or vendor. */
    verify(ticket: string): string | null;
  };
  fetch: typeof fetch;
  log: VendorLogger;
  now(): Date;
  /**
   * An answer from the vendor did not match the shape the adapter parses. The host logs it once per shape with the
   * redacted sample and counts it (docs/operations.md#vendor-contract-drift). The adapter still fails the call.
   */
  drift(d: ContractDrift): void;
}

/**
 * One vendor behind one interface. Optional capabilities are detected, not assumed: a vendor without
 * webhooks has no `parseWebhook` and is polled; one without polling has no `refresh`.
 */
export interface VendorAdapter {
  readonly vendor: VendorId;
  /** How often open orders are polled or reconciled. */
  readonly pollIntervalSeconds: number;
  /** Most orders `refresh` takes at once; the job runner splits larger sets. Default: all. */
  readonly refreshBatchSize?: number;
  /** The kind shown in the catalog for a package that does not set one. */
  readonly defaultKind: PackageKind;

  /** Creates the order at the vendor and invites the candidate. Called once per order by a durable job. */
  placeOrder(order: VendorOrder): Promise<PlacedOrder>;
  /**
   * Finds what an earlier attempt to place this order created at the vendor (an order call that timed out after the
   * vendor acted), so a retry does not create or invite twice. null: the vendor confirms there is nothing. Absent:
   * the vendor offers no way to look it up; a placement whose outcome is unknown then stops as `placement_unconfirmed`.
   */
  findPlaced?(order: VendorOrder): Promise<PlacedOrder | null>;
  /** A fresh URL for the candidate to start or continue, fetched at click time. */
  launchUrl(order: VendorOrder): Promise<VendorLink>;
  /** A fresh URL of the vendor's report, or the report document itself when the vendor gives no link. */
  reportUrl?(order: VendorOrder): Promise<VendorReport>;
  /** A fresh URL of a second recruiter view the vendor offers (pymetrics video evaluation), behind a ticket too. */
  evaluationUrl?(order: VendorOrder): Promise<VendorLink>;
  /** Asks the vendor about these open orders; returns what it says, one update per fact. */
  refresh?(orders: readonly VendorOrder[]): Promise<StatusUpdate[]>;
  /**
   * Authenticates and parses a notification POSTed/PUT to `hookUrl()`. Throws `WebhookUnauthorized`
   * (nothing is stored) or `WebhookInvalid`. Returns the updates it carries.
   */
  parseWebhook?(req: InboundRequest): Promise<StatusUpdate[]>;
  /** Clients allowed to get a bearer token from `POST /oauth/token` and call `hookUrl()` with it. */
  readonly oauthClients?: readonly OAuthClient[];
  /** Vendor-side catalog (assessments, jobs), for operators checking their package config. */
  catalog?(): Promise<{ externalId: string; name: string }[]>;
  /**
   * One cheap authenticated call that proves the endpoint and credentials work (the operator CLI's `ca probe`).
   * Returns what the vendor said, in a few words. A vendor without outbound calls (PSI) has none.
   */
  probe?(): Promise<string>;
  /**
   * Withdraws the order at the vendor (Berke `DeleteAssessment`). Absent (pymetrics, Mettl, PSI): a recruiter's
   * cancel only marks the order cancelled here, and the API says so.
   */
  cancel?(order: VendorOrder): Promise<VendorActionResult>;
  /**
   * Invites the candidate again: the vendor sends the invitation itself (Berke `SendInvitation`), or gives a fresh
   * invitation link for the ATS to send (Mettl re-registration, pymetrics `assessment_url`). Absent: no reminder.
   */
  remind?(order: VendorOrder): Promise<Reminder>;
  /**
   * The adapter's assumptions about the vendor's answers and a read-only check of them against the configured
   * account (the operator CLI's `ca contract`, docs/operations.md#go-live-contract-check). Absent: nothing to check.
   */
  contract?(): VendorContract;
  close?(): Promise<void>;
}

export type VendorAdapterFactory = (ctx: VendorContext) => VendorAdapter;

/**
 * A vendor as the core registers it: its id, the name recruiters and candidates see, and the factory.
 * Each vendor folder's `index.ts` exports one; `vendors/registry.ts` lists them. Nothing else names a vendor.
 */
export interface VendorModule {
  /** Lower-case id used in config (`vendors.<id>`, `packages[].vendor`), URLs and orders. */
  readonly id: string;
  /** Shown in the catalog and on orders, e.g. `Mercer | Mettl`. */
  readonly displayName: string;
  /** Builds the tenant's adapter. Validates its config block and packages; throws `VendorConfigError`. */
  readonly create: VendorAdapterFactory;
}

/** A vendor call failed. The job runner retries when `retryable`; the order service decides the status. */
export class VendorError extends Error {
  readonly retryable: boolean;
  /** Stable code: `vendor_unavailable` (retryable), `vendor_rejected` (not), or a more precise one. */
  readonly code: string;
  readonly vendorCode?: string;
  /** The vendor asked us to wait this long (429 hints). */
  readonly retryAfterMs?: number;
  /**
   * The request reached the vendor and what it did is unknown: a timeout after sending, or an answer that could not
   * be read. A call that creates something is then not repeated blindly (`VendorAdapter.findPlaced`).
   */
  readonly mayHaveActed?: boolean;
  constructor(
    message: string,
    opts: { retryable: boolean; code?: string; vendorCode?: string; retryAfterMs?: number; mayHaveActed?: boolean; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VendorError';
    this.retryable = opts.retryable;
    this.code = opts.code ?? (opts.retryable ? 'vendor_unavailable' : 'vendor_rejected');
    if (opts.vendorCode !== undefined) this.vendorCode = opts.vendorCode;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
    if (opts.mayHaveActed) this.mayHaveActed = true;
  }
}

/** An inbound notification failed authentication. Answered 401; nothing is stored. */
export class WebhookUnauthorized extends Error {
  constructor(message = 'The notification could not be authenticated.') {
    super(message);
    this.name = 'WebhookUnauthorized';
  }
}

/** An inbound notification is malformed. Answered 400 with this message. */
export class WebhookInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookInvalid';
  }
}

/** A vendor block or package in the config is invalid; `path` names the field (e.g. `privateKey`). */
export class VendorConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'VendorConfigError';
  }
}
