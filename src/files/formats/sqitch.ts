/**
 * sqitch's format: the changes of `sqitch.plan` in plan order (see `sqitch_plan.ts`), each with
 * `deploy/<change>.sql` (up) and `revert/<change>.sql` (down); `verify/` scripts are not run.
 * sqitch has no versions: a change's version is its 1-based position in the plan, its name the
 * change name. `sqitch.conf`'s `[core]` `top_dir`, `plan_file`, `deploy_dir` and `revert_dir`
 * are honoured. sqitch runs each script as psql would, so a script holds its own transaction:
 * a script wrapped in one `BEGIN; ... COMMIT;` runs in tide's transaction instead (the pair is
 * blanked out, positions unchanged); a script with no transaction statements, or with others,
 * runs outside a transaction, statement by statement, as written.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../migration.ts";
import { foreignScript, Problems, scaffoldSql, toMigration } from "./common.ts";
import { unwrapOuterTransaction as unwrap } from "../outer_transaction.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";
import { parseSqitchPlan, type PlannedChange } from "./sqitch_plan.ts";
import type { SourceTree } from "./tree.ts";

/** sqitch's format. */
export const sqitchFormat: MigrationFormat = {
  name: "sqitch",
  reads: ["sqitch"],
  files: "sqitch.plan with deploy/<change>.sql and revert/<change>.sql",
  read(tree) {
    const dirs = sqitchDirs(tree);
    const planFile = tree.get(dirs.plan);
    if (planFile === undefined) {
      throw new MigrationError(
        "MISSING_FILE",
        `Cannot load the sqitch project in ${tree.dir}: there is no ${dirs.plan}.`,
        { file: dirs.plan },
      );
    }
    const plan = parseSqitchPlan(tree.text(planFile), planFile.path);
    const problems = new Problems();
    const migrations: Migration[] = [];
    for (const [index, change] of plan.changes.entries()) {
      const m = problems.attempt(() => readChange(tree, dirs, change, index + 1));
      if (m) migrations.push(m);
    }
    problems.throwIfAny();
    return migrations;
  },
  scaffold: (input: ScaffoldInput) => {
    const dirs = sqitchDirs(input.tree);
    const stamp = input.now.toISOString().slice(0, 19) + "Z";
    const plan = input.tree.get(dirs.plan);
    const text = plan ? input.tree.text(plan) : "";
    const lead = text === ""
      ? "%syntax-version=1.0.0\n%project=tide\n\n"
      : text.endsWith("\n")
      ? ""
      : "\n";
    return [
      {
        path: dirs.plan,
        text: `${lead}${input.name} ${stamp} tide <tide@localhost> # Added by tide new\n`,
        append: true,
      },
      {
        path: `${dirs.deploy}/${input.name}.sql`,
        text: `-- Deploy ${input.name}\n\nBEGIN;\n${scaffoldSql(input, "up", "\n")}COMMIT;\n`,
      },
      {
        path: `${dirs.revert}/${input.name}.sql`,
        text: `-- Revert ${input.name}\n\nBEGIN;\n${scaffoldSql(input, "down", "\n")}COMMIT;\n`,
      },
      {
        path: `${dirs.verify}/${input.name}.sql`,
        text: `-- Verify ${input.name}\n\nBEGIN;\n\nROLLBACK;\n`,
      },
    ];
  },
};

/** Where the plan and scripts are, relative to the tree. */
interface SqitchDirs {
  plan: string;
  deploy: string;
  revert: string;
  verify: string;
}

function sqitchDirs(tree: SourceTree): SqitchDirs {
  const conf = tree.get("sqitch.conf");
  const core = conf ? coreSection(tree.text(conf)) : {};
  const clean = (path: string) => path.replace(/^\.\//, "").replace(/\/$/, "");
  const top = clean(core.top_dir ?? ".");
  const under = (name: string) => (top === "." || top === "" ? name : `${top}/${name}`);
  return {
    plan: clean(core.plan_file ?? under("sqitch.plan")),
    deploy: clean(core.deploy_dir ?? under("deploy")),
    revert: clean(core.revert_dir ?? under("revert")),
    verify: clean(core.verify_dir ?? under("verify")),
  };
}

function coreSection(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  let inCore = false;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (section) inCore = section[1] === "core";
    const pair = /^\s*([\w.]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (inCore && pair) values[pair[1]] = pair[2].replace(/^"(.*)"$/, "$1");
  }
  return values;
}

function readChange(tree: SourceTree, dirs: SqitchDirs, change: PlannedChange, ordinal: number) {
  const deploy = scriptFile(tree, dirs.deploy, change);
  const file = tree.get(deploy);
  if (file === undefined) {
    throw new MigrationError(
      "MISSING_FILE",
      `Cannot load change "${change.name}" (sqitch.plan line ${change.line}): there is no ` +
        `${deploy}. Add the deploy script, or remove the change from the plan.`,
      { file: deploy },
    );
  }
  const revertFile = tree.get(scriptFile(tree, dirs.revert, change));
  const text = tree.text(file);
  const up = unwrap(foreignScript(file.path, text));
  const down = revertFile && unwrap(foreignScript(revertFile.path, tree.text(revertFile)));
  return toMigration({
    version: String(ordinal),
    name: change.name,
    up: up.script,
    down: down?.script,
    noTransaction: !up.wrapped || (down !== undefined && !down.wrapped && !down.bare),
    checksumOf: text,
  });
}

/** `deploy/<name>.sql`, or for a reworked instance `<name>@<tag>.sql` (first that exists). */
function scriptFile(tree: SourceTree, dir: string, change: PlannedChange): string {
  const path = (suffix: string) => `${dir}/${change.name}${suffix}.sql`;
  if (change.reworkTags.length === 0) return path("");
  const existing = change.reworkTags.find((tag) => tree.get(path(`@${tag}`)) !== undefined);
  return path(`@${existing ?? change.reworkTags[0]}`);
}
