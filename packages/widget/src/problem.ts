// A failure as a sentence for a person, in the widget's language: what the error state, the "Send" form, a link and
// the `ca-error` event say. Never invents a cause: a code it has no words for shows the BFF's own message.
import type { Messages } from './i18n.js';

export interface Problem {
  code: string;
  message: string;
}

/** Error codes the widget explains in its own words (and language); others show the BFF's message. */
const OWN_WORDS: readonly string[] = ['token_expired', 'network', 'vendor_rejected', 'vendor_unavailable'];

/** A failure (a `Failure` or anything with a `code`) as a sentence in the language of `m`. */
export function explain(m: Messages, err: unknown): Problem {
  const e = err as { code?: unknown; message?: string } | undefined;
  let code = typeof e?.code === 'string' ? e.code : 'generic';
  if (/^(token_|unauthorized$)/.test(code)) code = 'token_expired';
  const own = OWN_WORDS.includes(code) ? m[code as 'network'] : '';
  if (!own) return { code, message: e?.message || m.generic };
  // The vendor's own reason, when it gave one, follows our sentence.
  return { code, message: code === 'vendor_rejected' && e?.message ? `${own} ${e.message}` : own };
}
