// The fetch every adapter gets (VendorContext.fetch): redirects are never followed. A vendor answering 3xx is a
// clear VendorError: following it would resend credentials and candidate data (Berke puts its token in the body,
// which fetch resends on 307/308) to wherever the Location points.
import { VendorError } from '../core/vendor-port.js';

export function outboundFetch(base: typeof fetch): typeof fetch {
  return async function vendorFetch(input, init) {
    const res = await base(input, { ...init, redirect: 'manual' });
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400 && res.status !== 304)) {
      await res.body?.cancel().catch(() => {});
      const host = new URL(typeof input === 'string' || input instanceof URL ? input : input.url).host;
      throw new VendorError(`The vendor at ${host} answered with a redirect (HTTP ${res.status}); redirects are not followed. Check the configured URL.`, {
        retryable: false,
        code: 'vendor_rejected',
        vendorCode: String(res.status),
      });
    }
    return res;
  };
}
