// Drift: a vendor answer that failed the adapter's parsing. Counted every time, logged once per (tenant, vendor,
// call, shape) with the adapter's redacted sample, so an operator sees the day a vendor changes an answer without a
// log line per poll (docs/operations.md#vendor-contract-drift).
import type { VendorId } from '@ca/shared';
import type { Logger } from 'pino';
import { redactSample, type ContractDrift } from '../core/contract.js';
import type { Metrics } from '../metrics.js';

/** Distinct shapes remembered per process; past this the memory starts over (a shape may then be logged again). */
const MAX_SHAPES = 1000;

export type DriftReporter = (who: { tenantId: string; vendor: VendorId; log: Pick<Logger, 'warn'> }, d: ContractDrift) => void;

export function driftReporter(metrics?: Pick<Metrics, 'vendorContractDrift'>): DriftReporter {
  const seen = new Set<string>();
  return ({ tenantId, vendor, log }, d) => {
    metrics?.vendorContractDrift.inc({ vendor, call: d.call });
    const key = JSON.stringify([tenantId, vendor, d.call, d.shape]);
    if (seen.has(key)) return;
    if (seen.size >= MAX_SHAPES) seen.clear();
    seen.add(key);
    // The adapter redacted the sample; this second pass is a safety net for a field it did not know.
    log.warn({ call: d.call, shape: d.shape, sample: redactSample(d.sample) }, 'vendor answer does not match the shape we parse (contract drift)');
  };
}
