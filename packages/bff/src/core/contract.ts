// What a vendor adapter can say about the vendor's answers, for the operator's go-live check (`ca contract`) and
// for drift seen in production (docs/operations.md#vendor-contract-drift). Part of the pure port: no I/O here.
import { VendorError } from './vendor-port.js';

/**
 * One assumption our parsing makes about a vendor's answers. `id` is stable and listed, with its public source, in
 * the vendor's document (docs/vendors/<vendor>.md#assumptions), e.g. `berke.completed.paging`.
 */
export interface ContractAssumption {
  id: string;
  /** One line, as an operator reads it: `GetCompletedAssessments pages by currentPage/totalPages`. */
  summary: string;
}

export type ContractVerdict = 'held' | 'contradicted' | 'not_exercised';

export interface ContractFinding {
  assumption: string;
  verdict: ContractVerdict;
  /** Why, in a few words: the call made, what was seen, or why it could not be exercised. */
  detail?: string;
  /** With `contradicted`: the answer as received, personal data and secrets redacted, cut to a few hundred chars. */
  sample?: string;
}

/**
 * The read-only side of an adapter's contract: it makes only harmless calls (listings, a status or results
 * window, authentication) and never creates, changes or e-mails anything at the vendor.
 */
export interface VendorContract {
  readonly assumptions: readonly ContractAssumption[];
  /** Runs the harmless calls and reports every assumption in `assumptions`, each once. */
  check(): Promise<ContractFinding[]>;
}

/**
 * An answer from the vendor failed our parsing. The host logs it once per (vendor, call, shape) with the redacted
 * sample and counts `ca_vendor_contract_drift_total{vendor,call}`; the call still fails as it would have.
 */
export interface ContractDrift {
  /** The vendor call as an operator names it: `GetCompletedAssessments`, `schedule results`. */
  call: string;
  /** What did not match, in a few words, stable for the same shape (it keys the once-per-shape log). */
  shape: string;
  /** The answer, redacted by the adapter (names, e-mails, tokens removed) and cut short. */
  sample: string;
}

const SENSITIVE_KEY = '(?:[A-Za-z_:-]*(?:name|email|mail|phone|token|secret|password|key|signature|session|url|link|address)[A-Za-z_-]*)';
const MAX_SAMPLE = 400;

/**
 * A vendor answer made fit for a log line or a terminal: values of fields whose name says personal data or a secret
 * (names, e-mails, phones, tokens, keys, URLs), in JSON (`"key": …`), XML (`<key>…</key>`, `key="…"`) or a form, are
 * replaced by `[redacted]`, as is any e-mail address left; the result is cut to `max` characters. Adapters that know
 * more fields redact those first.
 */
export function redactSample(text: string, max = MAX_SAMPLE): string {
  const redacted = text
    .replace(new RegExp(`("${SENSITIVE_KEY}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|[^,}\\]\\s]+)`, 'gi'), '$1"[redacted]"')
    .replace(new RegExp(`(<((?:[\\w.-]+:)?${SENSITIVE_KEY})(?:\\s[^>]*)?>)[^<]*(</\\2>)`, 'gi'), '$1[redacted]$3')
    .replace(new RegExp(`(\\s${SENSITIVE_KEY}\\s*=\\s*)("[^"]*"|'[^']*')`, 'gi'), '$1"[redacted]"')
    .replace(new RegExp(`((?:^|[?&])${SENSITIVE_KEY}=)[^&\\s]*`, 'gi'), '$1[redacted]')
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return redacted.length > max ? `${redacted.slice(0, max - 1)}…` : redacted;
}

/**
 * Collects one check's findings. The first verdict on an assumption stands; `failed` turns a failed call into
 * `contradicted` when its answer failed our parsing (`lastDrift`, with its sample), else `not_exercised`; `list()`
 * gives one finding per assumption, in their order, `not reached` for any left without a verdict.
 */
export function collectFindings<Id extends string>(assumptions: readonly { id: Id }[], lastDrift: () => ContractDrift | null) {
  const found = new Map<Id, ContractFinding>();
  const say = (assumption: Id, verdict: ContractVerdict, detail: string, sample?: string) => {
    if (!found.has(assumption)) found.set(assumption, { assumption, verdict, detail, ...(sample ? { sample } : {}) });
  };
  const failed = (ids: readonly Id[], call: string, err: unknown) => {
    const drift = lastDrift();
    for (const id of ids) {
      if (err instanceof VendorError && err.code === 'vendor_bad_response' && drift) say(id, 'contradicted', `${call}: ${drift.shape}`, drift.sample);
      else say(id, 'not_exercised', `${call} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const list = (): ContractFinding[] => assumptions.map((a) => found.get(a.id) ?? { assumption: a.id, verdict: 'not_exercised', detail: 'not reached' });
  return { say, failed, list };
}
