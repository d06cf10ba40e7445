// Starts real BFF processes (the same command operators run) for multi-process tests, and stops them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface BffProcess {
  url: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export { freePort } from '@ca/bff/testing';

export function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'ca-cfg-'));
  const file = join(dir, 'bff.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Runs `node scripts/bff.mjs --config FILE` and resolves once it logs that it listens. */
export async function startBffProcess(configFile: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<BffProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/bff.mjs'), '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`BFF did not start in ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        output.push(line);
        const m = /listening on (http:\/\/[\d.:]+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]!);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`BFF exited with ${code} before listening:\n${output.join('\n')}`));
    });
  });
  return {
    url,
    child,
    output,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
