/**
 * The one internal entry point: engine pieces that tide's own layers (`testing/`) use beyond the
 * public API of `mod.ts`. Not part of the public API; it may change in any release.
 *
 * @module
 */
export { extensionsIn } from "./drivers/pglite_extensions.ts";
export type { PgliteDriver } from "./drivers/pglite.ts";
export {
  bootPglite,
  type BootPgliteOptions,
  type CacheCleanOptions,
  type CacheCleanResult,
  cacheDirectory,
  clearCache,
  pruneCache,
} from "./drivers/pglite_cache.ts";
export { type PgliteSocket, servePglite } from "./drivers/pglite_socket.ts";
export { lockKey } from "./engine/lock.ts";
export { sha256Hex } from "./files/checksum.ts";
export { quoteIdentifier } from "./sql/quote.ts";
export { offsetOfServerPosition, positionAt } from "./sql/position.ts";
