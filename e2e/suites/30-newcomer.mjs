// What a newcomer hit (issue 12): each role's menu and home page, the
// completeness of every population figure, the layout at 1366×768
// (nothing clipped or running off the page), and the web import.
import { expectChart, expectText, fail, login, shot } from "../lib.mjs";

const county = "320685000000"; // 海安市
const haianZhen = "320685100000"; // 海安镇, 58 villages
const baidian = "320685111000"; // 白甸镇, gets a total of its own in the import

// as logs in as user in a clean session.
async function as(page, base, user) {
  await page.context().clearCookies();
  await login(page, base, user);
}

// menuLinks are the hrefs of the sidebar menu.
async function menuLinks(page) {
  return page.locator("nav.sidebar a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
}

// fits fails unless the element shows all of its content: nothing
// scrolled or cut off sideways, and it lies within its container.
async function fits(page, selector, what) {
  const el = page.locator(selector).first();
  await el.waitFor({ timeout: 10000 });
  const m = await el.evaluate((e) => {
    const box = e.getBoundingClientRect();
    const parent = e.parentElement.getBoundingClientRect();
    return { sw: e.scrollWidth, cw: e.clientWidth, right: box.right, parentRight: parent.right };
  });
  if (m.sw > m.cw + 1) fail(`${what}: content ${m.sw}px wide in a ${m.cw}px box (clipped or scrolling sideways)`);
  if (m.right > m.parentRight + 1) fail(`${what}: right edge ${m.right} beyond its container's ${m.parentRight}`);
}

// within fails unless every element matching inner lies inside outer.
async function within(page, inner, outer, what) {
  const o = await page.locator(outer).first().boundingBox();
  const boxes = await page.locator(inner).evaluateAll((els) => els.map((e) => {
    const b = e.getBoundingClientRect();
    return { left: b.left, right: b.right, text: e.innerText };
  }));
  if (boxes.length === 0) fail(`${what}: nothing matches ${inner}`);
  for (const b of boxes) {
    if (b.right > o.x + o.width + 1 || b.left < o.x - 1) fail(`${what}: "${b.text}" (${b.left}–${b.right}) outside ${o.x}–${o.x + o.width}`);
  }
}

// The roles of the demo and what each menu must and must not offer.
const roles = [
  ["admin", ["/", "/orgunits", "/population", "/import", "/users", "/audit"], []],
  ["analyst", ["/", "/orgunits", "/population"], ["/import", "/users"]],
  ["cdc", ["/", "/orgunits", "/population"], ["/import", "/users"]],
  ["township", ["/", "/orgunits", "/population"], ["/import", "/users"]],
  ["village", ["/", "/orgunits", "/population"], ["/import", "/users"]],
  ["hospital", ["/", "/orgunits"], ["/population", "/import", "/users"]],
];

// importFile is the population file of the import step: one village's
// totals for 2031 and 白甸镇's own total, so 2031 covers only part of the
// county; bad adds a row for a unit that does not exist.
function importFile(village, bad) {
  let csv = "unit_code,year,sex,age,count\n" + `${village},2031,1,total,1200\n${village},2031,2,total,1150\n` +
    `${baidian},2031,0,total,30000\n`;
  if (bad) csv += "320685999999,2031,0,total,10\n";
  return { name: bad ? "人口-有误.csv" : "人口.csv", mimeType: "text/csv", buffer: Buffer.from(csv) };
}

let village = ""; // a village of 曲塘镇, found through the API

export const steps = [
  ["最近登录 says 从未登录 for accounts never used, a time for the others", async (page, base) => {
    await as(page, base, "admin");
    const users = (await (await page.request.get(base + "/api/v1/users")).json()).items;
    const used = new Map(users.map((u) => [u.username, Boolean(u.lastLoginAt)]));
    await page.goto(base + "/users");
    const heads = await page.locator("table.list thead th").allInnerTexts();
    const col = heads.findIndex((h) => h.includes("最近登录"));
    if (col < 0) fail(`no 最近登录 column in ${heads.join(" | ")}`);
    const rows = await page.locator("table.list tbody tr").evaluateAll((trs, col) =>
      trs.map((tr) => [tr.cells[0].innerText.trim(), tr.cells[col].innerText.trim()]), col);
    if (rows.length < 5) fail(`only ${rows.length} users listed (the administrator sees every demo user but itself)`);
    for (const [name, cell] of rows) {
      if (!used.has(name)) continue;
      if (used.get(name) ? !/\d{4}-\d{2}-\d{2}/.test(cell) : cell !== "从未登录") {
        fail(`${name}: 最近登录 shows "${cell}"`);
      }
    }
    await shot(page, "nw-01-users");
  }],
  ["each role's menu offers only what opens, and its home page leads somewhere", async (page, base) => {
    for (const [user, want, notWant] of roles) {
      await as(page, base, user);
      const links = await menuLinks(page);
      for (const w of want) if (!links.includes(w)) fail(`${user}: the menu lacks ${w} (${links.join(" ")})`);
      for (const w of notWant) if (links.includes(w)) fail(`${user}: the menu offers ${w} (${links.join(" ")})`);
      for (const l of links) {
        const res = await page.request.get(base + l);
        if (res.status() !== 200) fail(`${user}: the menu entry ${l} answers ${res.status()}`);
      }
      const text = await page.locator("main").innerText();
      if (text.includes("您无权查看")) fail(`${user}: the home page says only what is forbidden`);
      await expectText(page.locator("[data-testid=home-tasks]"), "我的账户", `${user}: 常用功能`);
      await shot(page, `nw-02-home-${user}`);
    }
  }],
  ["home: the figure states its coverage; the stat cards form one even row", async (page, base) => {
    await as(page, base, "admin");
    await expectText(page.locator("[data-testid=home-pop-coverage]"), "覆盖 239/239 个村（社区）", "coverage on the card");
    const cards = await page.locator(".cards > .card").evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect())
      .map((b) => ({ top: Math.round(b.top), height: Math.round(b.height), right: b.right })));
    const row = await page.locator(".cards").boundingBox();
    if (new Set(cards.map((c) => c.top)).size !== 1) fail(`the stat cards wrap onto ${new Set(cards.map((c) => c.top)).size} rows`);
    if (new Set(cards.map((c) => c.height)).size !== 1) fail(`the stat cards differ in height: ${cards.map((c) => c.height)}`);
    const last = Math.max(...cards.map((c) => c.right));
    if (row.x + row.width - last > 2) fail(`the stat cards leave ${Math.round(row.x + row.width - last)}px empty at the end of the row`);
    await fits(page, ".cards", "stat cards");
  }],
  ["county page: the sub-unit table shows 人口 and 下级数 uncut", async (page, base) => {
    await page.goto(base + "/orgunits/" + county);
    await fits(page, "[data-testid=children-scroll]", "sub-unit table");
    await within(page, "[data-testid=children-scroll] thead th", "[data-testid=children-panel]", "sub-unit table header");
    await expectText(page.locator("[data-testid=children-scroll] thead"), "下级数", "下级数 column");
    await expectText(page.locator("[data-testid=pop-coverage]"), "覆盖 239/239", "coverage on the county page");
    await shot(page, "nw-03-county");
  }],
  ["the tree does not clip long facility-type labels", async (page, base) => {
    await page.goto(base + "/orgunits?under=" + county + "&level=facility");
    await page.locator(".tree-panel").first().waitFor();
    await fits(page, ".tree-panel", "org-unit tree");
    await within(page, ".tree-panel ul.tree .kind", ".tree-panel", "facility types in the tree");
    await shot(page, "nw-04-tree");
  }],
  ["a township's chart of 58 villages stays on the page and scrolls", async (page, base) => {
    await as(page, base, "township");
    // The population chart; the dashboard above it has a chart of its own.
    await expectChart(page, "[data-testid=home-pop-chart] .chart", "chart of the villages");
    const m = await page.locator("[data-testid=home-pop-chart]").evaluate((e) => ({ ch: e.clientHeight, sh: e.scrollHeight, bottom: e.getBoundingClientRect().bottom }));
    if (m.ch > 540) fail(`the chart box is ${m.ch}px tall: it runs off the page`);
    if (m.sh <= m.ch) fail(`the chart (${m.sh}px) does not scroll in its ${m.ch}px box: bars are squeezed or missing`);
    await shot(page, "nw-05-township-home");
  }],
  ["import: a file with a problem is listed by row, field and rule; nothing written", async (page, base) => {
    await as(page, base, "admin");
    const res = await page.request.get(base + "/api/v1/orgunits?under=320685102000&level=village&limit=1");
    village = (await res.json()).items[0].code;
    await page.click("nav.sidebar a[href='/import']");
    await page.selectOption("select[name=kind]", "population");
    await page.setInputFiles("input[name=file]", importFile(village, true));
    await page.click("[data-testid=import-form] button[type=submit]");
    await expectText(page.locator("[data-testid=import-problems]"), "320685999999", "the unknown unit");
    await expectText(page.locator("[data-testid=import-problems] tbody"), "unknown_unit", "the rule");
    await expectText(page.locator("[data-testid=import-problems] tbody tr td:first-child"), "5", "the row");
    if (await page.locator("[data-testid=import-confirm]").count()) fail("a file with problems can be confirmed");
    await shot(page, "nw-06-import-problems");
    const years = await (await page.request.get(base + "/api/v1/population/years?unit=" + county)).json();
    if (years.years.includes(2031)) fail("the bad file wrote 2031");
  }],
  ["import: the fixed file is previewed, then confirmed", async (page, base) => {
    await page.selectOption("select[name=kind]", "population");
    await page.setInputFiles("input[name=file]", importFile(village, false));
    await page.click("[data-testid=import-form] button[type=submit]");
    await expectText(page.locator("[data-testid=import-preview]"), "人口.csv", "the preview");
    await expectText(page.locator("[data-testid=import-summary] tbody td:first-child"), "3", "rows in the preview");
    await shot(page, "nw-07-import-preview");
    await page.click("[data-testid=import-confirm]");
    await expectText(page.locator("[data-testid=import-done]"), "已导入", "the import result");
    await shot(page, "nw-08-import-done");
  }],
  ["a partial year is labelled, and the default stays the latest complete year", async (page, base) => {
    await page.goto(base + "/");
    const year = await page.locator("select[name=year]").inputValue();
    if (year === "2031") fail("the home page defaults to the partial year 2031");
    const label = await page.locator("select[name=year] option[value='2031']").textContent();
    if (!label.includes("不完整")) fail(`2031 is not marked incomplete in the year select: "${label}"`);
    await page.goto(base + "/?year=2031");
    await expectText(page.locator("[data-testid=pop-coverage]"), "此数字不是全部人口", "the partial note on the home page");
    await expectText(page.locator("[data-testid=home-pop-coverage]"), "/239 个村（社区）", "coverage on the card");
    await shot(page, "nw-09-home-partial");
    await page.goto(base + "/population?unit=" + county + "&year=2031");
    await expectText(page.locator("[data-testid=pop-coverage]"), "此数字不是全部人口", "the partial note on the population page");
  }],
  ["a totals-only population: no one-bar pyramid, one 合计 row", async (page, base) => {
    await page.goto(base + "/population?unit=" + village + "&year=2031");
    await expectText(page.locator("[data-testid=pop-totals-only]"), "只有合计人数", "the totals-only note");
    if (await page.locator(".chart.pyramid").count()) fail("a pyramid is drawn for totals only");
    const rows = await page.locator("table.list").first().locator("tr", { hasText: "合计" }).count();
    if (rows !== 1) fail(`${rows} rows say 合计`);
    await shot(page, "nw-10-totals-only");
  }],
  ["a sub-unit table with no figures says so", async (page, base) => {
    await page.goto(base + "/population?unit=" + baidian + "&year=2031");
    await expectText(page.locator("[data-testid=pop-children]"), "下级单位均无 2031 年的人口数据", "the empty sub-unit table");
    await shot(page, "nw-11-no-child-figures");
  }],
];
