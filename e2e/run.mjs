// Browser test of the Weijian web UI against `weijian demo`.
//
//   cd e2e && npm ci && WEIJIAN_BIN=/path/to/weijian node run.mjs
//
// Environment: WEIJIAN_BIN (required) the binary to test; CHROMIUM the
// browser (default /usr/bin/chromium); E2E_OUT the screenshot folder
// (default e2e/out); E2E_ONLY a substring of the suite file names to run;
// E2E_DEMO_ARGS extra arguments for `weijian demo` (space-separated).
//
// It starts the demo once on a free port with a fresh database, then runs
// every suite in e2e/suites/*.mjs in name order, each in a fresh browser
// context (no shared cookies) at 1366×768. A suite exports `steps`, a list
// of [name, async (page, base) => {}]. Every step writes its own
// screenshots; the run stops with a clear message at the first failure,
// and the server is always stopped.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { StepError, fail, outDir, password } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.WEIJIAN_BIN;
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "weijian-e2e-"));
let server = null;
let browser = null;
let currentPage = null;
let step = "start";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function startServer(port) {
  const log = fs.openSync(path.join(work, "server.log"), "w");
  const extra = (process.env.E2E_DEMO_ARGS || "").split(/\s+/).filter(Boolean);
  const args = ["demo", "--db", path.join(work, "demo.db"), "--addr", `127.0.0.1:${port}`, ...extra];
  server = spawn(bin, args, {
    env: { ...process.env, WEIJIAN_DEMO_PASSWORD: password },
    stdio: ["ignore", log, log],
  });
  server.on("exit", (code, signal) => {
    if (server) console.error(`server exited (code ${code}, signal ${signal})`);
    server = null;
  });
}

async function waitHealthy(base, seconds) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (!server) fail("the server exited before it was healthy");
    try {
      const res = await fetch(base + "/healthz");
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  fail(`/healthz not OK after ${seconds} s`);
}

async function stopServer() {
  if (!server) return;
  const s = server;
  server = null; // an exit from now on is expected
  const exited = new Promise((r) => s.once("exit", r));
  s.kill("SIGTERM");
  const timer = setTimeout(() => s.kill("SIGKILL"), 10000);
  await exited;
  clearTimeout(timer);
}

async function suites() {
  const dir = path.join(here, "suites");
  const only = process.env.E2E_ONLY || "";
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".mjs") && f.includes(only)).sort();
  if (files.length === 0) throw new Error(`no suite in ${dir} matches "${only}"`);
  const out = [];
  for (const f of files) {
    const mod = await import(pathToFileURL(path.join(dir, f)).href);
    if (!Array.isArray(mod.steps) || mod.steps.length === 0) throw new Error(`${f} exports no steps`);
    out.push([f, mod.steps]);
  }
  return out;
}

let total = 0;

async function run() {
  if (!bin) throw new Error("set WEIJIAN_BIN to the weijian binary to test");
  if (!fs.existsSync(browserPath)) throw new Error(`no browser at ${browserPath}: apt-get install chromium, or set CHROMIUM`);
  fs.mkdirSync(outDir(), { recursive: true });
  const all = await suites();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  step = "start the demo";
  startServer(port);
  await waitHealthy(base, 600);

  step = "launch the browser";
  browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  for (const [file, steps] of all) {
    console.log(`# ${file}`);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
    const page = await context.newPage();
    currentPage = page;
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // "Failed to load resource" reports HTTP statuses, some of them expected
    // (401 for a failed login): those are checked through the responses.
    page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
    page.on("response", (r) => {
      if (r.status() >= 500 || (r.url().includes("/assets/") && r.status() >= 400)) errors.push(`${r.status()} ${r.url()}`);
    });
    for (const [name, fn] of steps) {
      step = `${file}: ${name}`;
      console.log("·", name);
      await fn(page, base);
      total++;
    }
    if (errors.length) {
      step = `${file}: browser console`;
      fail("errors in the page: " + errors.join(" | "));
    }
    await context.close();
    currentPage = null;
  }
}

let code = 0;
try {
  await run();
  console.log(`e2e: all ${total} steps passed; screenshots in ${outDir()}`);
} catch (e) {
  code = 1;
  console.error(`e2e FAILED at step "${step}": ${e instanceof StepError ? e.message : e.stack}`);
  try {
    if (currentPage) await currentPage.screenshot({ path: path.join(outDir(), "failure.png") });
  } catch {
    // no screenshot then
  }
  const log = path.join(work, "server.log");
  if (fs.existsSync(log)) console.error("--- server log (tail) ---\n" + fs.readFileSync(log, "utf8").split("\n").slice(-30).join("\n"));
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopServer();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(code);
