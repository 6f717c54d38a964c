// Run by round_trip_test.ts in a `deno test` subprocess: a round-trip test that must fail.
import { roundTripTest } from "../mod.ts";

roundTripTest({ name: "lossy round-trip", dir: new URL("./lossy", import.meta.url) });
