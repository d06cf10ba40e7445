// PostgreSQL restarted under two running replicas while notifications keep coming: both report not-ready, then
// reconnect and take work again; LISTEN resumes (an event committed on B reaches a stream on A faster than the
// safety poll); the stream open on A through it all misses no event of the log.
// Restarts the cluster, so it runs only where that is allowed: `.ci/run` sets CA_FAULTS_PG_RESTART=1.
import type { Order } from '@ca/shared';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openSse, withSchema } from '@ca/bff/testing';
import { acmeConfig, API_KEY, waitFor } from '../support/config.js';
import { freePort, startBffProcess, writeConfig, type BffProcess } from '../support/process.js';
import { createOrder, getOrder, pool, PSI_PACKAGE, PSI_VENDOR, psiBooking, psiToken, sendPsi } from './support.js';

const pgUrl = process.env.TEST_DATABASE_URL;
const allowed = Boolean(pgUrl) && process.env.CA_FAULTS_PG_RESTART === '1';

// Asynchronous on purpose: the readiness polls and the load keep running while the cluster restarts.
const run = promisify(execFile);
const pgReady = () => run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).then(() => true, () => false);

describe.skipIf(!allowed)('PostgreSQL restarted under two replicas', () => {
  const replicas: BffProcess[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill('SIGTERM')));
  });

  it('goes not-ready, reconnects, resumes LISTEN, and a connected stream misses no event', async () => {
    const database = withSchema(pgUrl!, `faults_${randomBytes(5).toString('hex')}`);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      replicas.push(await startBffProcess(writeConfig(acmeConfig({ port, database, vendors: { psi: PSI_VENDOR }, packages: [PSI_PACKAGE] }))));
    }
    const [a, b] = replicas as [BffProcess, BffProcess];
    const orders: Order[] = [];
    await pool(10, 4, async (i) => {
      const res = await createOrder(b.url, `pgr-${i}`, PSI_PACKAGE.id);
      const { order } = (await res.json()) as { order: Order };
      orders[i] = await waitFor(async () => {
        const o = await getOrder(a.url, order.id);
        return o.vendorRef ? o : undefined;
      }, 60_000, 'placement');
    });
    const stream = await openSse(`${a.url}/v1/events`, { token: API_KEY });
    const ready = await stream.waitForFrame((f) => f.event === 'ready');
    let streamEnded = false;
    void stream.closed.then(() => (streamEnded = true));

    // Notifications to both replicas, and readiness polls, for the whole test.
    const tokens = [await psiToken(a.url), await psiToken(b.url)];
    const base = Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000;
    const readiness: { replica: number; status: number }[] = [];
    const acked = { before: 0, after: [0, 0] };
    let restarted = false;
    let stop = false;
    let n = 0;
    const load = pool(2, 2, async (lane) => {
      while (!stop) {
        const i = n++;
        const res = await sendPsi(replicas[lane]!.url, tokens[lane]!, psiBooking(orders[i % orders.length]!, base + i * 1000)).catch(() => null);
        if (res?.status === 200) {
          if (restarted) acked.after[lane]!++;
          else acked.before++;
        }
        await new Promise((r) => setTimeout(r, res ? 20 : 200));
      }
    });
    const polls = pool(2, 2, async (r) => {
      while (!stop) {
        const res = await fetch(`${replicas[r]!.url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
        readiness.push({ replica: r, status: res?.status ?? 0 });
        await new Promise((res2) => setTimeout(res2, 100));
      }
    });

    await new Promise((r) => setTimeout(r, 3000));
    const version = readdirSync('/etc/postgresql')[0]!;
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { timeout: 60_000 });
    await waitFor(pgReady, 60_000, 'PostgreSQL to accept connections again');
    restarted = true;
    const notReady = [0, 1].map((r) => readiness.some((x) => x.replica === r && x.status !== 200));
    await waitFor(async () => acked.after[0]! > 5 && acked.after[1]! > 5, 60_000, 'both replicas to store notifications again').catch((err: Error) => {
      // Say what each replica was doing: its exit code, whatever it printed that is not a log line (a crash's stack), and
      // its last log lines.
      const tails = replicas.map((r, i) => {
        const other = r.output.filter((l) => !l.startsWith('{')).slice(0, 60);
        return `replica ${i} (exit ${r.child.exitCode ?? r.child.signalCode ?? 'running'}, acked ${acked.after[i]}):\n${[...other, '…', ...r.output.slice(-10)].join('\n')}`;
      });
      throw new Error(`${err.message}\n${tails.join('\n')}`);
    });
    await waitFor(async () => [0, 1].every((r) => readiness.filter((x) => x.replica === r).at(-1)?.status === 200), 30_000, 'both replicas ready');
    stop = true;
    await Promise.all([load, polls]);

    // LISTEN resumed: an event stored by B reaches A's stream faster than the 5 s safety poll would bring it.
    const latencies: number[] = [];
    for (let k = 0; k < 3; k++) {
      const order = orders[k]!;
      const at = base + (n + k) * 1000;
      const sent = Date.now();
      expect((await sendPsi(b.url, tokens[1]!, psiBooking(order, at))).status).toBe(200);
      await stream.waitFor((e) => e.orderId === order.id && e.order.booking?.startsAt === new Date(at + 7 * 86_400_000).toISOString(), 10_000);
      latencies.push(Date.now() - sent);
    }
    expect(Math.min(...latencies)).toBeLessThan(2000);

    // The stream that stayed open has every event the log holds since it started: compare with a replay.
    expect(streamEnded).toBe(false);
    const live = stream.events.map((e) => e.id);
    const replay = await openSse(`${b.url}/v1/events`, { token: API_KEY, lastEventId: ready.id! });
    const last = live.at(-1)!;
    await replay.waitFor((e) => e.id === last, 20_000);
    const logged = replay.events.map((e) => e.id).filter((id) => BigInt(id) <= BigInt(last));
    expect(live).toEqual(logged);
    replay.close();
    stream.close();

    expect(notReady).toEqual([true, true]);
    console.log(
      `PostgreSQL restart: both replicas went not-ready (${readiness.filter((x) => x.status !== 200).length} not-ready answers), stored ${acked.before} notifications before and ${acked.after.join(' + ')} after; the open stream on A got all ${live.length} events of the log; NOTIFY latency B→A after restart ${latencies.join(', ')} ms`,
    );
  });
});
