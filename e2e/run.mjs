// Browser test of the Weijian web UI against `weijian demo`.
//
//   cd e2e && npm ci && WEIJIAN_BIN=/path/to/weijian node run.mjs
//
// Environment: WEIJIAN_BIN (required) the binary to test; CHROMIUM the
// browser (default /usr/bin/chromium); E2E_OUT the screenshot folder
// (default e2e/out). It starts the demo on a free port with a fresh
// database, drives headless Chromium at 1366×768 through the main pages,
// writes a screenshot per step, and exits non-zero with a clear message on
// the first failure. The server is always stopped.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.WEIJIAN_BIN;
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const outDir = process.env.E2E_OUT || path.join(here, "out");
const password = "E2e#Weijian2026"; // meets the password policy
const censusTotal = "874,334"; // 海安市, 2020 census (the demo's base year)

const work = fs.mkdtempSync(path.join(os.tmpdir(), "weijian-e2e-"));
let server = null;
let browser = null;
let step = "start";

// StepError is a failed check; the step's name is printed with it.
class StepError extends Error {}

function fail(msg) {
  throw new StepError(msg);
}

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
  const args = ["demo", "--db", path.join(work, "demo.db"), "--addr", `127.0.0.1:${port}`];
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

async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir, name + ".png") });
}

// expectText waits until the locator's text contains want.
async function expectText(locator, want, what) {
  try {
    await locator.first().waitFor({ timeout: 10000 });
    const deadline = Date.now() + 10000;
    let text = "";
    while (Date.now() < deadline) {
      text = (await locator.first().innerText()).trim();
      if (text.includes(want)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    fail(`${what}: expected "${want}", got "${text}"`);
  } catch (e) {
    if (e instanceof StepError) throw e;
    fail(`${what}: ${e.message.split("\n")[0]}`);
  }
}

async function expectChart(page, selector, what) {
  try {
    await page.locator(selector + " canvas").first().waitFor({ timeout: 15000 });
  } catch {
    fail(`${what}: the chart did not render (no canvas in ${selector})`);
  }
}

async function run() {
  if (!bin) throw new Error("set WEIJIAN_BIN to the weijian binary to test");
  if (!fs.existsSync(browserPath)) throw new Error(`no browser at ${browserPath}: apt-get install chromium, or set CHROMIUM`);
  fs.mkdirSync(outDir, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  step = "start the demo";
  startServer(port);
  await waitHealthy(base, 300);

  step = "launch the browser";
  browser = await chromium.launchPersistentContext(path.join(work, "profile"), {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: "zh-CN",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = browser.pages()[0] || (await browser.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // "Failed to load resource" reports HTTP statuses, some of them expected
  // (401 for a failed login): those are checked through the responses.
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(m.text()));
  page.on("response", (r) => {
    if (r.status() >= 500 || (r.url().includes("/assets/") && r.status() >= 400)) errors.push(`${r.status()} ${r.url()}`);
  });

  for (const [name, fn] of steps) {
    step = name;
    console.log("·", name);
    await fn(page, base);
  }
  if (errors.length) {
    step = "browser console";
    fail("errors in the page: " + errors.join(" | "));
  }
}

const steps = [
  ["wrong password shows the error", async (page, base) => {
    await page.goto(base + "/");
    if (!page.url().includes("/login")) fail(`not sent to the login page: ${page.url()}`);
    await page.fill("input[name=username]", "admin");
    await page.fill("input[name=password]", "Wrong#Password1");
    await page.click("form[action='/login'] button[type=submit]");
    await expectText(page.locator("[data-testid=login-error]"), "用户名或密码错误", "login error");
    await shot(page, "01-login-error");
  }],
  ["log in as admin", async (page) => {
    await page.fill("input[name=password]", password);
    await page.click("form[action='/login'] button[type=submit]");
    await page.waitForURL((u) => new URL(u).pathname === "/");
    await expectText(page.locator("h1"), "海安市", "home heading");
  }],
  ["?next= cannot lead off the site", async (page, base) => {
    // A tab in the path: browsers drop it and would follow //evil.example.
    for (const next of ["%2F%09%2Fevil.example", "%2F%5Cevil.example", "%2F%2Fevil.example"]) {
      try {
        await page.goto(base + "/login?next=" + next);
      } catch (e) {
        fail(`next=${next}: the browser left the site (${e.message.split("\n")[0]})`);
      }
      const u = new URL(page.url());
      if (u.origin !== base || u.pathname !== "/") fail(`next=${next}: landed on ${page.url()}`);
    }
    await expectText(page.locator("h1"), "海安市", "home heading after the redirect");
  }],
  ["home page: 海安市, population 874,334 in 2020", async (page) => {
    await expectText(page.locator(".topbar .county"), "海安市", "county in the top bar");
    await page.selectOption("select[name=year]", "2020");
    await page.waitForURL(/year=2020/);
    await expectText(page.locator("[data-testid=home-pop-total]"), censusTotal, "2020 population");
    await expectText(page.locator(".cards"), "11", "towns");
    await expectChart(page, ".chart", "population by town");
    await shot(page, "02-home");
  }],
  ["org-unit tree: the 11 towns of 海安市", async (page) => {
    await page.click("nav.sidebar a[href='/orgunits']");
    await page.waitForURL(/\/orgunits$/);
    const county = page.locator("details[open]:has(> summary > a:text-is('海安市'))");
    const towns = county.locator(":scope > .kids > ul > li > details > summary .kind", { hasText: "乡镇" });
    const n = await towns.count();
    if (n !== 11) fail(`expected 11 towns under 海安市, found ${n}`);
    await shot(page, "03-tree");
  }],
  ["open a town and see its villages", async (page) => {
    const town = page.locator("details:has(> summary > a:text-is('曲塘镇'))");
    await town.locator(":scope > summary .kind").click(); // toggles without following the link
    await expectText(town.locator(":scope > .kids"), "村（社区）", "villages of 曲塘镇");
    const villages = await town.locator(":scope > .kids .kind", { hasText: "村（社区）" }).count();
    if (villages < 10) fail(`only ${villages} villages under 曲塘镇`);
    await shot(page, "04-tree-open");
  }],
  ["search by pinyin initials: haz → 海安镇", async (page) => {
    await page.fill("input[name=q]", "haz");
    await expectText(page.locator("#results tbody tr:first-child td:nth-child(2)"), "海安镇", "first search result");
    await page.waitForURL(/q=haz/);
    await shot(page, "05-search");
  }],
  ["unit page with the population pyramid", async (page) => {
    await page.click("#results tbody tr:first-child a");
    await page.waitForURL(/\/orgunits\/320685100000/);
    await expectText(page.locator(".crumbs"), "海安市", "breadcrumbs");
    await expectChart(page, ".chart.pyramid", "pyramid of 海安镇");
    await shot(page, "06-unit");
  }],
  ["population page of 海安市 in 2020", async (page, base) => {
    await page.goto(base + "/population?unit=320685000000&year=2020");
    await expectText(page.locator("[data-testid=pop-total]"), censusTotal, "population total");
    await expectChart(page, ".chart.pyramid", "pyramid of 海安市");
    await shot(page, "07-population");
  }],
  ["switch to English and back", async (page) => {
    await page.click(".topbar .langswitch button[value=en]");
    await expectText(page.locator("nav.sidebar"), "Areas & facilities", "English navigation");
    await expectText(page.locator(".page-head h1"), "Population", "English heading");
    await expectChart(page, ".chart.pyramid", "pyramid in English");
    await shot(page, "08-english");
    await page.click(".topbar .langswitch button[value=zh]");
    await expectText(page.locator("nav.sidebar"), "区划与机构", "Chinese navigation");
  }],
  ["user management", async (page) => {
    await page.click("nav.sidebar a[href='/users']");
    await expectText(page.locator("table.list"), "township", "user list");
    await shot(page, "09-users");
  }],
  ["log out", async (page) => {
    await page.click(".usermenu summary");
    await page.click(".usermenu button[type=submit]");
    await page.waitForURL(/\/login\?bye=1/);
    await expectText(page.locator(".flash.ok"), "您已安全退出", "logged-out message");
    await shot(page, "10-logged-out");
  }],
];

let code = 0;
try {
  await run();
  console.log(`e2e: all ${steps.length} steps passed; screenshots in ${outDir}`);
} catch (e) {
  code = 1;
  console.error(`e2e FAILED at step "${step}": ${e.message}`);
  try {
    const page = browser && browser.pages()[0];
    if (page) await page.screenshot({ path: path.join(outDir, "failure.png") });
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
