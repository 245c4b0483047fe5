// The report checker: paste a text with an inconsistent rate and see it
// marked; upload a real report; export the findings; a bad upload — as
// the village doctor (any logged-in user may check a report).
import fs from "node:fs";
import path from "node:path";
import { expectText, fail, login, shot } from "../lib.mjs";

const inconsistent =
  "上半年，我市辖区产妇数1462人，产前筛查1401人，筛查率96.83%。\n" +
  "新生儿先心病筛查任务数4380人，已完成筛查4497人，完成率102.6%。";

// The real reports live in the shared folder beside the clone.
const reports = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "..", "..", "shared", "data", "reports");

export const steps = [
  ["the checker is in the menu of a village doctor", async (page, base) => {
    await login(page, base, "village");
    await page.click("nav.sidebar a[href='/check']");
    await page.waitForURL(/\/check$/);
    await expectText(page.locator("h1"), "报告数字核查", "checker heading");
  }],
  ["paste a text with an inconsistent rate: it is marked in place", async (page) => {
    await page.fill("[data-testid=check-text]", inconsistent);
    await page.click("[data-testid=check-submit]");
    await page.waitForSelector("[data-testid=check-marked]");
    const err = page.locator("[data-testid=check-marked] mark.sev-error");
    await expectText(err, "96.83%", "the wrong rate marked as an error");
    const title = await err.first().getAttribute("data-tip");
    if (!title || !title.includes("1401/1462 = 95.8276%")) fail(`tooltip of the mark: ${title}`);
    await expectText(page.locator("[data-testid=check-marked] mark.sev-note"), "102.6%", "the truncated rate marked as a note");
    await expectText(page.locator("[data-testid=check-findings]"), "改为 95.83%", "the fix in the list");
    await expectText(page.locator("[data-testid=check-findings]"), "可写作 102.67%", "the truncation note in the list");
    await expectText(page.locator("[data-testid=check-live]"), "未与系统实时指标值比对", "the live comparison is said to be missing");
    await err.first().hover();
    await shot(page, "60-checker-pasted");
  }],
  ["a consistent rate is shown as verified, with its counts", async (page) => {
    await page.fill("[data-testid=check-text]", "上半年，我市辖区产妇数1462人，产前筛查1401人，筛查率95.83%。");
    await page.click("[data-testid=check-submit]");
    const rate = page.locator("[data-testid=check-marked] .fig", { hasText: "95.83%" });
    await expectText(rate, "95.83%", "the rate as a figure");
    const tip = await rate.first().getAttribute("data-tip");
    if (!tip || !tip.includes("已核对 1401/1462")) fail(`tooltip of the verified rate: ${tip}`);
    await expectText(page.locator("[data-testid=check-findings]"), "未发现问题", "no findings");
    await rate.first().hover();
    await shot(page, "60-checker-verified");
    await page.fill("[data-testid=check-text]", inconsistent);
    await page.click("[data-testid=check-submit]");
    await expectText(page.locator("[data-testid=check-marked] mark.sev-error"), "96.83%", "back to the inconsistent text");
  }],
  ["export the findings to Excel", async (page) => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("[data-testid=check-export-xlsx]"),
    ]);
    const name = download.suggestedFilename();
    if (!/^report-check-\d{8}\.xlsx$/.test(name)) fail(`download named ${name}`);
    const file = await download.path();
    const size = fs.statSync(file).size;
    if (size < 1000) fail(`the XLSX is only ${size} bytes`);
  }],
  ["upload a real report (海安市 2021 上半年)", async (page) => {
    const file = path.join(reports, "000_6df6edabab3eeb7c.txt");
    if (!fs.existsSync(file)) fail(`the shared reports are missing: ${file}`);
    await page.setInputFiles("[data-testid=check-file]", file);
    await page.click("[data-testid=check-submit]");
    await expectText(page.locator("[data-testid=check-summary]"), "000_6df6edabab3eeb7c.txt", "file name in the summary");
    await expectText(page.locator("[data-testid=check-marked] mark.sev-error"), "186人", "the 全部 mismatch (192 named, 186 signed)");
    await expectText(page.locator("[data-testid=check-marked] mark.sev-note"), "55.26%", "the truncated vaccination rate");
    await page.locator("[data-testid=check-marked] mark.sev-error").first().scrollIntoViewIfNeeded();
    await shot(page, "61-checker-upload");
  }],
  ["a DOCX that is not a zip is refused clearly", async (page) => {
    await page.setInputFiles("[data-testid=check-file]", {
      name: "总结.docx",
      mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      buffer: Buffer.from("这不是 Word 文件"),
    });
    await page.click("[data-testid=check-submit]");
    await expectText(page.locator("[role=alert]"), "不是有效的 DOCX", "error for a DOCX that is not a zip");
    await shot(page, "62-checker-bad-docx");
  }],
];
