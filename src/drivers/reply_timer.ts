/**
 * The network timeout of a session's requests: a request whose reply does not come within it
 * fails. Not `setTimeout`: Deno loads its Node timers on the first use of that global, about 6 ms,
 * a tenth of a whole `tide status` on the light client. `AbortSignal.timeout` is cheap, cannot be
 * cancelled, and keeps the event loop alive only while it has a listener; so one signal serves the
 * requests that start before it fires (each re-arms for its own time left when it fires early),
 * and a session with nothing in flight holds neither the process nor a pile of timers.
 *
 * @module
 */

/** Makes a signal that aborts after `ms`: `AbortSignal.timeout`, or a test's own. */
export type TimeoutSignal = (ms: number) => AbortSignal;

/**
 * The network timeout of one session's requests.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReplyTimer } from "./reply_timer.ts";
 *
 * const timer = new ReplyTimer(5);
 * assert.equal(await timer.race(Promise.resolve(1), () => new Error("no reply")), 1);
 * const stalled = new Promise(() => {}); // a reply that never comes
 * await assert.rejects(timer.race(stalled, () => new Error("no reply")), /no reply/);
 * ```
 */
export class ReplyTimer {
  readonly #ms: number;
  readonly #timeout: TimeoutSignal;
  readonly #now: () => number;
  #signal?: AbortSignal;

  /** Requests get `ms` each (no limit when 0 or less). */
  constructor(ms: number, timeout: TimeoutSignal = AbortSignal.timeout, now = Date.now) {
    this.#ms = ms;
    this.#timeout = timeout;
    this.#now = now;
  }

  /**
   * `reply`, unless `ms` pass first: then `onExpiry` runs and its error is thrown (or what it
   * throws).
   */
  async race<T>(reply: Promise<T>, onExpiry: () => Error): Promise<T> {
    if (this.#ms <= 0) return await reply;
    const deadline = this.#now() + this.#ms;
    let expire!: (error: Error) => void;
    const expired = new Promise<never>((_, reject) => expire = reject);
    let armed: AbortSignal;
    const arm = (signal: AbortSignal) => {
      armed = signal;
      signal.addEventListener("abort", check, { once: true });
    };
    const check = () => {
      const left = deadline - this.#now();
      if (left > 0) return arm(this.#signal = this.#timeout(left)); // an earlier request's signal
      try {
        expire(onExpiry());
      } catch (error) {
        expire(error as Error); // a listener's throw would be uncaught: the request fails instead
      }
    };
    arm(this.#signal?.aborted === false ? this.#signal : (this.#signal = this.#timeout(this.#ms)));
    try {
      return await Promise.race([reply, expired]);
    } finally {
      armed!.removeEventListener("abort", check);
    }
  }
}
