import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPymetricsSandbox, type PymetricsSandbox } from './server.js';
import { SESSION_EXPIRED } from './wire.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./zeep_walkthrough.py', import.meta.url));

/** The first Python that can import zeep; `python3` may be a pyenv shim without Debian's python3-zeep. */
async function pythonWithZeep(): Promise<string | null> {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      await run(py, ['-c', 'import zeep'], { timeout: 20_000 });
      return py;
    } catch {
      /* try the next one */
    }
  }
  return null;
}

describe('the sandbox WSDL with an independent SOAP client (Python zeep)', () => {
  let sandbox: PymetricsSandbox;
  beforeAll(async () => {
    sandbox = await startPymetricsSandbox({ callbacks: false });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it("runs the V3 guide's walkthrough with zeep against the sandbox", async () => {
    const python = await pythonWithZeep();
    if (!python) {
      throw new Error('Python zeep is not installed: install the Debian package python3-zeep (apt-get install python3-zeep).');
    }
    const { stdout } = await run(python, [SCRIPT, sandbox.wsdlUrl, sandbox.url, sandbox.clientId], {
      env: { ...process.env, PYM_CLIENT_SECRET: sandbox.clientSecret },
      timeout: 60_000,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as {
      echo: string;
      order_id: number;
      assessment_url: string;
      statuses: string[];
      expired_message: string;
      after_renewal: string;
      results: { order_id: number; fitscore: number; band: string; passed: boolean }[];
      report_url: string;
    };
    const order = sandbox.order(String(out.order_id))!;
    expect(out.echo).toBe('Hello World!');
    expect(order).toMatchObject({ externalId: 'ATS-ID-0001', firstName: 'John', locale: 'en' });
    expect(out.assessment_url).toBe(order.inviteUrl);
    expect(out.statuses).toEqual(['PENDING', 'ACCEPTED', 'NOT_STARTED', 'IN_PROGRESS', 'COMPLETED']);
    expect(out.expired_message).toBe(SESSION_EXPIRED);
    expect(out.after_renewal).toBe('COMPLETED');
    expect(out.results).toEqual([
      { order_id: out.order_id, fitscore: order.result.fitscore, band: order.result.band, passed: order.result.passed },
    ]);
    expect(out.report_url).toBe(order.reportUrl);
    expect(sandbox.calls().authenticate).toBe(2);
  });
});
