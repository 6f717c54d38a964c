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
 * ```ts ignore
 * const comment = await upsertComment(api, "<!-- tide:plan -->\n### ✅ tide");
 * console.log(comment.url);
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
 * import { httpStatus } from "./comments.ts";
 *
 * console.log(httpStatus(Object.assign(new Error("Forbidden"), { status: 403 }))); // 403
 * ```
 */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
