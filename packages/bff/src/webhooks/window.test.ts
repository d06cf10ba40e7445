// The delivery window's bookkeeping: how many deliveries run at once, and how far the cursor may move while some
// are still in flight (never past an unsettled first attempt, however many later ones settled).
import { describe, expect, it } from 'vitest';
import { DeliveryWindow } from './window.js';

/** A task that resolves when told to, with `settled`. */
function gate() {
  let open: (settled: boolean) => void = () => {};
  const done = new Promise<boolean>((r) => (open = r));
  return { task: () => done, open: (settled = true) => open(settled) };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('a delivery window', () => {
  it('moves the cursor only below the oldest first attempt still unsettled', async () => {
    const w = new DeliveryWindow(16, 10n);
    const [a, b, c] = [gate(), gate(), gate()];
    w.start(a.task, 11n);
    w.start(b.task, 14n);
    w.start(c.task, 15n);
    expect([w.through, w.frontier]).toEqual([10n, 15n]);
    b.open();
    c.open();
    await tick();
    expect(w.through).toBe(10n); // 14 and 15 settled, 11 not yet
    a.open();
    await w.idle();
    expect(w.through).toBe(15n);
    w.reach(20n);
    expect(w.through).toBe(20n);
  });

  it('never passes a first attempt that did not settle (a stop, a lost lease), nor counts a retry in the cursor', async () => {
    const w = new DeliveryWindow(16, 0n);
    w.start(async () => false, 1n);
    w.start(async () => true, 2n);
    w.start(async () => {
      throw new Error('database gone');
    }, 3n);
    w.start(async () => true); // a parked retry
    await w.idle();
    expect(w.through).toBe(0n);
  });

  it('holds at most its size in flight', async () => {
    const w = new DeliveryWindow(2, 0n);
    const gates = [gate(), gate(), gate()];
    let started = 0;
    const filling = (async () => {
      for (const [i, g] of gates.entries()) {
        await w.slot();
        started += 1;
        w.start(g.task, BigInt(i + 1));
      }
    })();
    await tick();
    expect(started).toBe(2);
    gates[0]!.open();
    await filling;
    expect(started).toBe(3);
    gates[1]!.open();
    gates[2]!.open();
    await w.idle();
    expect(w.through).toBe(3n);
  });
});
