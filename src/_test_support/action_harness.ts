/**
 * Test helpers for the action: a temporary git repository, a fake GitHub REST API for issue
 * comments, and a runner that starts the entry exactly as GitHub does.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/** A temporary repository with a base commit and a head commit on top; disposing removes it. */
export interface TestRepo extends AsyncDisposable {
  dir: string;
  baseSha: string;
  headSha: string;
}

/** Files to write (content) or delete (null), relative to the repository root. */
export type FileSet = Record<string, string | null>;

async function commit(dir: string, files: FileSet, message: string): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    if (content === null) {
      await Deno.remove(full);
    } else {
      await Deno.mkdir(dirname(full), { recursive: true });
      await Deno.writeTextFile(full, content);
    }
  }
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "--allow-empty", "-m", message);
  return await git(dir, "rev-parse", "HEAD");
}

/** Creates a repository: `base` committed first, then `head` applied on top. */
export async function testRepo(base: FileSet, head: FileSet): Promise<TestRepo> {
  const dir = await Deno.makeTempDir({ prefix: "tide_action_" });
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "config", "user.email", "ci@example.com");
  await git(dir, "config", "user.name", "CI");
  const baseSha = await commit(dir, base, "base");
  const headSha = await commit(dir, head, "head");
  const dispose = () => Deno.remove(dir, { recursive: true });
  return { dir, baseSha, headSha, [Symbol.asyncDispose]: dispose };
}

/** Adds a commit to an existing test repository (a second push). */
export async function pushCommit(repo: TestRepo, files: FileSet): Promise<TestRepo> {
  return { ...repo, headSha: await commit(repo.dir, files, "push") };
}

/** A comment as stored by the fake API. */
export interface StoredComment {
  id: number;
  body: string;
  html_url: string;
}

/** The fake GitHub API. */
export interface FakeGitHub extends AsyncDisposable {
  url: string;
  comments: StoredComment[];
  /** Every request as `METHOD /path`. */
  requests: string[];
  /** Answer writes with 403, as for a fork's read-only token. */
  readOnly: boolean;
}

const PER_PAGE = 2;

function listPage(api: FakeGitHub, url: URL): Response {
  const page = Number(url.searchParams.get("page") ?? "1");
  const items = api.comments.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  const headers = new Headers({ "content-type": "application/json" });
  if (page * PER_PAGE < api.comments.length) {
    const next = new URL(url);
    next.searchParams.set("page", String(page + 1));
    headers.set("link", `<${next.href}>; rel="next"`);
  }
  return new Response(JSON.stringify(items), { headers });
}

async function handle(api: FakeGitHub, request: Request): Promise<Response> {
  const url = new URL(request.url);
  api.requests.push(`${request.method} ${url.pathname}`);
  const json = (body: unknown, status = 200) => Response.json(body, { status });
  if (request.method !== "GET" && api.readOnly) {
    return json({ message: "Resource not accessible by integration" }, 403);
  }
  const list = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/);
  if (list && request.method === "GET") return listPage(api, url);
  if (list && request.method === "POST") {
    const id = 1000 + api.comments.length;
    const { body } = await request.json();
    const comment = {
      id,
      body,
      html_url: `https://github.example/pr/${list[1]}#issuecomment-${id}`,
    };
    api.comments.push(comment);
    return json(comment, 201);
  }
  const one = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/);
  const comment = api.comments.find((c) => one && c.id === Number(one[1]));
  if (comment && request.method === "PATCH") {
    comment.body = (await request.json()).body;
    return json(comment);
  }
  return json({ message: "Not Found" }, 404);
}

/** Starts the fake API on a free port, with `existing` comments already on the PR. */
export function fakeGitHub(existing: StoredComment[] = []): FakeGitHub {
  const api = { comments: [...existing], requests: [] as string[], readOnly: false } as FakeGitHub;
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    (request) => handle(api, request),
  );
  api.url = `http://127.0.0.1:${server.addr.port}`;
  api[Symbol.asyncDispose] = () => server.shutdown();
  return api;
}

/** What a run of the entry left behind. */
export interface ActionRun {
  code: number;
  /** Killed after `timeoutMs`. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Everything written anywhere, to look for leaked secrets. */
  everything: string;
}

/** Parses a GITHUB_OUTPUT file (`name<<delimiter` blocks). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[match[1]] = match[3];
  }
  return outputs;
}

/** Options of {@linkcode runAction}. */
export interface RunOptions {
  repo: TestRepo;
  inputs: Record<string, string>;
  apiUrl?: string;
  /** `fake` runs the entry with the fake engine; `real` runs `main.ts` itself. */
  engine?: "fake" | "real";
  /** Entry file relative to the repository root; overrides `engine`. */
  entry?: string;
  /** Omit the pull_request payload (a push event). */
  noPullRequest?: boolean;
  /** More environment variables for the entry (a job's `env:`). */
  env?: Record<string, string>;
  /** Kill the entry after this long (a hung job); `timedOut` says whether it came to that. */
  timeoutMs?: number;
}

/** The permission flags action.yml runs the entry with, so tests grant exactly those. */
export async function actionPermissions(): Promise<string[]> {
  const yml = await Deno.readTextFile(join(ROOT, "action.yml"));
  return [...yml.matchAll(/--allow-[a-z]+(?:=[^\s"]+)?/g)].map((match) => match[0]);
}

function eventPayload(repo: TestRepo): unknown {
  const repository = { full_name: "acme/shop", name: "shop", owner: { login: "acme" } };
  return {
    action: "synchronize",
    number: 7,
    repository,
    pull_request: {
      number: 7,
      base: { sha: repo.baseSha, ref: "main", repo: repository },
      head: { sha: repo.headSha, ref: "feature", repo: repository },
    },
  };
}

/** Runs the entry as a subprocess, the way the composite action does. */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const tmp = await Deno.makeTempDir({ prefix: "tide_action_run_" });
  const files = {
    event: join(tmp, "event.json"),
    output: join(tmp, "output"),
    summary: join(tmp, "summary.md"),
  };
  await Deno.writeTextFile(
    files.event,
    JSON.stringify(options.noPullRequest ? {} : eventPayload(options.repo)),
  );
  await Deno.writeTextFile(files.output, "");
  await Deno.writeTextFile(files.summary, "");
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? tmp,
    GITHUB_EVENT_NAME: options.noPullRequest ? "push" : "pull_request",
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_WORKSPACE: options.repo.dir,
    GITHUB_API_URL: options.apiUrl ?? "http://127.0.0.1:9",
    NO_COLOR: "1",
  };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) env.DENO_DIR = denoDir;
  Object.assign(env, options.env);
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  const entry = options.entry ??
    (options.engine === "real" ? "src/action/main.ts" : "src/_test_support/action_fake_main.ts");
  const args = [
    "run",
    "--config",
    join(ROOT, "deno.json"),
    ...await actionPermissions(),
    join(ROOT, entry),
  ];
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.repo.dir,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
    signal: options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const outputText = await Deno.readTextFile(files.output);
  const summary = await Deno.readTextFile(files.summary);
  await Deno.remove(tmp, { recursive: true });
  const stdout = decode(out.stdout);
  const stderr = decode(out.stderr);
  return {
    code: out.code,
    timedOut: out.signal !== null,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    summary,
    // The runner consumes `::add-mask::` commands and never shows them.
    everything: [stdout.replace(/^::add-mask::.*$/gm, ""), stderr, outputText, summary].join("\n"),
  };
}
