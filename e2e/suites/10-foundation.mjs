// The foundation: login, the org-unit tree, search, population, language,
// users, logout — as the county administrator.
import { expectChart, expectText, fail, password, shot } from "../lib.mjs";

const censusTotal = "874,334"; // 海安市, 2020 census (the demo's base year)

export const steps = [
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
