/**
 * Starts a throwaway Flint for tests: a private PostgreSQL cluster (or the server named by FLINT_TEST_PG), one
 * Flint silo on free loopback ports, and tears both down again. Mirrors deploy/pg-local.sh and
 * tests/Flint.Api.Tests/Infrastructure/PostgresServer.cs; never uses 5080/54329 (./run.sh's defaults).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, appendFileSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root: sdk/typescript/build/test/harness → five levels up. */
export const repoRoot = resolve(here, "../../../../..");
/** The server to start: FLINT_API_DLL (the .NET suite passes its own build), else the Release build at the repo root. */
export const flintDll = process.env.FLINT_API_DLL || join(repoRoot, "src/Flint.Api/bin/Release/net10.0/Flint.Api.dll");

const log = (msg: string) => process.stderr.write(`[harness] ${msg}\n`);

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((res, rej) => {
      const srv = createServer();
      srv.unref();
      srv.on("error", rej);
      srv.listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => res(p));
      });
    });
    if (port !== 5080 && port !== 54329) return port;
  }
}

function run(cmd: string, args: string[], opts: { cwd?: string; asUser?: string | undefined; timeoutMs?: number } = {}) {
  const [file, argv] = opts.asUser ? ["runuser", ["-u", opts.asUser, "--", cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { cwd: opts.cwd, encoding: "utf8", timeout: opts.timeoutMs ?? 120_000 });
  if (r.status !== 0) {
    throw new Error(`${file} ${argv.join(" ")} failed (${r.status ?? r.signal}): ${r.stdout}${r.stderr}${r.error ?? ""}`);
  }
  return r.stdout;
}

/** initdb and pg_ctl from PATH, else the newest /usr/lib/postgresql/<version>/bin. */
function findPgBin(): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, "bin/initdb"))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], "bin");
  }
  throw new Error("PostgreSQL server binaries not found: apt-get install -y postgresql, or set FLINT_TEST_PG");
}

function pickRunAs(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ["postgres", "nobody"]) {
    if (spawnSync("id", ["-u", user]).status === 0) return user;
  }
  throw new Error("running as root and neither a 'postgres' nor a 'nobody' user exists");
}

/**
 * Cleans up after a test process that is killed before it can (SIGKILL, a CI timeout): a detached shell waits for
 * this process to go and then runs `cleanup` (given "$1" = this pid and the extra arguments as "$2"…); it exits
 * by itself once `aliveWhile` (a shell condition on the same arguments) turns false, i.e. after a normal stop.
 */
function sentinel(aliveWhile: string, cleanup: string, args: string[], asUser?: string): void {
  const script = `while [ -d "/proc/$1" ] && ${aliveWhile}; do sleep 2; done\nif ${aliveWhile}; then ${cleanup}; fi`;
  const argv = ["-c", script, "flint-sdk-sentinel", String(process.pid), ...args];
  const [file, fileArgs] = asUser ? ["runuser", ["-u", asUser, "--", "sh", ...argv]] : ["sh", argv];
  try {
    spawn(file, fileArgs, { detached: true, stdio: "ignore", cwd: "/" }).unref();
  } catch {
    /* best effort: without it a killed run may leave its cluster behind */
  }
}

export interface Postgres {
  /** Npgsql connection string to a fresh database (Flint creates it at start). */
  connectionString: string;
  stop(): void;
}

/** On a shared server (FLINT_TEST_PG), leave nothing behind: best effort with psql, as the .NET tests do. */
function dropDatabase(connectionParts: string[], database: string): void {
  const settings = new Map<string, string>();
  for (const part of connectionParts) {
    const at = part.indexOf("=");
    if (at > 0) settings.set(part.slice(0, at).trim().toLowerCase().replace(/\s+/g, " "), part.slice(at + 1).trim());
  }
  const pick = (...names: string[]) => names.map((n) => settings.get(n)).find((v) => v !== undefined);
  let psql = "psql";
  try {
    const bin = findPgBin();
    if (existsSync(join(bin, "psql"))) psql = join(bin, "psql");
  } catch {
    /* psql from PATH, if any */
  }
  const env: NodeJS.ProcessEnv = { ...process.env, PGDATABASE: "postgres", PGCONNECT_TIMEOUT: "10" };
  const host = pick("host", "server");
  const port = pick("port");
  const user = pick("username", "user id", "userid", "user");
  const password = pick("password");
  if (host) env.PGHOST = host;
  if (port) env.PGPORT = port;
  if (user) env.PGUSER = user;
  if (password) env.PGPASSWORD = password;
  const r = spawnSync(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`], { env, encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) log(`could not drop test database ${database}: ${r.stderr || r.error}`);
}

export async function startPostgres(): Promise<Postgres> {
  const database = `flint_sdk_${randomBytes(6).toString("hex")}`;
  const external = process.env.FLINT_TEST_PG;
  if (external && external.trim()) {
    // Same database name replaced; the user must be allowed to create databases (Flint creates it).
    const parts = external.split(";").filter((p) => p.trim() && !/^\s*database\s*=/i.test(p));
    log(`using FLINT_TEST_PG, database ${database}`);
    return { connectionString: [...parts, `Database=${database}`].join(";"), stop: () => dropDatabase(parts, database) };
  }
  const bin = findPgBin();
  const runAs = pickRunAs();
  // A root-run cluster belongs to an unprivileged user, so it lives under /tmp, which that user can reach.
  const root = join(runAs ? "/tmp" : (process.env.TMPDIR ?? "/tmp"), `flint-sdk-pg-${randomUUID().slice(0, 8)}`);
  const data = join(root, "data");
  const logFile = join(root, "postgres.log");
  mkdirSync(root, { recursive: true });
  if (runAs) run("chown", ["-R", `${runAs}:`, root]);
  let lastError: unknown;
  try {
    sentinel('[ -d "$2" ]', '"$4" stop -D "$3" -m immediate -w -t 30 >/dev/null 2>&1; rm -rf "$2"', [root, data, join(bin, "pg_ctl")], runAs);
    run(join(bin, "initdb"), ["-D", data, "-U", "flint", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"], { cwd: root, asUser: runAs });
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      appendFileSync(
        join(data, "postgresql.conf"),
        `\n# Flint SDK test cluster\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${root}'\n` +
          `max_connections = 200\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n`,
      );
      try {
        run(join(bin, "pg_ctl"), ["start", "-D", data, "-l", logFile, "-w", "-t", "60"], { cwd: root, asUser: runAs, timeoutMs: 70_000 });
      } catch (e) {
        lastError = e; // the port was taken between the probe and the bind: the last port line wins next time
        continue;
      }
      log(`PostgreSQL on 127.0.0.1:${port} (${root})`);
      let stopped = false;
      return {
        connectionString: `Host=127.0.0.1;Port=${port};Username=flint;Database=${database};Pooling=true;Maximum Pool Size=50`,
        stop() {
          if (stopped) return;
          stopped = true;
          try {
            run(join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30"], { cwd: root, asUser: runAs, timeoutMs: 40_000 });
          } catch (e) {
            log(`pg_ctl stop: ${e}`);
          }
          rmSync(root, { recursive: true, force: true });
        },
      };
    }
    throw lastError;
  } catch (e) {
    const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n") : "";
    rmSync(root, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL: ${e}\n${tail}`);
  }
}

/** Builds the server when its dll is missing (`dotnet build -c Release` at the repo root, as the README says). */
export function ensureFlintBuilt(): void {
  if (existsSync(flintDll)) return;
  log(`${flintDll} missing: running dotnet build -c Release (a few minutes)`);
  run("dotnet", ["build", "-c", "Release", "-nologo", "-v", "quiet", join(repoRoot, "src/Flint.Api/Flint.Api.csproj")], {
    cwd: repoRoot,
    timeoutMs: 30 * 60_000,
  });
}

export interface FlintServer {
  baseUrl: string;
  adminToken: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startFlint(connectionString: string, workDir: string): Promise<FlintServer> {
  ensureFlintBuilt();
  const [http, silo, gateway] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${http}`;
  const adminToken = randomBytes(24).toString("base64url");
  mkdirSync(workDir, { recursive: true });
  const logFile = join(workDir, "flint.log");
  const out = openSync(logFile, "a");
  const child: ChildProcess = spawn("dotnet", [flintDll], {
    cwd: repoRoot,
    stdio: ["ignore", out, out],
    env: {
      ...process.env,
      ConnectionStrings__Flint: connectionString,
      FLINT_URLS: baseUrl,
      FLINT_SILO_PORT: String(silo),
      FLINT_GATEWAY_PORT: String(gateway),
      FLINT_CLUSTER_ID: `flint-sdk-${randomBytes(4).toString("hex")}`,
      FLINT_ADMIN_TOKEN: adminToken,
    },
  });
  if (child.pid) sentinel(
      '[ -d "/proc/$2" ]',
      // Its database is going away too, so a graceful stop may hang: give it 10 s, then kill it.
      'kill -TERM "$2"; for _ in 1 2 3 4 5 6 7 8 9 10; do [ -d "/proc/$2" ] || exit 0; sleep 1; done; kill -KILL "$2"',
      [String(child.pid)],
    );
  let exited: number | string | null = null;
  const exitPromise = new Promise<void>((res) =>
    child.once("exit", (code, signal) => {
      exited = code ?? signal ?? "?";
      res();
    }),
  );
  const stop = async () => {
    if (exited !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exitPromise;
    clearTimeout(timer);
  };
  const tail = () => readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited !== null) throw new Error(`Flint exited during start (${exited}); log ${logFile}:\n${tail()}`);
    try {
      const r = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(5000) });
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Flint did not become ready within 180 s; log ${logFile}:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  log(`Flint ready at ${baseUrl} (log ${logFile})`);
  return { baseUrl, adminToken, logFile, stop };
}

/** Creates a merchant with the admin token and returns its test API key. */
export async function createMerchant(baseUrl: string, adminToken: string, name = "SDK test merchant"): Promise<{ merchantId: string; apiKey: string }> {
  const r = await fetch(`${baseUrl}/v1/merchants`, {
    method: "POST",
    headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json", "Idempotency-Key": randomUUID() },
    body: JSON.stringify({ name }),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST /v1/merchants: ${r.status} ${text}`);
  const data = JSON.parse(text).data;
  const apiKey: string | undefined = data?.api_keys?.test ?? data?.keys?.test ?? findKey(data, "test");
  if (!apiKey) throw new Error(`POST /v1/merchants: no test key in ${text}`);
  return { merchantId: data.merchant_id, apiKey };
}

function findKey(value: unknown, name: string): string | undefined {
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === name && typeof v === "string") return v;
      const found = findKey(v, name);
      if (found) return found;
    }
  }
  return undefined;
}

export interface Stack {
  baseUrl: string;
  adminToken: string;
  /** Stops Flint and PostgreSQL; the work directory (Flint's log) is removed unless keepLogs. */
  stop(keepLogs?: boolean): Promise<void>;
}

/** PostgreSQL + Flint, stopped together (also on SIGINT/SIGTERM of this process). */
export async function startStack(workDir: string): Promise<Stack> {
  ensureFlintBuilt();
  const pg = await startPostgres();
  let flint: FlintServer;
  try {
    flint = await startFlint(pg.connectionString, workDir);
  } catch (e) {
    pg.stop();
    throw e; // the work directory stays: its flint.log tells why
  }
  let stopping: Promise<void> | undefined;
  const stop = (keepLogs = false) =>
    (stopping ??= (async () => {
      await flint.stop();
      pg.stop();
      if (keepLogs || process.env.FLINT_KEEP_LOGS) log(`Flint's log kept: ${flint.logFile}`);
      else rmSync(workDir, { recursive: true, force: true });
    })());
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => void stop(true).finally(() => process.exit(130)));
  }
  return { baseUrl: flint.baseUrl, adminToken: flint.adminToken, stop };
}

