// Shared helpers of the browser test suites (e2e/suites/*.mjs).
import path from "node:path";

export const password = "E2e#Weijian2026"; // meets the password policy; every demo user has it

// StepError is a failed check; the runner prints the step's name with it.
export class StepError extends Error {}

export function fail(msg) {
  throw new StepError(msg);
}

export function outDir() {
  return process.env.E2E_OUT || path.join(path.dirname(new URL(import.meta.url).pathname), "out");
}

// shot writes a screenshot e2e/out/NAME.png.
export async function shot(page, name) {
  await page.screenshot({ path: path.join(outDir(), name + ".png") });
}

// expectText waits until the locator's text contains want.
export async function expectText(locator, want, what) {
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

// expectChart waits for an ECharts canvas inside selector.
export async function expectChart(page, selector, what) {
  try {
    await page.locator(selector + " canvas").first().waitFor({ timeout: 15000 });
  } catch {
    fail(`${what}: the chart did not render (no canvas in ${selector})`);
  }
}

// login signs in as username with the demo password and waits for the home page.
export async function login(page, base, username) {
  await page.goto(base + "/login");
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.click("form[action='/login'] button[type=submit]");
  await page.waitForURL((u) => new URL(u).pathname === "/");
}
