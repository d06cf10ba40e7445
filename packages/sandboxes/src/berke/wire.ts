// Berke's wire shapes as the sandbox writes them (docs/vendors/berke.md#errors): the `X-Response-Code` fault and the XML layout
// (attributes, utf-16 declaration) of the default output format. No state, no I/O.

/** Berke-style error: `X-Response-Code` `[HTTP].[Berke code]` (docs/vendors/berke.md#errors; codes other than 1003 are the sandbox's). */
export class BerkeFault extends Error {
  constructor(
    readonly http: number,
    readonly berke: number,
    message: string,
    readonly headerMessage = message,
  ) {
    super(message);
  }
}

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Attributes of one element; on the root a null field is left out (the success sample in docs/vendors/berke.md#fixtures has no `response`). */
const attrs = (o: Record<string, unknown>, root = false) =>
  Object.entries(o)
    .filter(([, v]) => (typeof v !== 'object' || v === null) && !(root && v === null))
    .map(([k, v]) => `${k}="${escapeXml(v === null || v === undefined ? '' : String(v))}"`)
    .join(' ');

/** A JSON-layout answer in Berke's XML layout: `<berkeResponse>` with `assessmentStatus` + `jobFitList`, or `jobs`. */
export function toXml(body: Record<string, unknown>): string {
  const head = '<?xml version="1.0" encoding="utf-16"?>\n';
  const status = body['assessmentStatus'] as Record<string, unknown> | undefined;
  const root = attrs(body, true);
  const jobList = (body['jobs'] as { job: Record<string, unknown>[] } | undefined)?.job;
  if (jobList) {
    const items = jobList.map((j) => `    <job ${attrs(j)} />`).join('\n');
    return `${head}<berkeResponse ${root}>\n  <jobs>\n${items}\n  </jobs>\n</berkeResponse>`;
  }
  const completed = (body['assessments'] as { assessment: Record<string, unknown>[] } | undefined)?.assessment;
  if (completed) {
    const items = completed
      .map((a) => {
        const fits = (a['jobFit'] as Record<string, unknown>[]).map((f) => `        <jobFit ${attrs(f)} />`).join('\n');
        return `    <assessment>\n      <assessmentStatus ${attrs(a['assessmentStatus'] as Record<string, unknown>)} />\n      <jobFitList>\n${fits}\n      </jobFitList>\n    </assessment>`;
      })
      .join('\n');
    return `${head}<berkeResponse ${root}>\n  <assessments>\n${items}\n  </assessments>\n</berkeResponse>`;
  }
  if (!status) return `${head}<berkeResponse ${root} />`;
  const fits = (body['jobFit'] as Record<string, unknown>[]).map((f) => `    <jobFit ${attrs(f)} />`).join('\n');
  return `${head}<berkeResponse ${root}>\n  <assessmentStatus ${attrs(status)} />\n  <jobFitList>\n${fits}\n  </jobFitList>\n</berkeResponse>`;
}
