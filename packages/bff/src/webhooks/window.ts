// The deliveries of one tenant in flight at once: at most `size`, started in id order, and how far the cursor may move,
// to the highest id below which every started first attempt has settled. Bookkeeping only: no I/O, no clock.

export class DeliveryWindow {
  /** First attempts started and not settled, in id order (a Set keeps insertion order; they start in id order). */
  private readonly unsettled = new Set<bigint>();
  private readonly running = new Set<Promise<void>>();
  private read: bigint;

  constructor(
    private readonly size: number,
    /** The cursor the window starts from: every event of the tenant up to it is settled. */
    from: bigint,
  ) {
    this.read = from;
  }

  /** The highest id every event of the tenant up to which was read, started in order, or passed. */
  get frontier(): bigint {
    return this.read;
  }

  /** Where the cursor may move: just below the oldest first attempt still unsettled, or the frontier. */
  get through(): bigint {
    const oldest = this.unsettled.values().next();
    return oldest.done ? this.read : oldest.value - 1n;
  }

  /** Marks every event of the tenant up to `id` read (none beyond those started is left behind). */
  reach(id: bigint): void {
    if (id > this.read) this.read = id;
  }

  /** Resolves once fewer than `size` deliveries are in flight. */
  async slot(): Promise<void> {
    while (this.running.size >= this.size) await Promise.race(this.running);
  }

  /**
   * Starts a delivery. With `eventId` it is the event's first attempt, and the cursor waits for it until `task`
   * resolves true (settled: delivered, given up or parked); false or a throw leaves it unsettled, so the cursor never
   * passes it and whoever delivers the tenant next sends it again. Without, a parked retry (the cursor is past it).
   */
  start(task: () => Promise<boolean>, eventId?: bigint): void {
    if (eventId !== undefined) {
      this.unsettled.add(eventId);
      this.reach(eventId);
    }
    const p: Promise<void> = task()
      .then(
        (settled) => {
          if (settled && eventId !== undefined) this.unsettled.delete(eventId);
        },
        () => {},
      )
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Resolves once every delivery started has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }
}
