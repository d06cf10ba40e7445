// Replays what a resuming client missed, straight from the event log, a few replays at a time; a gap too large
// or outside the kept history is `resync`. Never reads on for a client that hung up.
import type { Database } from '../store/db.js';
import { eventsAfter, replayGap } from '../store/events.js';
import { forRole } from '../orders/view.js';
import type { SseClient } from './clients.js';
import { sseFrame } from './frame.js';

/** Replays read short pages: a client that hung up stops after one, and live drains get the database in between. */
const REPLAY_PAGE = 100;

export interface ReplayOptions {
  db: Database;
  maxReplayEvents: number;
  /** Replays reading the log at once; the rest wait their turn. */
  concurrentReplays: number;
  send(c: SseClient, frame: string): void;
}

export function createReplayer(opts: ReplayOptions): (c: SseClient, lastSeen: bigint, through: bigint) => Promise<void> {
  const { db, send } = opts;
  const replays = semaphore(opts.concurrentReplays);

  /**
   * Replays (lastSeen, through] from the log off the fan-out chain, while live frames after `through` are held.
   * Stops reading as soon as the client goes away. A gap too large to replay, or outside the kept history, is `resync`.
   */
  return async function replay(c, lastSeen, through) {
    const release = await replays.acquire();
    try {
      await turn(); // let a hang-up that already arrived close the client first
      if (c.closed) return;
      const max = opts.maxReplayEvents;
      const gap = await replayGap(db, c.filter, lastSeen, through, through - lastSeen > BigInt(max) ? max + 1 : 0);
      const reason = lastSeen < gap.prunedThrough ? 'history_pruned' : gap.events > max ? 'gap_too_large' : null;
      if (reason) return send(c, sseFrame(through.toString(), 'resync', { reason }));
      let after = lastSeen;
      while (!c.closed) {
        const missed = await eventsAfter(db, after, REPLAY_PAGE, c.filter, through);
        for (const ev of missed) {
          const order = c.role === 'candidate' ? forRole(ev.order, 'candidate') : ev.order;
          send(c, sseFrame(ev.id, ev.type, { ...ev, order }));
        }
        if (missed.length < REPLAY_PAGE) break;
        after = BigInt(missed[missed.length - 1]!.id);
        await turn();
      }
    } finally {
      release();
    }
  };
}

/** Yields to the event loop (I/O callbacks run), not just to other promise continuations. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** At most `n` holders at once; the rest wait in arrival order. */
function semaphore(n: number): { acquire(): Promise<() => void> } {
  let free = n;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    acquire() {
      if (free > 0) {
        free--;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve) => waiting.push(() => resolve(once(release))));
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}
