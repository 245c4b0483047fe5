// Aggregate data sets (报表): the county administrator opens 爱国卫生, sees a
// bad cell refused with its message beside it, saves, marks the report
// complete and finds it in the completeness table.
import { expectText, fail, login, shot } from "../lib.mjs";

export const steps = [
  ["log in and open 报表填报", async (page, base) => {
    await login(page, base, "admin");
    await page.click("nav.sidebar a[href='/datasets']");
    await page.waitForURL(/\/datasets$/);
    await expectText(page.locator("table.list"), "爱国卫生月报", "data set list");
    await shot(page, "40-datasets");
  }],
  ["a bad cell is refused with its message", async (page) => {
    await page.click("a[href='/datasets/aiguo/entry']");
    await page.waitForURL(/\/datasets\/aiguo\/entry/);
    await page.fill("input[name='v|toilets|']", "-5");
    await page.click("form[method=post][action='/datasets/aiguo/entry'] button[type=submit]");
    await expectText(page.locator("td.cell-error"), "不得小于 0", "cell message");
    await expectText(page.locator("[data-testid=entry-errors]"), "1 个单元格有误", "summary message");
    await shot(page, "41-entry-error");
  }],
  ["a good value is saved and the report completed", async (page) => {
    await page.fill("input[name='v|toilets|']", "131");
    await page.click("form[method=post][action='/datasets/aiguo/entry'] button[type=submit]");
    await page.waitForURL(/ok=saved/);
    const v = await page.inputValue("input[name='v|toilets|']");
    if (v !== "131") fail(`toilets shows ${v} after saving, want 131`);
    await expectText(page.locator("section.panel").last(), "修改记录", "history");
    const done = page.locator("button[value=complete]");
    if (await done.count()) {
      await done.click();
      await page.waitForURL(/ok=saved/);
    }
    await expectText(page.locator(".ds-status"), "已完成上报", "completion shown");
    await shot(page, "42-entry-saved");
  }],
  ["completeness and timeliness table", async (page) => {
    await page.click("a.btn[href='/datasets/aiguo/completeness']");
    await page.waitForURL(/completeness/);
    await expectText(page.locator("table.completeness tfoot"), "上报数／应报数", "totals row");
    const late = await page.locator("td.st-late").count();
    const onTime = await page.locator("td.st-ontime").count();
    if (onTime === 0) fail("no on-time report in the demo's completeness table");
    if (late === 0) fail("no late report in the demo's completeness table");
    await shot(page, "43-completeness");
  }],
];
