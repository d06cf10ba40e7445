// Order, result and booking: the shapes the widget and ATS back ends read. No vendor field names here.
import { z } from 'zod';
import { ActionName, OrderAction } from './actions.js';
import { OrderStatus } from './status.js';

/**
 * A vendor's id (`pymetrics`, `mettl`, `berke`, `psi`, …). Open on purpose: the BFF's vendor registry decides which
 * exist, so a new vendor needs no change here and no widget rebuild; display names travel as `vendorName`.
 */
export const VENDOR_ID_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
export const VendorId = z.string().regex(VENDOR_ID_PATTERN, 'must be 2–32 lower-case letters, digits or -');
export type VendorId = z.infer<typeof VendorId>;

export const Level = z.enum(['high', 'medium', 'low']);
export type Level = z.infer<typeof Level>;

export const SubScore = z.object({
  label: z.string(),
  value: z.number(),
  max: z.number().optional(),
});
export type SubScore = z.infer<typeof SubScore>;

export const ResultFlag = z.object({
  /** Stable machine name, e.g. `credibility`. */
  code: z.string(),
  label: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** `warning` when the flag should draw a recruiter's attention. */
  severity: z.enum(['info', 'warning']).default('info'),
});
export type ResultFlag = z.infer<typeof ResultFlag>;

export const JobFit = z.object({
  job: z.string(),
  jobId: z.string().optional(),
  /** 0–100, absent when the vendor has no fit for this job. */
  fitPct: z.number().min(0).max(100).optional(),
  level: Level.optional(),
  primary: z.boolean().default(false),
});
export type JobFit = z.infer<typeof JobFit>;

export const Result = z.object({
  score: z.number().min(0).max(100).optional(),
  maxScore: z.number().optional(),
  band: z.string().optional(),
  passed: z.boolean().optional(),
  level: Level.optional(),
  subScores: z.array(SubScore).default([]),
  flags: z.array(ResultFlag).default([]),
  jobFits: z.array(JobFit).default([]),
  completedAt: z.string().datetime({ offset: true }).optional(),
  reportAvailable: z.boolean().default(false),
});
export type Result = z.infer<typeof Result>;

export const Booking = z.object({
  /** UTC instant of the exam start, ISO 8601. */
  startsAt: z.string().datetime({ offset: true }),
  /** IANA time zone of the test location; the widget shows the time in it. */
  timeZone: z.string(),
  /** The vendor's own time zone text when it is not an IANA zone (`timeZone` is then `UTC`). */
  timeZoneLabel: z.string().optional(),
  location: z.string().optional(),
  deliveryMode: z.enum(['test_center', 'remote']).optional(),
  code: z.string().optional(),
  /** The booking was cancelled (or the absence excused): the assessment stays open and the candidate may book again. */
  cancelled: z.boolean().optional(),
});
export type Booking = z.infer<typeof Booking>;

export const OrderError = z.object({
  code: z.string(),
  message: z.string(),
});
export type OrderError = z.infer<typeof OrderError>;

export const Order = z.object({
  id: z.string(),
  tenantId: z.string(),
  candidateId: z.string(),
  packageId: z.string(),
  packageName: z.string(),
  vendor: VendorId,
  /** The vendor's display name, e.g. `Mercer | Mettl`. */
  vendorName: z.string(),
  vendorRef: z.string().nullable(),
  status: OrderStatus,
  vendorStatus: z.string().nullable(),
  /** 0–100 when the vendor reports progress. */
  progress: z.number().min(0).max(100).nullable().default(null),
  /** Raised by every change: of two snapshots of one order, the higher version is the newer. */
  version: z.number().int().min(1),
  statusChangedAt: z.string().datetime({ offset: true }),
  createdAt: z.string().datetime({ offset: true }),
  booking: Booking.nullable().default(null),
  result: Result.nullable().default(null),
  error: OrderError.nullable().default(null),
  /** For a retake: the order this one is a new attempt of. */
  retakeOf: z.string().nullable().default(null),
  /** The latest recruiter action (cancel, remind, retake) on this order. */
  lastAction: OrderAction.nullable().default(null),
});
export type Order = z.infer<typeof Order>;

export const PackageKind = z.enum(['game', 'test', 'personality', 'exam']);
export type PackageKind = z.infer<typeof PackageKind>;
export const Package = z.object({
  id: z.string(),
  vendor: VendorId,
  /** The vendor's display name, e.g. `Mercer | Mettl`. */
  vendorName: z.string(),
  name: z.string(),
  kind: PackageKind,
  description: z.string().optional(),
  /** The recruiter actions its vendor offers (`remind` only where the vendor has a way to send the invitation again); the order's status decides which fit now. */
  actions: z.array(ActionName).optional(),
});
export type Package = z.infer<typeof Package>;
