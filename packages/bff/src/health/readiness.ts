// Readiness (GET /readyz): the BFF takes traffic once its database answers and its jobs run. Reads nothing else and
// changes nothing; a load balancer calls it every few seconds.
import type { Database } from '../store/db.js';
import { ping } from '../store/meta.js';

export type Readiness = { ready: true } | { ready: false; reason: string };

export function createReadinessCheck(deps: { db: Database; jobsReady: () => boolean }) {
  return async function readiness(): Promise<Readiness> {
    try {
      await ping(deps.db);
    } catch {
      return { ready: false, reason: 'database unreachable' };
    }
    if (!deps.jobsReady()) return { ready: false, reason: 'jobs not started' };
    return { ready: true };
  };
}
