// Mettl timestamps → Date. Only the `*_GMT` fields are trusted: the local ones ("… IST") name zones Date cannot read.
/** "Fri, 29 Aug 2014 08:55:26 GMT" or "Fri, 16 Aug 2024 13:14:13 UTC" (docs/vendors/mettl.md#notifications); null when absent or unreadable. */
export function parseGmt(value: string | undefined): Date | null {
  if (value === undefined || !/\b(GMT|UTC|Z)\b|[+-]\d\d:?\d\d$|\dZ$/.test(value.trim())) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** The form Mettl itself writes in notifications: RFC 1123, second precision. */
export function formatGmt(d: Date): string {
  return d.toUTCString();
}
