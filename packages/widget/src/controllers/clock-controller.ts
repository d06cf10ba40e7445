// Ticks while the element is connected so relative times ("2 minutes ago") stay true without a reload; reads the
// BFF's timestamps.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** An ISO timestamp as epoch milliseconds (0 when absent). */
export const time = (iso: string | undefined): number => (iso ? Date.parse(iso) : 0);

export class ClockController implements ReactiveController {
  now = Date.now();
  #timer: ReturnType<typeof setInterval> | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #everyMs: number;

  constructor(host: ReactiveControllerHost, everyMs = 15_000) {
    this.#host = host;
    this.#everyMs = everyMs;
    host.addController(this);
  }

  hostConnected(): void {
    this.now = Date.now();
    this.#timer = setInterval(() => {
      this.now = Date.now();
      this.#host.requestUpdate();
    }, this.#everyMs);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }
}
