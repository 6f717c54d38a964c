const t0 = performance.now();
const { loadMigrationsCached } = await import("./src/files/load_cache.ts");
const { userCacheDirectory } = await import("./src/config/cache_dir.ts");
const t1 = performance.now();
const m = await loadMigrationsCached("../../tmp/sb/migrations", { onUnread: () => {} }, { cacheDir: userCacheDirectory(new Map(Object.entries(Deno.env.toObject()))) });
const t2 = performance.now();
console.log("import", (t1 - t0).toFixed(2), "load", (t2 - t1).toFixed(2), m.length);
