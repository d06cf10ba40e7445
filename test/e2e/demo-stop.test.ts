// Ctrl-C on `pnpm demo`: the terminal sends SIGINT to the whole foreground process group, so pnpm, the shell pnpm
// runs the script in (`sh -c <script>`) and the demo all get it. A shell left between pnpm and node dies of that
// SIGINT before the demo has stopped, and pnpm then prints `ELIFECYCLE Command failed.`; the script `exec`s node so
// that pnpm's child is the demo itself, which stops everything and exits 0. This runs the package.json script the
// way pnpm does, in a process group of its own, and interrupts the group as a terminal would.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['demo']!;

const refused = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), done(false)));
    s.once('error', () => done(true));
  });

it('stops on Ctrl-C with exit code 0, every server closed, and nothing for pnpm to report', async () => {
  const child = spawn('sh', ['-c', script], {
    cwd: root,
    detached: true, // its own process group, like a terminal's foreground job
    env: { ...process.env, DEMO_BFF_PORT: '0', DEMO_ATS_PORT: '0', DEMO_DATABASE: 'memory:' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  try {
    await new Promise<void>((ready, fail) => {
      const check = () => (out.includes('Ctrl-C stops everything') ? ready() : undefined);
      child.stdout.on('data', check);
      void exited.then(() => fail(new Error(`the demo exited before it was ready:\n${out}`)));
    });
    const ports = [...new Set([...out.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
    expect(ports.length).toBeGreaterThanOrEqual(3); // BFF, demo ATS, the sandboxes
    expect(await refused(ports[0]!)).toBe(false);

    process.kill(-child.pid!, 'SIGINT');
    const { code, signal } = await exited;
    expect({ code, signal }, out).toEqual({ code: 0, signal: null });
    expect(out).toContain('stopped.');
    expect(out).not.toContain('ELIFECYCLE');
    for (const port of ports) expect(await refused(port), `port ${port} is still open`).toBe(true);
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
});
