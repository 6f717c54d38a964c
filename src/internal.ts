/**
 * The one internal entry point: engine pieces that tide's own layers (`testing/`) use beyond the
 * public API of `mod.ts`. Not part of the public API; it may change in any release.
 *
 * @module
 */
export { extensionsIn } from "./drivers/pglite_extensions.ts";
export type { PgliteDriver } from "./drivers/pglite.ts";
export { bootPglite, type BootPgliteOptions } from "./drivers/pglite_cache.ts";
export { sha256Hex } from "./files/checksum.ts";
