/**
 * Renders the check mode's plan as the PR comment and job summary markdown.
 *
 * @module
 */
import {
  COMMENT_MARKER,
  FAILURE_FIX,
  FAILURE_TITLE,
  type Finding,
  type Plan,
  type PlanEntry,
} from "./report.ts";
import type { MigrationLint } from "../lint/report.ts";

/** GitHub rejects comments above 65,536 characters; keep a margin for the marker and notes. */
const MAX_COMMENT_LENGTH = 60_000;

/**
 * Escapes text for inline markdown and table cells: no HTML, links, emphasis or cell breaks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeMarkdown } from "./render.ts";
 *
 * assert.equal(escapeMarkdown("a|b <script>"), "a\\|b &lt;script&gt;");
 * ```
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_\[\]|~])/g, "\\$1")
    .replace(/\r?\n/g, " ");
}

/**
 * Wraps text in a code span, safe in a table cell: the backtick run is longer than any inside
 * and pipes are escaped (GitHub splits cells on them even in code).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeSpan } from "./render.ts";
 *
 * assert.equal(codeSpan("migrations/001_init.sql:3"), "`migrations/001_init.sql:3`");
 * assert.equal(codeSpan("a `b` c"), "``a `b` c``");
 * ```
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * Wraps text in a fenced code block whose fence is longer than any backtick run inside it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeBlock } from "./render.ts";
 *
 * const fence = (n: number) => "`".repeat(n);
 * assert.equal(codeBlock("sql", "select 1;\n"), `${fence(3)}sql\nselect 1;\n${fence(3)}`);
 * // A fence longer than any backtick run inside:
 * assert.equal(codeBlock("md", fence(3)), `${fence(4)}md\n${fence(3)}\n${fence(4)}`);
 * ```
 */
export function codeBlock(language: string, text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function location(finding: Pick<Finding, "file" | "line" | "column">): string {
  if (finding.file === undefined) return "";
  const where = [finding.file, finding.line, finding.column].filter((part) => part !== undefined);
  return ` (${codeSpan(where.join(":"))})`;
}

function verdictLine(plan: Plan): string {
  const failing = plan.findings.filter((finding) => finding.failing).length;
  const count = plan.entries.length;
  const migrations = `${count} migration${count === 1 ? "" : "s"}`;
  if (plan.verdict === "fail") {
    return `### ❌ tide: ${failing} problem${failing === 1 ? "" : "s"} to fix in ${migrations}`;
  }
  const warnings = plan.findings.length > 0 ? `, ${plan.findings.length} warning(s)` : "";
  const dataOnly = plan.entries.filter((entry) => entry.verdict?.status === "data-only").length;
  const pass = dataOnly > 0 ? `all pass (${dataOnly} data only, no down)` : "all round-trip";
  return `### ✅ tide: ${migrations} checked, ${pass}${warnings}`;
}

function table(entries: readonly PlanEntry[]): string[] {
  if (entries.length === 0) return ["No migration added or edited."];
  const rows = entries.map((entry) => {
    const verdict = entry.verdict;
    const roundTrip = verdict === undefined
      ? "➖ not run"
      : verdict.status === "data-only"
      ? "✅ data only"
      : verdict.status === "re-applies"
      ? "✅ re-applies"
      : verdict.ok
      ? "✅"
      : "❌";
    const time = verdict === undefined ? "" : seconds(verdict.durationMs);
    return `| ${codeSpan(entry.version)} | ${
      escapeMarkdown(entry.name)
    } | ${entry.status} | ${roundTrip} | ${time} |`;
  });
  return ["| Version | Name | Change | Round-trip | Time |", "|---|---|---|---|---|", ...rows];
}

function findingLines(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const items = findings.map((finding) =>
    `- ${finding.failing ? "❌" : "⚠️"} **${finding.kind}**${location(finding)}: ${
      escapeMarkdown(finding.message)
    } ${escapeMarkdown(finding.fix)}`
  );
  return ["", "#### Findings", "", ...items];
}

function details(summary: string, language: string, text: string): string[] {
  return [
    "<details>",
    `<summary>${summary}</summary>`,
    "",
    codeBlock(language, text),
    "</details>",
  ];
}

const LOCK_WORDS: Readonly<Record<string, string>> = {
  reads: "reads",
  writes: "writes",
  ddl: "DDL",
};

/** "What it does to production": the locks table, the rewrites and the lint findings. */
function productionLines(lint: MigrationLint): string[] {
  const lines = ["", "**What it does to production**", ""];
  if (lint.locks.length === 0) lines.push("No lock on an existing table.");
  else {
    lines.push("| Table | Lock | Blocks | Line | Statements while held |", "|---|---|---|---|---|");
    for (const lock of lint.locks) {
      const blocks = lock.blocks.map((b) => LOCK_WORDS[b]).join(", ") || "-";
      lines.push(
        `| ${codeSpan(lock.relation)} | ${lock.mode} | ${blocks} | ${lock.line} | ` +
          `${lock.statementsWhileHeld} |`,
      );
    }
  }
  if (lint.rewrites.length > 0) {
    lines.push("", `Rewrites: ${lint.rewrites.map(codeSpan).join(", ")}.`);
  }
  if (!lint.measured) lines.push("", "_Not measured (the up did not run): read from the SQL._");
  const icons: Readonly<Record<string, string>> = { error: "❌", warning: "⚠️", info: "ℹ️" };
  for (const finding of lint.findings) {
    const allowed = finding.suppressed === undefined
      ? ` Safe: ${escapeMarkdown(finding.fix)}`
      : ` Allowed: ${escapeMarkdown(finding.suppressed)}`;
    lines.push(
      `- ${icons[finding.severity]} **${finding.rule}** (${codeSpan(`line ${finding.line}`)}): ` +
        `${escapeMarkdown(finding.message)}${allowed}`,
    );
  }
  return lines;
}

function entrySection(entry: PlanEntry, withSql: boolean): string[] {
  const lines = ["", `#### ${codeSpan(entry.version)} ${escapeMarkdown(entry.name)}`, ""];
  const verdict = entry.verdict;
  const changes = verdict?.changes ?? [];
  if (changes.length === 0) lines.push(verdict ? "No schema change." : "Not verified.");
  for (const change of changes) lines.push(`- ${escapeMarkdown(change.description)}`);
  if (verdict?.note) lines.push("", `ℹ️ ${escapeMarkdown(verdict.note)}`);
  if (verdict && !verdict.ok) {
    lines.push(
      "",
      `**Round-trip failed: ${verdict.failure ? FAILURE_TITLE[verdict.failure] : "see below"}.**`,
    );
    if (verdict.error) {
      const { file, line, column, message } = verdict.error;
      lines.push(`${codeSpan(`${file}:${line}:${column}`)}: ${escapeMarkdown(message)}`);
    }
    for (const problem of verdict.problems) lines.push(`- ${escapeMarkdown(problem)}`);
    if (verdict.failure) lines.push("", `**How to fix:** ${FAILURE_FIX[verdict.failure]}`);
    if (verdict.diff) lines.push("", ...details("Schema diff", "diff", verdict.diff));
    lines.push(...generatedDownLines(entry));
  }
  if (entry.lint) lines.push(...productionLines(entry.lint));
  if (withSql) {
    lines.push("", ...details("Up SQL", "sql", entry.upSql));
    lines.push(...details("Down SQL", "sql", entry.downSql ?? "-- no down"));
  }
  return lines;
}

/** The generated down offered for a failing migration: proven, or why there is none. */
function generatedDownLines(entry: PlanEntry): string[] {
  const down = entry.generatedDown;
  if (down === undefined) return [];
  if (down.status === "proven") {
    const lines = [
      "",
      "**tide generated a down for it, proven by a round trip:** use it as the down" +
      (entry.downFile ? ` (save it as \`${entry.downFile}\`).` : "."),
    ];
    if (down.reason) lines.push(`Note: ${escapeMarkdown(down.reason)}`);
    return [...lines, "", ...details("Generated down", "sql", down.sql)];
  }
  return [
    "",
    `**No down could be generated (${down.status}):** ${escapeMarkdown(down.reason ?? "")}`,
  ];
}

function render(plan: Plan, withSql: boolean): string {
  const lines = [COMMENT_MARKER, verdictLine(plan), "", ...table(plan.entries)];
  lines.push(...findingLines(plan.findings));
  for (const entry of plan.entries) lines.push(...entrySection(entry, withSql));
  if (!withSql) lines.push("", "_SQL left out: the plan is too long for a comment._");
  return lines.join("\n") + "\n";
}

/**
 * Renders the plan as markdown: verdict line, table, findings, then each migration's changes,
 * failure and SQL. Starts with the hidden {@linkcode COMMENT_MARKER}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMMENT_MARKER } from "./report.ts";
 * import { renderPlan } from "./render.ts";
 *
 * const markdown = renderPlan({ verdict: "pass", entries: [], findings: [] });
 * assert.equal(markdown.split("\n")[0], COMMENT_MARKER);
 * ```
 */
export function renderPlan(plan: Plan): string {
  const full = render(plan, true);
  if (full.length <= MAX_COMMENT_LENGTH) return full;
  const short = render(plan, false);
  if (short.length <= MAX_COMMENT_LENGTH) return short;
  return short.slice(0, MAX_COMMENT_LENGTH) +
    "\n\n_Plan cut short: too long for a comment. See the annotations._\n";
}
