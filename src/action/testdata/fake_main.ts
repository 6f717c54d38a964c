/** The action's entry with the fake engine, run as a subprocess by `main_test.ts`. */
import { main } from "../main.ts";
import { fakeEngine } from "./fake_engine.ts";

await main(fakeEngine);
