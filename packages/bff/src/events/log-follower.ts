// Follows the event log for the SSE hub: learns of new events by NOTIFY (or a safety poll), reads them in id
// order one drain at a time and hands each to fan-out. Never sends an event twice or skips one; never writes.
import type { OrderEvent } from '@ca/shared';
import type { Logger } from 'pino';
import type { Database } from '../store/db.js';
import { EVENTS_CHANNEL, eventsAfter, lastEventId } from '../store/events.js';

const PAGE = 500;

export interface LogFollowerOptions {
  db: Database;
  log: Logger;
  /** The live clients: with none, the cursor moves on without reading payloads. */
  listeners: { readonly size: number };
  fanOut(ev: OrderEvent): void;
}

export function createLogFollower(opts: LogFollowerOptions) {
  const { db, log, listeners, fanOut } = opts;
  let cursor = 0n;
  /** The newest event id a NOTIFY announced; `askNewest`: a wake-up came that announced none (safety poll, reconnect). */
  let announced = 0n;
  let askNewest = true;
  let chain: Promise<void> = Promise.resolve();
  let nextDrain: Promise<void> | null = null;
  let unlisten: (() => Promise<void>) | undefined;

  /** Fan-out runs one drain at a time, so the cursor only moves forward and no event is sent twice or skipped. */
  function serial(task: () => Promise<void>): Promise<void> {
    chain = chain.then(task).catch((err) => log.error({ err: String(err) }, 'sse hub task failed'));
    return chain;
  }

  /** Resolves after a drain that started after this call: every event committed before it has been fanned out. */
  function catchUp(): Promise<void> {
    nextDrain ??= serial(async () => {
      nextDrain = null;
      await drain();
    });
    return nextDrain;
  }

  async function drain(): Promise<void> {
    if (listeners.size === 0) {
      // Nobody to send to: move the cursor without reading payloads, to the newest id announced (every id up to it
      // has committed: appends hold the log's lock until COMMIT), or, after a wake-up that announced nothing, the
      // newest in the log. A client that subscribed meanwhile took the old cursor as its start, so then read the
      // events after all.
      let newest = announced;
      if (askNewest) {
        askNewest = false;
        const inLog = await lastEventId(db).catch((err: unknown) => {
          askNewest = true;
          throw err;
        });
        if (inLog > newest) newest = inLog;
      }
      if (listeners.size === 0) {
        if (newest > cursor) cursor = newest;
        return;
      }
    }
    for (;;) {
      const events = await eventsAfter(db, cursor, PAGE);
      for (const ev of events) {
        fanOut(ev);
        cursor = BigInt(ev.id);
      }
      if (events.length < PAGE) return;
    }
  }

  /** A wake-up that names no event: the next drain asks the log for its newest id. */
  function kick(): void {
    askNewest = true;
    void catchUp();
  }

  return {
    /** The newest event id fanned out (or passed over with nobody listening). */
    cursor: () => cursor,
    catchUp,
    kick,
    /**
     * Resolves after a drain up to the newest event in the log, not only the newest a NOTIFY announced (its NOTIFY
     * may still be on its way, on PostgreSQL over a connection of its own).
     */
    catchUpWithLog(): Promise<void> {
      askNewest = true;
      return catchUp();
    },
    /** Starts at the end of the log and listens for NOTIFY. */
    async start(): Promise<void> {
      cursor = await lastEventId(db);
      // The payload is the newest id of the transaction that committed (store/events.ts eventsAnnounced).
      const notified = (payload: string) => {
        if (/^\d{1,19}$/.test(payload) && BigInt(payload) > announced) announced = BigInt(payload);
        else askNewest = true;
        void catchUp();
      };
      unlisten = await db.listen(EVENTS_CHANNEL, notified, kick);
    },
    async stop(): Promise<void> {
      await unlisten?.();
    },
  };
}
