/**
 * The defaults of reading a migrations directory, apart from the loader: settings name them
 * without loading every format (`tide status` reads them on its way to the cache).
 *
 * @module
 */
import type { FormatChoice } from "./formats/format.ts";

/** The migrations directory when none is given. */
export const DEFAULT_MIGRATIONS_DIR = "migrations";

/** The format when none is given: the one the files fit. */
export const DEFAULT_FORMAT: FormatChoice = "auto";
