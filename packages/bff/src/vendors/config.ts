// Validates a vendor's config block or package fields with the vendor's own zod schema.
import { z } from 'zod';
import { unknownKeyMessage } from '../core/did-you-mean.js';
import { VendorConfigError } from '../core/vendor-port.js';

/** Fields every package has (the BFF's own), and the one every vendor block may set: never unknown to a vendor. */
const COMMON_PACKAGE_KEYS = ['id', 'vendor', 'name', 'kind', 'description'];
const COMMON_BLOCK_KEYS = ['pollIntervalSeconds'];

/**
 * Parses `value` or throws `VendorConfigError` naming the first bad field (path relative to the block). A key the
 * vendor's object schema does not know is an error with a "did you mean", not silently dropped: a misspelt optional
 * setting would otherwise fall back to its default unnoticed.
 */
export function parseVendorConfig<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  if (schema instanceof z.ZodObject && schema.def.catchall === undefined && value && typeof value === 'object' && !Array.isArray(value)) {
    const isPackage = prefix === 'package' || prefix.startsWith('packages.');
    const known = [...new Set([...Object.keys(schema.shape), ...(isPackage ? COMMON_PACKAGE_KEYS : COMMON_BLOCK_KEYS)])];
    const unknown = Object.keys(value).find((k) => !known.includes(k));
    if (unknown !== undefined) {
      const path = [prefix, unknown].filter(Boolean).join('.');
      throw new VendorConfigError(path, `${path}: ${unknownKeyMessage(unknown, known)}`);
    }
  }
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
