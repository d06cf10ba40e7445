// The tenant's `vendors.pymetrics` block and the pymetrics fields of a package, validated with zod at start.
// Never echoes the client secret in an error: VendorConfigError names the field only.
import { z } from 'zod';
import { vendorBaseUrl } from '../config.js';

/** The tenant's `vendors.pymetrics` block (docs/operations.md#configuration-reference). */
export const PymetricsConfig = z.object({
  /** Service URL, e.g. `https://www.pymetrics.com/integrations/webservice/v3/`; default: the WSDL's `soap:address`. */
  endpoint: vendorBaseUrl().optional(),
  /** Where to read the WSDL (docs/vendors/pymetrics.md#wsdl: `https://www.pymetrics.com/integrations/webservice/v3/wsdl/`); default: our copy of it. */
  wsdl: vendorBaseUrl().optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** For `list_assessments` (catalog); without it the adapter has no catalog. */
  organizationId: z.string().min(1).optional(),
  /** Orders per get_bulk_status call. */
  batchSize: z.number().int().min(1).max(1000).default(100),
  pollIntervalSeconds: z.number().int().positive().default(300),
  timeoutMs: z.number().int().positive().default(20_000),
  /**
   * The namespace of `RequestHeader`'s children (docs/vendors/pymetrics.md#request-header): `walkthrough` (default)
   * `https://www.pymetrics.com/integrations/webservice/v3/wsdl/`, as the guide's zeep walkthrough and the public
   * zeep code build it; `sample` the service namespace `pym.intg.ws.3.0.0`, as the guide's raw XML samples write it.
   */
  headerNamespace: z.enum(['walkthrough', 'sample']).default('walkthrough'),
});
export type PymetricsConfig = z.infer<typeof PymetricsConfig>;

/** A pymetrics package: `assessmentId` is the pymetrics assessment (docs/vendors/pymetrics.md#ordering: "Used to identify which model"). */
export const PymetricsPackage = z.object({
  assessmentId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String),
  /** Optional order fields (docs/vendors/pymetrics.md#ordering): ISO 639-1 language, city and country of the candidate. */
  applicationLocale: z.string().regex(/^[a-z]{2}$/).optional(),
  city: z.string().min(1).optional(),
  country: z.string().min(1).optional(),
});
