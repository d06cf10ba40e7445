// Validates a vendor's config block or package fields with the vendor's own zod schema.
import { z } from 'zod';
import { VendorConfigError } from '../core/vendor-port.js';

/** Parses `value` or throws `VendorConfigError` naming the first bad field (path relative to the block). */
export function parseVendorConfig<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new VendorConfigError(path, `${path || '(block)'}: ${issue.message}`);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A vendor's base URL: https, or http only on loopback (sandboxes, tests). Credentials and candidate data never
 * cross the network in clear text. Each vendor's config schema uses this for the URLs it calls.
 */
export const vendorBaseUrl = () =>
  z
    .string()
    .refine((s) => URL.canParse(s), 'must be a URL')
    .refine((s) => {
      if (!URL.canParse(s)) return true; // reported above
      const u = new URL(s);
      return u.protocol === 'https:' || (u.protocol === 'http:' && (LOOPBACK.has(u.hostname) || u.hostname.startsWith('127.')));
    }, 'must be an https URL (http only for localhost)');
