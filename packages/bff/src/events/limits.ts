// Stream caps per token subject, tenant and process: counted before any header is written, so a refused
// stream costs nothing else. Never counts a slot twice: a slot is released once.
/** How many streams may be open, and how much a resuming client may ask for. */
export interface SseLimits {
  /** Open streams of one token subject and role (a candidate id and token role of one tenant; an API key's tenant). */
  maxStreamsPerSubject: number;
  maxStreamsPerTenant: number;
  /** Open streams of this process. */
  maxStreams: number;
  /** A resume that would replay more events than this gets `resync` instead. */
  maxReplayEvents: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = { maxStreamsPerSubject: 5, maxStreamsPerTenant: 5000, maxStreams: 10_000, maxReplayEvents: 1000 };

/** A reserved stream slot; release it when the response closes. */
export interface StreamSlot {
  release(): void;
}

export function createStreamCaps(limits: SseLimits): { admit(subject: string, tenantId: string): StreamSlot | null } {
  const open = { total: 0, bySubject: new Map<string, number>(), byTenant: new Map<string, number>() };
  const bump = (m: Map<string, number>, k: string, by: number) => {
    const n = (m.get(k) ?? 0) + by;
    if (n > 0) m.set(k, n);
    else m.delete(k);
  };
  return {
    /** Reserves a stream for `subject` of `tenantId`, or returns null when a cap is reached. */
    admit(subject, tenantId) {
      const key = `${tenantId}\0${subject}`;
      if (
        open.total >= limits.maxStreams ||
        (open.byTenant.get(tenantId) ?? 0) >= limits.maxStreamsPerTenant ||
        (open.bySubject.get(key) ?? 0) >= limits.maxStreamsPerSubject
      ) {
        return null;
      }
      open.total++;
      bump(open.byTenant, tenantId, 1);
      bump(open.bySubject, key, 1);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          open.total--;
          bump(open.byTenant, tenantId, -1);
          bump(open.bySubject, key, -1);
        },
      };
    },
  };
}
