// The event stream stays up when another node-server started in the process before the BFF's modules loaded
// (routes/events.ts alreadySent): it swaps in its light Response, with which node-server's own "already sent" marker
// was answered a second time (ERR_HTTP_HEADERS_SENT) and every stream cut after `ready`. Module load order only shows
// in a fresh process, so the case runs in one (testing/fixtures/sse-after-foreign-server.mts).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('../../testing/fixtures/sse-after-foreign-server.mts', import.meta.url));

describe('GET /v1/events after another node-server', () => {
  // The child loads the BFF through tsx and starts one (seconds of CPU): its own 60 s limit, not the project's 30 s test
  // timeout, decides, so a busy machine does not fail it before the child answers (seen at load 19: 48 s).
  it('delivers live events when a node-server started before the BFF loaded', { timeout: 70_000 }, async () => {
    const out = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', fixture], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }))),
    );
    expect(out.stdout).toContain('LIVE OK');
    expect(out.stderr).not.toContain('ERR_HTTP_HEADERS_SENT');
  });
});
