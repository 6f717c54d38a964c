/**
 * `tide cache [clean]`: where the PGlite cache is and how big, or empty it.
 *
 * @module
 */
import { join } from "node:path";
import { UsageError } from "../../errors.ts";
import type { Command } from "../command.ts";

/** The `cache` command. */
export const command: Command = {
  usage: "cache [clean]",
  description:
    "Prints where tide caches PGlite data directories (booted and migrated states, for fast\n" +
    "verify and test databases) and parsed migration files, and how much space they take;\n" +
    "`tide cache clean` removes them. The cache is $TIDE_CACHE_DIR, else\n" +
    "$XDG_CACHE_HOME/tide, else ~/.cache/tide.",
  positionals: ["clean?"],
  async run(ctx) {
    const [action] = ctx.positionals;
    if (action !== undefined && action !== "clean") {
      throw new UsageError(`tide cache takes "clean" or nothing, got "${action}".`);
    }
    const [{ cacheDirectory }, { clearCache }, { clearLoadCache }] = await Promise.all([
      import("../../config/cache_dir.ts"),
      import("../../drivers/pglite_cache.ts"),
      import("../../files/load_cache.ts"),
    ]);
    const dir = cacheDirectory(ctx.io.env);
    if (action === "clean") {
      const [pglite, loads] = [await clearCache({ cacheDir: dir }), clearLoadCache(dir)];
      const removed = [...pglite.removed, ...loads.removed];
      const freedBytes = pglite.freedBytes + loads.freedBytes;
      ctx.out.result({ dir, removed: removed.length, bytes: freedBytes });
      ctx.out.line(`Removed ${entries(removed.length)} (${size(freedBytes)}) from ${dir}.`);
      return 0;
    }
    const usage = await usageOf(dir);
    ctx.out.result({ dir, ...usage });
    ctx.out.line(`Cache: ${dir} (move it with TIDE_CACHE_DIR)`);
    ctx.out.line(
      `${entries(usage.entries)}, ${size(usage.bytes)}. Free it with \`tide cache clean\`.`,
    );
    return 0;
  },
};

async function usageOf(dir: string): Promise<{ entries: number; bytes: number }> {
  const usage = { entries: 0, bytes: 0 };
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile) continue;
      usage.entries++;
      usage.bytes += (await Deno.stat(join(dir, entry.name))).size;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return usage;
}

function entries(count: number): string {
  return `${count} ${count === 1 ? "entry" : "entries"}`;
}

/** `512 B`, `1.5 kB`, `233.4 MB`. */
function size(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
