// Bench child processes: a TypeScript module run by `node --import tsx` with an IPC channel, so a server's
// RSS is its own and the load generator never shares its event loop. Request/response over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { statCpuMs } from './proc.js';

export const ROOT = resolve(import.meta.dirname, '../../..');

export interface Child {
  pid: number;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Starts `file` (relative to test/bench) as a child; it must call `serve(handlers)` from this module. */
export async function startChild(file: string, env: Record<string, string> = {}): Promise<Child> {
  const child: ChildProcess = fork(resolve(import.meta.dirname, '..', file), [], {
    cwd: ROOT,
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every bench child (servers and clients) there; BENCH_CHILD_ARGS
    // adds Node options to every child (diagnosis, e.g. `--trace-gc`).
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      '--max-old-space-size=4096',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ...(process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(`${file}: ${m.error}`));
  });
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${file} exited (${code ?? signal})`));
    pending.clear();
  });
  const c: Child = {
    pid: child.pid!,
    call<T>(cmd: string, args?: unknown, timeoutMs = 120_000) {
      const id = ++seq;
      return new Promise<T>((res, rej) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          rej(new Error(`${file}: ${cmd} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => (clearTimeout(timer), res(v as T)),
          reject: (e) => (clearTimeout(timer), rej(e)),
        });
        child.send({ id, cmd, args });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await c.call('stop', undefined, 30_000).catch(() => {});
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  await c.call('ping', undefined, 60_000);
  return c;
}

type Handler = (args: any) => unknown;

/** Child side: answers calls; `stop` runs the given handler (if any) and exits. */
export function serve(handlers: Record<string, Handler>): void {
  process.on('message', async (m: { id: number; cmd: string; args: unknown }) => {
    try {
      let value: unknown;
      if (m.cmd === 'ping') value = 'pong';
      else if (m.cmd === 'cpu') value = process.cpuUsage();
      else if (m.cmd === 'mainThreadCpu') value = mainThreadCpuMs();
      else if (m.cmd === 'profileStart') value = await profileStart();
      else if (m.cmd === 'profileStop') value = await profileStop(m.args as string);
      else if (m.cmd === 'rss') {
        (globalThis as { gc?: () => void }).gc?.();
        (globalThis as { gc?: () => void }).gc?.();
        value = process.memoryUsage();
      } else {
        const h = handlers[m.cmd];
        if (!h) throw new Error(`unknown command ${m.cmd}`);
        value = await h(m.args);
      }
      process.send!({ id: m.id, ok: true, value });
      if (m.cmd === 'stop') setTimeout(() => process.exit(0), 50);
    } catch (err) {
      process.send!({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0)); // the parent went away: never outlive it
}

/**
 * CPU time (user + system, ms) of this process's main thread alone, from /proc (Linux; NaN elsewhere): beside
 * process.cpuUsage() (every thread) it splits a server's CPU into its main thread and the rest (on PGlite: the
 * database's thread, with V8's GC and compiler threads).
 */
const mainThreadCpuMs = (): number => statCpuMs(`/proc/self/task/${process.pid}/stat`);

/** Wall-clock time in ms with sub-ms precision, comparable across processes on one machine. */
export const wallNow = () => performance.timeOrigin + performance.now();

// Diagnosis (BENCH_PHASE_PROF=<dir>): a V8 CPU profile of one measured phase only, not the child's whole life.
let inspector: import('node:inspector').Session | undefined;
const post = (method: string, params?: object) =>
  new Promise<any>((res, rej) => inspector!.post(method, params ?? {}, (err, out) => (err ? rej(err) : res(out))));

async function profileStart(): Promise<boolean> {
  const { Session } = await import('node:inspector');
  inspector = new Session();
  inspector.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return true;
}

async function profileStop(file: string): Promise<string> {
  const { profile } = await post('Profiler.stop');
  inspector!.disconnect();
  inspector = undefined;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}
