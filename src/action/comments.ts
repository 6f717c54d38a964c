/**
 * Keeps one plan comment per PR, found by its hidden marker and updated on every push.
 *
 * @module
 */
import type { CommentsApi, IssueComment } from "./io.ts";
import { COMMENT_MARKER } from "./report.ts";

/**
 * Updates the comment holding {@linkcode COMMENT_MARKER}, or creates it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { upsertComment } from "./comments.ts";
 * import type { CommentsApi, IssueComment } from "./io.ts";
 * import { COMMENT_MARKER } from "./report.ts";
 *
 * const comments: IssueComment[] = [{ id: 1, body: "LGTM", url: "u1" }];
 * const api: CommentsApi = {
 *   list: () => Promise.resolve(comments),
 *   create: (body) => Promise.resolve(comments[comments.push({ id: 2, body, url: "u2" }) - 1]),
 *   update: (id, body) => Promise.resolve(Object.assign(comments[id - 1], { body })),
 * };
 * await upsertComment(api, `${COMMENT_MARKER}\nfirst push`); // no plan comment yet: created
 * const comment = await upsertComment(api, `${COMMENT_MARKER}\nsecond push`); // found: updated
 * assert.deepEqual(comments.map((c) => c.body), ["LGTM", `${COMMENT_MARKER}\nsecond push`]);
 * assert.equal(comment.url, "u2");
 * ```
 */
export async function upsertComment(api: CommentsApi, body: string): Promise<IssueComment> {
  const existing = (await api.list()).find((comment) => comment.body.includes(COMMENT_MARKER));
  return existing === undefined ? await api.create(body) : await api.update(existing.id, body);
}

/**
 * The HTTP status of an API error, when it has one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { httpStatus } from "./comments.ts";
 *
 * assert.equal(httpStatus(Object.assign(new Error("Forbidden"), { status: 403 })), 403);
 * assert.equal(httpStatus(new Error("offline")), undefined);
 * ```
 */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
