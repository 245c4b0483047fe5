// Notifiable-disease surveillance: a hospital reports one cholera case, the
// fixed-threshold signal is in the county CDC's inbox within seconds, a CDC
// user responds and closes it, and the response time shows; then the
// epidemic curve, compliance and method-evaluation pages of the demo's history.
import { expectChart, expectText, fail, login, shot } from "../lib.mjs";

const village = "320685102001"; // 曲塘镇虹桥居委会, a real 统计用区划代码 of the demo county

async function logout(page) {
  await page.click(".usermenu summary");
  await page.click(".usermenu button[type=submit]");
  await page.waitForURL(/\/login/);
}

export const steps = [
  ["hospital reporter opens the case-report form", async (page, base) => {
    await login(page, base, "hospital");
    await page.click("nav.sidebar a[href='/surveillance/cases']");
    await page.waitForURL(/\/surveillance\/cases/);
    await page.click("a[href='/surveillance/cases/new']");
    await expectText(page.locator("h1"), "填报报告卡", "form heading");
  }],
  ["a card with the diagnosis after the report date is refused with the field named", async (page) => {
    await page.selectOption("select[name=disease]", "cholera");
    await page.fill("input[name=patientName]", "测试霍乱");
    await page.fill("input[name=birthDate]", "1971-05-06");
    await page.selectOption("select[name=occupation]", "农民");
    await page.fill("input[name=addressCode]", village);
    await page.fill("input[name=onsetDate]", "2099-01-01");
    await page.click("#case-form button[type=submit]");
    await expectText(page.locator(".flash.error"), "发病日期", "error naming the onset date");
    await shot(page, "40-card-refused");
  }],
  ["the corrected card is stored", async (page) => {
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // China date
    await page.fill("input[name=onsetDate]", today);
    await page.fill("input[name=diagnosedAt]", today + "T00:05");
    await page.fill("input[name=addressCode]", village);
    await page.click("#case-form button[type=submit]");
    await page.waitForURL(/\/surveillance\/cases\/\d+\?ok=saved/);
    await expectText(page.locator("h1"), "霍乱", "card heading");
    await shot(page, "41-card-stored");
    await logout(page);
  }],
  ["the cholera signal is in the CDC inbox within seconds", async (page, base) => {
    const t0 = Date.now();
    await login(page, base, "cdc");
    await page.goto(base + "/surveillance/signals?item=cholera");
    await expectText(page.locator("#signals tbody tr:first-child"), "霍乱", "first signal");
    await expectText(page.locator("#signals tbody tr:first-child"), "待响应", "state of the new signal");
    if (Date.now() - t0 > 15000) fail(`the signal took ${Date.now() - t0} ms to show`);
    await shot(page, "42-signal-inbox");
  }],
  ["the CDC user responds: the response time shows", async (page) => {
    await page.click("#signals tbody tr:first-child td:nth-child(2) a");
    await page.waitForURL(/\/surveillance\/signals\/\d+$/);
    await page.fill("#signal-actions input[name=note]", "已电话核实报告医院，病例已隔离");
    await page.click("#signal-actions button[value=respond]");
    await page.waitForURL(/ok=saved/);
    await expectText(page.locator("#response-time"), "分钟", "response time");
    await expectText(page.locator("#response-time"), "及时", "response within 2 hours");
    await shot(page, "43-signal-responded");
  }],
  ["judged a suspected event, then closed with the field result", async (page) => {
    await page.click("#signal-actions button[value=suspect]");
    await page.waitForURL(/ok=saved/);
    await page.fill("#signal-actions input[name=note]", "现场调查：单个输入病例，密切接触者无异常，结案");
    await page.click("#signal-actions button[value=result]");
    await page.waitForURL(/ok=saved/);
    await expectText(page.locator(".panel-head .tag"), "已结案", "closed signal");
    await expectText(page.locator("table.list"), "填报现场调查结果", "workflow history");
    await shot(page, "44-signal-closed");
  }],
  ["the inbox shows the response timeliness", async (page, base) => {
    await page.goto(base + "/surveillance/signals");
    await expectText(page.locator(".stats"), "固定阈值2小时响应率", "timeliness indicators");
    await expectText(page.locator("#signals"), "流行性感冒", "the injected influenza outbreak signals");
    await shot(page, "45-signals-demo");
  }],
  ["epidemic curve with threshold, alarms and last year", async (page, base) => {
    await page.goto(base + "/surveillance/curve?item=influenza");
    await expectChart(page, ".chart", "influenza curve");
    await expectText(page.locator("table.list thead"), "ISO周", "weekly table");
    await shot(page, "46-curve");
  }],
  ["facility compliance: daily and zero reports", async (page, base) => {
    await page.goto(base + "/surveillance/compliance");
    await expectText(page.locator("#compliance"), "海安市人民医院", "hospital row");
    await expectText(page.locator("#compliance thead"), "日报告/零报告率", "compliance column");
    await shot(page, "47-compliance");
  }],
  ["method evaluation on the demo history", async (page, base) => {
    await page.goto(base + "/surveillance/specificity");
    await expectText(page.locator("main"), "推荐", "a recommended method");
    await shot(page, "48-specificity");
  }],
];
