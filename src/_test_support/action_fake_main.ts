/** The action's entry with the fake engine, run as a subprocess by `main_test.ts`. */
import { main } from "../action/main.ts";
import { fakeEngine } from "./action_fake_engine.ts";

await main(fakeEngine);
