// The report page: the county analyst writes the half-year summary of the
// demo county, previews it with every figure linked to its query and
// records, and downloads it as DOCX, XLSX and Markdown.
import fs from "node:fs";
import { expectText, fail, login, shot } from "../lib.mjs";

async function download(page, testid) {
  const [d] = await Promise.all([page.waitForEvent("download", { timeout: 120000 }), page.click(`[data-testid=${testid}]`)]);
  const file = await d.path();
  return { name: d.suggestedFilename(), size: fs.statSync(file).size, head: fs.readFileSync(file).subarray(0, 64) };
}

export const steps = [
  ["the work summary is in the analyst's menu", async (page, base) => {
    await login(page, base, "analyst");
    await page.click("nav.sidebar a[href='/reports']");
    await page.waitForURL(/\/reports$/);
    await expectText(page.locator("h1"), "工作总结", "report page heading");
    const options = await page.locator("[data-testid=report-template] option").allTextContents();
    for (const t of ["半年工作总结", "年度工作总结和下年度工作计划", "基本公共卫生服务项目季度报告", "传染病疫情月报"]) {
      if (!options.includes(t)) fail(`template ${t} missing from ${options}`);
    }
  }],
  ["preview the half-year summary of the county", async (page) => {
    await page.selectOption("[data-testid=report-template]", "half_year_summary");
    await page.fill("[data-testid=report-period]", "2025H1");
    // The whole summary (about 350 figures over the demo county) is
    // computed on the request: allow for a loaded test machine.
    await page.click("[data-testid=report-preview-btn]", { timeout: 120000 });
    const preview = page.locator("[data-testid=report-preview]");
    await preview.waitFor({ timeout: 120000 });
    await expectText(preview.locator("h2").first(), "2025年上半年卫生健康工作总结", "report title");
    await expectText(preview, "截至2025年6月30日", "the cut-off date");
    await expectText(preview, "二、存在问题", "the drafted problems");
    const figs = preview.locator("a.fig");
    const n = await figs.count();
    if (n < 30) fail(`only ${n} linked figures`);
    const href = await figs.first().getAttribute("href");
    const api = await figs.first().getAttribute("data-api");
    if (!href.startsWith("/dashboard?") || !api.startsWith("/api/v1/analytics?")) fail(`figure links ${href} ${api}`);
    await preview.locator("table.report-table").first().scrollIntoViewIfNeeded();
    await shot(page, "65-report-preview");
  }],
  ["download DOCX, XLSX and Markdown", async (page) => {
    const docx = await download(page, "report-download-DOCX");
    if (!docx.name.endsWith(".docx") || !docx.name.includes("2025年上半年") || docx.size < 5000 || docx.head.subarray(0, 2).toString() !== "PK") {
      fail(`DOCX download ${docx.name}, ${docx.size} bytes`);
    }
    const xlsx = await download(page, "report-download-XLSX");
    if (!xlsx.name.endsWith(".xlsx") || xlsx.head.subarray(0, 2).toString() !== "PK") fail(`XLSX download ${xlsx.name}`);
    const md = await download(page, "report-download-MD");
    if (!md.name.endsWith(".md") || !md.head.toString().startsWith("# ")) fail(`Markdown download ${md.name}: ${md.head}`);
  }],
  ["a period of the wrong kind is refused clearly", async (page) => {
    await page.fill("[data-testid=report-period]", "2025Q2");
    await page.click("[data-testid=report-preview-btn]");
    await expectText(page.locator("[role=alert]"), "按半年编写", "error for a quarter given to the half-year summary");
    await shot(page, "66-report-bad-period");
  }],
];
