// Validates a vendor's config block or package fields with the vendor's own zod schema.
import type { z } from 'zod';
import { VendorConfigError } from '../core/vendor-port.js';

/** Parses `value` or throws `VendorConfigError` naming the first bad field (path relative to the block). */
export function parseVendorConfig<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new VendorConfigError(path, `${path || '(block)'}: ${issue.message}`);
}
