import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { ReplyTimer } from "./reply_timer.ts";

/** Signals a test fires itself, on a clock it moves itself. */
function fakeTime() {
  const clock = { now: 0 };
  const made: { ms: number; due: number; controller: AbortController }[] = [];
  const timeout = (ms: number) => {
    const controller = new AbortController();
    made.push({ ms, due: clock.now + ms, controller });
    return controller.signal;
  };
  /** Moves the clock to `at` and fires the signals due by then. */
  const advance = (at: number) => {
    clock.now = at;
    for (const signal of [...made]) if (signal.due <= at) signal.controller.abort();
  };
  return { clock, made, timeout, advance, now: () => clock.now };
}

Deno.test("ReplyTimer fails a request whose reply does not come in time, once, with onExpiry's error", async () => {
  const time = fakeTime();
  const timer = new ReplyTimer(100, time.timeout, time.now);
  let expiries = 0;
  const stalled = timer.race(new Promise(() => {}), () => {
    expiries++;
    return new Error("no reply within 100 ms");
  });
  time.advance(100);
  await rejects(stalled, /no reply within 100 ms/);
  equal(expiries, 1);
});

Deno.test("ReplyTimer fails the request with what onExpiry throws, rather than throwing from its timer", async () => {
  const time = fakeTime();
  const timer = new ReplyTimer(100, time.timeout, time.now);
  const stalled = timer.race(new Promise(() => {}), () => {
    throw new Error("closing the connection failed");
  });
  time.advance(100);
  await rejects(stalled, /closing the connection failed/);
});

Deno.test("ReplyTimer serves a session's requests with one timer while they are quicker than it", async () => {
  const time = fakeTime();
  const timer = new ReplyTimer(100, time.timeout, time.now);
  for (let i = 0; i < 1000; i++) {
    time.clock.now = i / 100;
    equal(await timer.race(Promise.resolve(i), () => new Error("stalled")), i);
  }
  deepEqual(time.made.map((signal) => signal.ms), [100]);
});

Deno.test("ReplyTimer gives a request its whole time when an earlier request's timer fires first", async () => {
  const time = fakeTime();
  const timer = new ReplyTimer(100, time.timeout, time.now);
  await timer.race(Promise.resolve(), () => new Error("stalled")); // arms the timer due at 100
  time.clock.now = 60;
  let answer!: (value: string) => void;
  const later = timer.race(new Promise<string>((resolve) => answer = resolve), () => {
    throw new Error("failed 40 ms early");
  });
  time.advance(100); // the first request's timer: this one has 60 ms left
  deepEqual(time.made.map((signal) => signal.ms), [100, 60]);
  answer("in time");
  equal(await later, "in time");
});

Deno.test("ReplyTimer leaves nothing that keeps the process alive once the replies are in", async () => {
  // A child that waited an hour for its timers would be killed by the guard: the test fails then.
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { ReplyTimer } from ${JSON.stringify(import.meta.resolve("./reply_timer.ts"))};
      const timer = new ReplyTimer(3_600_000);
      for (let i = 0; i < 3; i++) await timer.race(Promise.resolve(i), () => new Error("stalled"));`,
    ],
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const { success, signal, stderr } = await child.output();
  equal(signal, null, "the child was still waiting on its timer");
  ok(success, new TextDecoder().decode(stderr));
});
