// A case report whose patient is a registered resident (issue 14: "link it
// to a resident when one matches"): the county administrator opens a demo
// card carrying a resident's ID number, sees the resident (masked) on the
// card, follows the link to the resident's page, finds the card on the
// timeline and follows it back; a CDC user, who may not see residents,
// gets the card without the link.
import { expectText, fail, login, shot } from "../lib.mjs";

let card = null; // the linked card, as the API gives it to the administrator

export const steps = [
  ["the administrator finds a demo card linked to a resident", async (page, base) => {
    await login(page, base, "admin");
    for (let offset = 0; offset < 2000 && !card; offset += 200) {
      const res = await page.request.get(`${base}/api/v1/cases?limit=200&offset=${offset}`);
      if (!res.ok()) fail(`/api/v1/cases answers ${res.status()}`);
      const body = await res.json();
      card = body.cases.find((c) => c.personId && c.status !== "withdrawn") || null;
      if (body.cases.length < 200) break;
    }
    if (!card) fail("no demo card of the last 2,000 is linked to a resident (the demo links about a third of the last year's)");
  }],
  ["the card shows its resident, masked, with the village", async (page, base) => {
    await page.goto(`${base}/surveillance/cases/${card.id}`);
    await expectText(page.locator("h1"), `#${card.id}`, "the card's heading");
    const link = page.locator("[data-testid=card-resident]");
    await link.waitFor({ timeout: 10000 });
    const href = await link.getAttribute("href");
    if (href !== `/residents/${card.personId}`) fail(`the resident link goes to ${href}, want /residents/${card.personId}`);
    const name = (await link.innerText()).trim();
    if (!name.includes("*")) fail(`the resident's name is shown unmasked on the card: ${name}`);
    await shot(page, "45-card-resident");
  }],
  ["the link opens the resident: the same person, the card on the timeline", async (page, base) => {
    await page.click("[data-testid=card-resident]");
    await page.waitForURL((u) => new URL(u).pathname === `/residents/${card.personId}`);
    const row = page.locator("[data-testid=timeline] tbody tr", { has: page.locator(`a[data-testid=timeline-card][href='/surveillance/cases/${card.id}']`) });
    if ((await row.count()) !== 1) fail(`card #${card.id} is on the resident's timeline ${await row.count()} times, want once`);
    await expectText(row, card.diseaseName, "the disease on the timeline row");
    await expectText(row, card.onsetDate, "the onset date on the timeline row");
    await row.scrollIntoViewIfNeeded();
    await shot(page, "45-resident-timeline-card");
    // Shown unmasked (and logged), the resident is the card's patient.
    await page.goto(`${base}/residents/${card.personId}?show=1`);
    const full = (await page.locator("[data-testid=resident-name]").innerText()).split(" ")[0].trim();
    if (full !== card.patientName) fail(`the resident is ${full}, the card's patient ${card.patientName}`);
  }],
  ["the timeline's card link leads back to the card", async (page, base) => {
    await page.goto(`${base}/residents/${card.personId}`);
    await page.click(`a[data-testid=timeline-card][href='/surveillance/cases/${card.id}']`);
    await page.waitForURL((u) => new URL(u).pathname === `/surveillance/cases/${card.id}`);
    await expectText(page.locator("h1"), card.diseaseName, "the card's heading");
    await expectText(page.locator("[data-testid=card-resident]"), "*", "the resident on the card again");
  }],
  ["a CDC user, who may not see residents, gets the card without the link", async (page, base) => {
    await page.context().clearCookies();
    await login(page, base, "cdc");
    await page.goto(`${base}/surveillance/cases/${card.id}`);
    await expectText(page.locator("h1"), `#${card.id}`, "the card's heading");
    if (await page.locator("[data-testid=card-resident]").count()) fail("the CDC user sees the resident link");
    const res = await page.request.get(`${base}/api/v1/cases/${card.id}`);
    const got = await res.json();
    if (got.case?.personId || got.personId) fail("the API gives the CDC user the resident's id");
    await shot(page, "45-card-cdc");
  }],
];
