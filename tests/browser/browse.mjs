// browse.mjs BASE_URL SCREENSHOT_DIR — a person's first visit, in Debian's chromium driven
// by playwright-core: home, search from the search box, open an album from the results,
// its track list; the keyboard reaches the skip link first; the phone layout does not
// scroll sideways; the dark scheme is dark; nothing in the catalog's data runs as script.
// Prints one TAP-like line per check; exits 1 when one fails.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { harness, launchChromium } from "./harness.mjs";

const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node browse.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const t = harness("browser");
const { step } = t;

const browser = await launchChromium();

try {
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  desktop.setDefaultTimeout(15000);
  const page = await desktop.newPage();
  const jsErrors = [];
  const dialogs = [];
  page.on("pageerror", (err) => jsErrors.push(err.message));
  page.on("console", (msg) => { if (msg.type() === "error") jsErrors.push(msg.text()); });
  page.on("dialog", (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });

  await step("home page opens (200)", async () => {
    const response = await page.goto(`${base}/`);
    if (response.status() !== 200) throw new Error(`status ${response.status()}`);
    await page.screenshot({ path: join(shots, "home-desktop.png"), fullPage: true });
  });

  await step("Tab reaches the skip link first, and it leads to the main content", async () => {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? { tag: el.tagName, href: el.getAttribute("href"), text: el.textContent.trim() } : null;
    });
    if (!focused || focused.tag !== "A" || !/^#/.test(focused.href || "") || !/skip/i.test(focused.text)) {
      throw new Error(`first Tab focused ${JSON.stringify(focused)}`);
    }
    const target = focused.href.slice(1);
    const exists = await page.evaluate((id) => {
      const el = document.getElementById(id);
      return !!el && el.tagName === "MAIN";
    }, target);
    if (!exists) throw new Error(`skip link target #${target} is not the <main> element`);
    await page.keyboard.press("Enter");
    return new URL(page.url()).hash === `#${target}`;
  });

  await step("typing in the search box and pressing Enter shows results", async () => {
    await page.goto(`${base}/`);
    const box = page.locator("#q");
    await box.click();
    await box.pressSequentially("Kravi", { delay: 20 });
    await Promise.all([page.waitForURL(/\/search\?q=Kravi/), box.press("Enter")]);
    await page.locator('a[href="/album/900002"]').first().waitFor({ state: "visible" });
    await page.screenshot({ path: join(shots, "search-desktop.png"), fullPage: true });
  });

  await step("opening an album from the results shows its track list", async () => {
    await Promise.all([
      page.waitForURL(/\/album\/900002$/),
      page.locator('a[href="/album/900002"]').first().click(),
    ]);
    const tracks = page.locator('main a[href^="/track/"]');
    await tracks.first().waitFor({ state: "visible" });
    const count = await tracks.count();
    if (count !== 6) throw new Error(`${count} track links, wanted 6`);
    for (const title of ["Disc One Opener", "Disc Two Closer"]) {
      if (!(await page.getByText(title, { exact: true }).first().isVisible())) {
        throw new Error(`"${title}" is not visible`);
      }
    }
    await page.screenshot({ path: join(shots, "album-desktop.png"), fullPage: true });
  });

  await step("a script in the catalog's data never runs (album with a <script> title)", async () => {
    await page.goto(`${base}/album/900001`);
    await page.getByText('<script>alert(1)</script> & "quotes"', { exact: true }).first().waitFor();
    await page.goto(`${base}/search?q=${encodeURIComponent("<script>alert(1)</script>")}`);
    await page.waitForTimeout(200);
    if (dialogs.length) throw new Error(`dialogs opened: ${dialogs.join(", ")}`);
  });

  await step("no JavaScript errors on the pages visited", async () => {
    if (jsErrors.length) throw new Error(jsErrors.join("\n"));
  });

  await step("dark colour scheme gives a dark page", async () => {
    const bg = async () => page.evaluate(() => {
      const m = getComputedStyle(document.body).backgroundColor.match(/\d+(\.\d+)?/g) || [];
      const [r, g, b] = m.map(Number);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    });
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(`${base}/album/900002`);
    const light = await bg();
    await page.emulateMedia({ colorScheme: "dark" });
    const dark = await bg();
    await page.screenshot({ path: join(shots, "album-dark.png"), fullPage: true });
    if (!(dark < 100 && light > dark)) throw new Error(`body luminance light ${light}, dark ${dark}`);
  });
  await desktop.close();

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  phone.setDefaultTimeout(15000);
  const mobile = await phone.newPage();
  for (const [name, path] of [["home", "/"], ["search", "/search?q=Kravi"], ["album", "/album/900002"],
    ["artist", "/artist/900001"], ["browse", "/browse?letter=Z"]]) {
    await step(`390px phone: ${name} page fits the width`, async () => {
      const response = await mobile.goto(`${base}${path}`);
      if (response.status() !== 200) throw new Error(`status ${response.status()}`);
      const width = await mobile.evaluate(() => document.documentElement.scrollWidth);
      await mobile.screenshot({ path: join(shots, `${name}-phone.png`), fullPage: true });
      if (width > 390) throw new Error(`page is ${width}px wide`);
    });
  }
  await phone.close();
} finally {
  await browser.close();
}

console.log(`# browser: ${t.failed ? `${t.failed} failed` : "all passed"}; screenshots in ${shots}`);
process.exit(t.failed ? 1 : 0);
