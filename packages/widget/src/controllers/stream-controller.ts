// Connects the element to the page-wide shared live stream while it is in the document; leaves it when removed.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TokenClaims } from '../claims.js';
import { joinStream, type StreamListener } from '../live-stream.js';

export class StreamController implements ReactiveController {
  #leave: (() => void) | undefined;

  readonly #listener: StreamListener;

  constructor(host: ReactiveControllerHost, listener: StreamListener) {
    this.#listener = listener;
    host.addController(this);
  }

  /**
   * Shares one stream per BFF + tenant + candidate + role (the token's iss, sub and role): the BFF strips results
   * from a candidate's stream, so a recruiter view must never read from it.
   */
  join(api: string, claims: TokenClaims | null, token: string): void {
    this.stop();
    const who = claims?.iss && claims.sub ? `${claims.iss}|${claims.sub}|${claims.role}` : token;
    this.#leave = joinStream(api, `${api}|${who}`, this.#listener);
  }

  stop(): void {
    this.#leave?.();
    this.#leave = undefined;
  }

  hostDisconnected(): void {
    this.stop();
  }
}
