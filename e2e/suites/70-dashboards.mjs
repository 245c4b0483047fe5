// Dashboards (指标看板), as the county administrator: the home page shows
// 海安's key indicators against target and pace; a lagging township is
// found from it, then one of its villages and the persons counted behind
// the figure, each linked to their page (masked); the persons behind one
// option of the breakdown by sex, and age bands of one's own. Then a target is set on
// the targets page and 完成率 and the pace flag follow it — on that page
// and on the dashboard. Last, a township user's home shows only their
// township.
import { expectChart, expectText, fail, login, shot } from "../lib.mjs";

let ind = ""; // the indicator drilled into: it counts persons

// figure reads "88.51%", "1,234" or "12.5‰" as a number.
function figure(text) {
  const n = Number(text.replace(/[,%‰\s]/g, "").replace(/\/.*$/, ""));
  if (!Number.isFinite(n)) fail(`not a figure: "${text}"`);
  return n;
}

export const steps = [
  ["the home page shows the key indicators against target and pace", async (page, base) => {
    await login(page, base, "admin");
    const kpis = page.locator("[data-testid=dash-kpis]");
    await expectText(kpis, "完成率", "key indicator table");
    await expectText(page.locator(".dash-head .crumbs"), "海安市", "the county's dashboard");
    const rows = await kpis.locator("tbody tr").count();
    if (rows < 3) fail(`only ${rows} key indicators on the home page`);
    const flags = await kpis.locator("[data-flag]").count();
    if (flags === 0) fail("no indicator on the home page has a pace flag (超序时/达序时/慢序时)");
    await expectChart(page, "[data-testid=dash-focus]", "bar chart by township");
    await expectChart(page, "[data-testid=dash-trend]", "trend with last year");
    await shot(page, "70-home-dashboard");
  }],
  ["focus an indicator that counts persons", async (page) => {
    const row = page.locator("[data-testid=dash-kpis] tbody tr[data-persons]").first();
    if ((await row.count()) === 0) fail("no key indicator counts persons (nothing to drill down to)");
    ind = await row.getAttribute("data-ind");
    await row.locator("a").first().click();
    await page.waitForURL((u) => new URL(u).searchParams.get("ind") === ind);
    await page.locator("[data-testid=drill-persons]").waitFor({ timeout: 10000 });
    figure(await page.locator("[data-testid=focus-value]").innerText());
    await expectText(page.locator("[data-testid=dash-children]"), "镇", "the townships of 海安");
    await shot(page, "71-focus");
  }],
  ["a lagging township is one click away", async (page) => {
    const lagging = page.locator("[data-testid=dash-lagging] tbody a");
    const link = (await lagging.count()) > 0 ? lagging.first() : page.locator("[data-testid=dash-children] tbody a").first();
    const name = (await link.innerText()).trim();
    await link.click();
    await page.waitForURL(/unit=\d{12}/);
    await expectText(page.locator(".dash-head .crumbs strong"), name, "the township's dashboard");
    await expectText(page.locator(".dash-head .crumbs"), "海安市", "breadcrumb back to the county");
    await expectText(page.locator("[data-testid=dash-children]"), "村", "the township's villages");
    await shot(page, "72-township");
  }],
  ["its villages, then the persons behind the figure", async (page) => {
    const lagging = page.locator("[data-testid=dash-lagging] tbody a");
    const link = (await lagging.count()) > 0 ? lagging.first() : page.locator("[data-testid=dash-children] tbody a").first();
    await link.click();
    await page.waitForURL(/unit=\d{12}/);
    if (await page.locator("[data-testid=dash-children]").count()) fail("a village dashboard lists units below it");
    await shot(page, "73-village");
    await page.locator("[data-testid=drill-persons] a").first().click();
    await page.waitForURL(/\/dashboard\/persons\?/);
    const n = Number(await page.locator("[data-testid=persons-count]").getAttribute("data-count"));
    if (!(n > 0)) fail(`no person behind the village's numerator (${n})`);
    const name = await page.locator("[data-testid=persons] tbody td").first().innerText();
    if (!name.includes("*")) fail(`the persons list shows a name unmasked: ${name}`);
    await shot(page, "74-persons");
    await page.locator("[data-testid=persons] tbody a").first().click();
    await page.waitForURL(/\/residents\/\d+$/);
    await page.locator("[data-testid=resident-doc]").waitFor({ timeout: 10000 });
  }],
  ["the persons behind one option of a breakdown, and age bands of one's own", async (page, base) => {
    // 高血压患者规范管理率 at the county by sex: the women's numerator is a
    // link to exactly the women it counts.
    await page.goto(base + "/dashboard?ind=htn_standard_rate&by=sex");
    const women = page.locator("[data-testid=dash-disagg] [data-dim=sex] tbody tr[data-opt=F]");
    await women.waitFor({ timeout: 20000 });
    const num = figure(await women.locator("[data-testid=disagg-num]").innerText());
    if (!(num > 0)) fail(`no woman in the numerator of 规范管理率 (${num})`);
    await women.scrollIntoViewIfNeeded();
    await shot(page, "74b-breakdown-sex");
    await women.locator("[data-testid=disagg-num]").click();
    await page.waitForURL(/\/dashboard\/persons\?.*opt=F/);
    await expectText(page.locator("[data-testid=persons-option]"), "性别：女", "the option of the list");
    const n = Number(await page.locator("[data-testid=persons-count]").getAttribute("data-count"));
    if (n !== Math.min(num, 5000)) fail(`the women's numerator is ${num}, the list holds ${n}`);
    const sexes = await page.locator("[data-testid=persons] tbody tr td:nth-child(2)").allInnerTexts();
    if (sexes.length === 0 || sexes.some((x) => x.trim() !== "女")) fail(`the women's list shows ${[...new Set(sexes)].join("、")}`);
    await shot(page, "74c-option-persons");
    // Age bands of one's own: two rows; a list out of order is refused in
    // the table's place.
    await page.goto(base + "/dashboard?ind=htn_standard_rate&by=age");
    const form = page.locator("[data-testid=disagg-bands]");
    await form.locator("input[name=bands]").fill("0-59,60-");
    await form.locator("button[type=submit]").click();
    await page.waitForURL(/bands=0-59/);
    const options = await page.locator("[data-testid=dash-disagg] tbody tr").evaluateAll((rs) => rs.map((r) => r.dataset.opt));
    if (options.join(",") !== "0-59,60+") fail(`age bands 0-59,60- give the rows ${options.join(",")}`);
    await page.locator("[data-testid=disagg-bands] input[name=bands]").fill("60-,0-59");
    await page.locator("[data-testid=disagg-bands] button[type=submit]").click();
    await page.waitForURL(/bands=60-/);
    await expectText(page.locator("[data-testid=disagg-error]"), "从小到大", "the rule a band list breaks");
  }],
  ["set a target: 完成率 and pace follow it", async (page, base) => {
    // 高血压患者管理人数, a count: half of it as the target is ahead of
    // pace, four times it behind, whatever the day of the year.
    await page.goto(base + "/targets?ind=htn_managed");
    await expectText(page.locator("[data-testid=target-own] h2"), "海安市", "the county's target");
    const managed = figure(await page.locator("[data-testid=own-value]").innerText());
    if (!(managed > 10)) fail(`高血压患者管理人数 at the county is ${managed}`);
    await page.fill("[data-testid=set-target] input[name=value]", String(Math.round(managed / 2)));
    await page.click("[data-testid=set-target] button[type=submit]");
    await page.waitForURL(/ok=saved/);
    await expectText(page.locator("[data-testid=target-own] [data-flag]"), "超序时", "ahead of pace at half the figure");
    const ahead = await page.locator("[data-testid=own-completion]").innerText();
    if (figure(ahead) < 150) fail(`完成率 ${ahead} with a target of half the figure`);
    await shot(page, "75-target-low");
    await page.fill("[data-testid=set-target] input[name=value]", String(managed * 4));
    await page.click("[data-testid=set-target] button[type=submit]");
    await page.waitForURL(/ok=saved/);
    await expectText(page.locator("[data-testid=target-own] [data-flag]"), "慢序时", "behind pace at four times the figure");
    const behind = await page.locator("[data-testid=own-completion]").innerText();
    if (figure(behind) !== 25) fail(`完成率 ${behind} with a target of four times the figure, want 25.00%`);
    await shot(page, "76-target-high");
    await page.goto(base + "/dashboard?ind=htn_managed");
    const kpi = page.locator("[data-testid=dash-kpis] tr[data-ind='htn_managed']");
    await expectText(kpi.locator("[data-testid=kpi-completion]"), behind, "the dashboard's 完成率");
    await expectText(kpi.locator("[data-flag]"), "慢序时", "the dashboard's pace flag");
  }],
  ["allocate by population share: the townships get their targets", async (page, base) => {
    await page.goto(base + "/targets?ind=htn_managed");
    await page.click("[data-testid=target-children] button[value=population]");
    await page.waitForURL(/ok=saved/);
    const inputs = page.locator("[data-testid=target-children] tbody input");
    const n = await inputs.count();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Number(await inputs.nth(i).inputValue());
    const own = figure(await page.locator("[data-testid=own-target]").innerText());
    if (n === 0 || sum !== own) fail(`the ${n} townships' targets sum to ${sum}, the county's is ${own}`);
    await shot(page, "77-allocated");
  }],
  ["a township user's home shows their township and its villages", async (page, base) => {
    await page.context().clearCookies();
    await login(page, base, "township");
    const crumbs = await page.locator(".dash-head .crumbs").innerText();
    if (crumbs.includes("海安市")) fail(`the township user's dashboard reaches up to the county: ${crumbs}`);
    await expectText(page.locator("[data-testid=dash-kpis]"), "完成率", "key indicators");
    await shot(page, "78-township-home");
  }],
];
