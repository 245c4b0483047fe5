// Residents and services, as the village doctor of 钟涵村 (a real 海安
// village): the hypertension work list, a resident found by name, a
// follow-up recorded through the form generated from the metadata (a bad
// value first, refused at its field), the timeline, and the work list one
// shorter.
import { expectText, fail, login, shot } from "../lib.mjs";

let before = 0;
let residentURL = "";
let residentName = "";

async function workCount(page, base) {
  await page.goto(base + "/worklists?list=hypertension_quarter");
  const el = page.locator("[data-testid=work-count]");
  await el.waitFor({ timeout: 10000 });
  return Number(await el.getAttribute("data-count"));
}

export const steps = [
  ["village doctor logs in and sees the hypertension work list", async (page, base) => {
    await login(page, base, "village");
    before = await workCount(page, base);
    if (!(before > 0)) fail(`the village doctor's hypertension list is empty (${before})`);
    await expectText(page.locator("[data-testid=work-items]"), "钟涵村", "residents of 钟涵村 on the list");
    await shot(page, "30-worklist-before");
  }],
  ["find the first resident on the list by name (masked)", async (page, base) => {
    const first = page.locator("[data-testid=work-items] tbody tr").first();
    residentURL = await first.locator("a").first().getAttribute("href");
    await page.goto(base + residentURL + "?show=1");
    residentName = (await page.locator("[data-testid=resident-name]").innerText()).split(" ")[0].trim();
    await page.goto(base + "/residents?q=" + encodeURIComponent(residentName));
    await expectText(page.locator("[data-testid=resident-results]"), "钟涵村", "search result in 钟涵村");
    const masked = await page.locator("[data-testid=resident-results] tbody td").first().innerText();
    if (!masked.includes("*")) fail(`the search shows the name unmasked: ${masked}`);
    await shot(page, "31-search");
  }],
  ["open the resident: identity masked, timeline shown", async (page, base) => {
    await page.goto(base + residentURL);
    await expectText(page.locator("[data-testid=resident-doc]"), "****", "masked ID number");
    await expectText(page.locator("[data-testid=timeline]"), "高血压", "hypertension on the timeline");
    await shot(page, "32-resident");
  }],
  ["a bad follow-up is refused at its field", async (page, base) => {
    await page.goto(base + residentURL);
    await page.click("a[data-testid='record-hypertension-followup']");
    await page.waitForSelector("[data-testid=service-form]");
    await page.fill("input[name=sbp]", "400");
    await page.fill("input[name=dbp]", "80");
    await page.click("[data-testid=service-save]");
    await expectText(page.locator(".field[data-field=sbp] .field-error"), "收缩压", "message at the SBP field");
    await shot(page, "33-form-error");
  }],
  ["record a hypertension follow-up", async (page) => {
    await page.fill("input[name=sbp]", "136");
    await page.fill("input[name=dbp]", "84");
    await page.selectOption("select[name=method]", "1");
    await page.selectOption("select[name=drug_compliance]", "1");
    await page.selectOption("select[name=followup_class]", "1");
    await page.click("[data-testid=service-save]");
    await page.waitForURL(/ok=saved/);
    await expectText(page.locator("[data-testid=timeline] tbody tr").first(), "136", "the new follow-up first on the timeline");
    await shot(page, "34-timeline");
  }],
  ["the work list is one shorter", async (page, base) => {
    const after = await workCount(page, base);
    if (after !== before - 1) fail(`work list had ${before}, now ${after}; want ${before - 1}`);
    await shot(page, "35-worklist-after");
  }],
];
