// Every vendor URL is checked where it enters the BFF: a launch link, a report or evaluation link and the link a
// reminder hands the ATS must be http(s). A `javascript:` or `data:` answer would otherwise reach a browser as a
// Location or an `href` in the ATS page (docs/contracts.md#http-api). Adapters check their own wire fields too; this is
// the one place no vendor can skip.
import { VendorError, type VendorAdapter, type VendorLink, type VendorOrder, type VendorReport } from '../core/vendor-port.js';

/** True for an absolute http: or https: URL; everything else (javascript:, data:, relative, unparsable) is false. */
export function isWebUrl(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Refuses a vendor answer whose URL is not http(s); the vendor's answer is not passed on in any form. */
function refuse(vendor: string, what: string): never {
  throw new VendorError(`The assessment provider (${vendor}) sent a ${what} that is not an http(s) address; it was refused.`, {
    retryable: false,
    code: 'vendor_bad_url',
  });
}

/** `adapter` with its URL-returning calls checked. Capabilities stay as they are: what the adapter lacks, this lacks. */
export function withCheckedUrls(adapter: VendorAdapter): VendorAdapter {
  const v = adapter.vendor;
  const link = async (what: string, got: Promise<VendorLink>): Promise<VendorLink> => {
    const l = await got;
    if (!isWebUrl(l.url)) refuse(v, what);
    return l;
  };
  const checked: VendorAdapter = Object.create(adapter) as VendorAdapter;
  Object.defineProperty(checked, 'launchUrl', { value: (o: VendorOrder) => link('launch link', adapter.launchUrl(o)) });
  if (typeof adapter.reportUrl === 'function') {
    const reportUrl = async (o: VendorOrder): Promise<VendorReport> => {
      const r = await adapter.reportUrl!(o);
      if (!('document' in r) && !isWebUrl(r.url)) refuse(v, 'report link');
      return r;
    };
    Object.defineProperty(checked, 'reportUrl', { value: reportUrl });
  }
  if (typeof adapter.evaluationUrl === 'function') {
    Object.defineProperty(checked, 'evaluationUrl', { value: (o: VendorOrder) => link('evaluation link', adapter.evaluationUrl!(o)) });
  }
  if (typeof adapter.remind === 'function') {
    const remind = async (o: VendorOrder) => {
      const r = await adapter.remind!(o);
      if (r.url !== undefined && !isWebUrl(r.url)) refuse(v, 'invitation link');
      return r;
    };
    Object.defineProperty(checked, 'remind', { value: remind });
  }
  return checked;
}
