// Mettl schedules: one per package and attempt, found by name or created once per process and shared by
// concurrent orders. Never creates a second schedule under a name that exists: an existing one is re-edited.
import { VendorError, type VendorContext } from '../../core/vendor-port.js';
import type { MettlClient } from './client.js';
import type { MettlConfig, MettlPackage } from './config.js';
import { basicAuthValue, RESUME_MARKER } from './webhook.js';

/** docs/vendors/mettl.md#schedules: "you can name the schedules/test links as 1st attempt, 2nd attempt and so on". */
export function scheduleName(config: MettlConfig, pkg: MettlPackage, attempt: number): string {
  return `${config.sourceApp} ${pkg.id} attempt ${attempt}`;
}

/** The `sc` of Create/Edit Schedule: our notification URLs, their Basic header and the exit page. */
export function scheduleSpec(config: MettlConfig, links: VendorContext['links'], pkg: MettlPackage, attempt: number) {
  const hook = links.hookUrl();
  const resumeHook = `${hook}${hook.includes('?') ? '&' : '?'}${RESUME_MARKER.name}=${RESUME_MARKER.value}`;
  // docs/vendors/mettl.md#schedules: the API docs write `…Url` for three of the URLs and `…URL` for the resume one.
  return {
    name: scheduleName(config, pkg, attempt),
    sourceApp: config.sourceApp,
    assessmentId: pkg.assessmentId,
    scheduleType: 'AlwaysOn',
    access: { type: config.accessType, sendEmail: false },
    testStartNotificationUrl: hook,
    testFinishNotificationUrl: hook,
    testGradedNotificationUrl: hook,
    testResumeEnabledForExpiredTestURL: resumeHook,
    testNotificationBasicAuthHeader: basicAuthValue(config.webhookUser, config.webhookPassword),
    // docs/vendors/mettl.md#schedules: after "Finish Test" the candidate is sent here (`exitRedirectionURL` of Edit Assessment; the schedule's
    // `exitRedirectionUrl` in MettlHelper.java). A schedule is shared by orders, so it names none: our exit page
    // thanks the candidate or sends them to the tenant's candidateReturnUrl; notifications carry the status.
    exitRedirectionUrl: links.exitUrl(),
  };
}

export interface Schedules {
  /** The access key of the package's schedule for `attempt`, found or created. */
  ensure(pkg: MettlPackage, attempt: number): Promise<string>;
}

export function createSchedules(client: MettlClient, config: MettlConfig, links: VendorContext['links']): Schedules {
  /** assessmentId|name → access key; one lookup per schedule per process, shared by concurrent orders. */
  const schedules = new Map<string, Promise<string>>();

  async function findSchedule(pkg: MettlPackage, name: string): Promise<string | null> {
    const list = await client.listSchedules(pkg.assessmentId);
    return list.schedules.find((s) => s.name === name)?.accessKey ?? null;
  }

  async function findOrCreateSchedule(pkg: MettlPackage, attempt: number): Promise<string> {
    const sc = scheduleSpec(config, links, pkg, attempt);
    const existing = await findSchedule(pkg, sc.name);
    if (existing) {
      // docs/vendors/mettl.md#notifications (grv07/clat rescue): re-apply our notification URLs and Basic header, which may
      // have changed since the schedule was made (new public URL, rotated webhook password).
      await client.editSchedule(existing, sc);
      return existing;
    }
    try {
      return (await client.createSchedule(pkg.assessmentId, sc)).createdSchedule.accessKey;
    } catch (err) {
      // Another replica may have created it between our lookup and create (names are unique per assessment).
      if (err instanceof VendorError && !err.retryable) {
        const raced = await findSchedule(pkg, sc.name);
        if (raced) return raced;
      }
      throw err;
    }
  }

  return {
    ensure(pkg, attempt) {
      const key = `${pkg.assessmentId}|${scheduleName(config, pkg, attempt)}`;
      let pending = schedules.get(key);
      if (!pending) {
        pending = findOrCreateSchedule(pkg, attempt);
        schedules.set(key, pending);
        pending.catch(() => schedules.delete(key));
      }
      return pending;
    },
  };
}
