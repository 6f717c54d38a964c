/**
 * Why tide cannot run a COPY whose rows come from or go to the client: its own module, so the
 * drivers name it without loading the statement classifier (`tide status` on the light client).
 *
 * @module
 */
import type { ClientCopyKind } from "./classify.ts";

/** Why tide cannot run each client-side COPY, and what to do instead: the one wording of it. */
export const CLIENT_COPY_ADVICE: Readonly<Record<ClientCopyKind, string>> = Object.freeze({
  "copy-from-stdin":
    "COPY ... FROM STDIN reads its rows from the client, as psql sends the lines " +
    "after it, but tide sends SQL only and has no data stream to feed it. Load the rows with " +
    "INSERT ... VALUES, with COPY ... FROM '/a/file/on/the/server' (as a superuser or a member of " +
    "pg_read_server_files), or in a data-loading step outside the migrations.",
  "copy-to-stdout": "COPY ... TO STDOUT sends its rows to the client, and tide has no use for " +
    "them. Remove it, or write the rows to a file on the server with COPY ... TO " +
    "'/a/file/on/the/server' (as a superuser or a member of pg_write_server_files).",
});
