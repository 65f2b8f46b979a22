// playlists.mjs [BASE_URL [SCREENSHOT_DIR]] — playlists in Debian's chromium driven by
// playwright-core, against a running instance: a listener (made with lyre-admin, from
// LYRE_TEST_BUILD and LYRE_TEST_INSTANCE) signs in, searches, makes a playlist from a
// search result's row menu ("Add to playlist…", "New playlist"), adds two more songs to
// it the same way, reorders by dragging a row's grip and with a move button from the
// keyboard, and opens the share link in a fresh, signed-out browser context, which
// shows the songs without any edit control.  After a keyboard move the focus stays on the
// moved row's button and a live region says where it went; the owner uploads a cover (and
// a file of the wrong kind is refused in the page) and removes it; a song of the player's
// queue goes into a new playlist by the queue row's own button.
// Screenshots at 1280 and 360 px wide.
// Prints one TAP-like line per check; exits 1 when one fails.
import { execFileSync } from "node:child_process";
import { deflateSync } from "node:zlib";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { harness, launchChromium } from "./harness.mjs";

const base = (process.argv[2] || process.env.LYRE_URL || "http://127.0.0.1:8081").replace(/\/$/, "");
const shots = process.argv[3] || process.env.LYRE_SCREENSHOTS || "/tmp";
mkdirSync(shots, { recursive: true });
const build = process.env.LYRE_TEST_BUILD;
const instance = process.env.LYRE_TEST_INSTANCE;

const t = harness("playlists");
const { report, step } = t;
function fail(message) { throw new Error(message); }

const run = `${Date.now() % 1000000}${process.pid % 1000}`;
const user = { name: `pl${run}`, password: "saffron lighthouse 23 tides" };

async function shoot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(150);
  // The page's own content (#main): the shared header and navigation are not this test's.
  const width = await page.evaluate(() => document.getElementById("main").scrollWidth);
  await page.screenshot({ path: join(shots, `${name}-360.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  if (width > 360) fail(`${name} is ${width}px wide on a 360px screen`);
}

// A word of a song title that several songs share: what the test searches for.
function searchWord() {
  const out = execFileSync("mariadb", [`--defaults-file=${instance}/my.cnf`, "--user=root", "-N", "-B", "lyre", "-e",
    "SELECT SUBSTRING_INDEX(title, ' ', 1) w FROM tracks WHERE title REGEXP '^[A-Za-z]{4,} ' " +
    "GROUP BY w HAVING COUNT(*) BETWEEN 3 AND 40 ORDER BY COUNT(*) DESC LIMIT 1"]).toString().trim();
  if (!out) fail("no word shared by 3-40 song titles");
  return out;
}

// A w×h PNG of noise (what a cover upload sends).
function png(w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((3 * w + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < 3 * w; x++) raw[y * (3 * w + 1) + 1 + x] = (x * 7 + y * 13) & 0xff;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

// The ids of the rows of the playlist table, in page order.
const rowIds = (page) => page.$$eval("table[data-playlist] tr[data-track-id]", (rows) => rows.map((r) => r.dataset.trackId));

const browser = await launchChromium();
try {
  if (!build || !instance) fail("LYRE_TEST_BUILD and LYRE_TEST_INSTANCE must be set");
  execFileSync(`${build}/tools/lyre-admin`, ["-c", `${instance}/lyre.conf`, "user", "add", user.name,
    `${user.name}@example.org`, "--password-stdin", "--verified"], { input: `${user.password}\n` });
  const word = searchWord();

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const jsErrors = [];
  page.on("pageerror", (err) => jsErrors.push(err.message));
  // Network answers are judged where they matter (an answer of another area's endpoint
  // is not this test's business); script errors and 5xx answers are.
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/^Failed to load resource/.test(msg.text())) jsErrors.push(msg.text());
  });
  page.on("response", (r) => { if (r.status() >= 500) jsErrors.push(`${r.status()} from ${r.url()}`); });
  page.on("dialog", (d) => d.accept());

  const signedIn = await step("sign in", async () => {
    await page.goto(`${base}/login`);
    await page.locator('main input[name="login"]').fill(user.name);
    await page.locator('main input[name="password"]').fill(user.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")),
      page.locator('main form button[type="submit"]').first().click()]);
    await page.locator("#account[data-csrf]").waitFor({ state: "attached" });
  });
  if (!signedIn) throw new Error("not signed in");

  let ids = [];
  await step(`search "${word}": rows with a menu`, async () => {
    await page.locator("#q").fill(word);
    await Promise.all([page.waitForURL(/\/search\?/), page.locator("#q").press("Enter")]);
    await page.locator("main tr[data-track-id]").nth(2).waitFor();
    ids = await page.$$eval("main tr[data-track-id]", (rows) => rows.slice(0, 3).map((r) => r.dataset.trackId));
    if (ids.length < 3) fail(`only ${ids.length} songs found`);
  });

  // openAdd(i): the row menu of search result i, "Add to playlist…"; resolves to the dialog.
  async function openAdd(i) {
    const row = page.locator(`main tr[data-track-id="${ids[i]}"]`).first();
    await row.hover();
    await row.locator('[data-player="menu"]').click();
    await page.getByRole("menuitem", { name: "Add to playlist…" }).click();
    const dialog = page.getByRole("dialog", { name: "Add to playlist" });
    await dialog.waitFor({ state: "visible" });
    return dialog;
  }

  await step("a new playlist from a row's menu, with that song in it", async () => {
    const dialog = await openAdd(0);
    await dialog.getByLabel("New playlist").fill(`Browser mix ${run}`);
    await page.screenshot({ path: join(shots, "playlists-dialog.png") });
    await dialog.getByRole("button", { name: "Create and add" }).click();
    await dialog.getByText(`Added to “Browser mix ${run}” (1 song)`).waitFor();
    await dialog.waitFor({ state: "hidden" });
  });

  await step("two more songs from the search results into it", async () => {
    for (const i of [1, 2]) {
      const dialog = await openAdd(i);
      await dialog.getByRole("button", { name: new RegExp(`Browser mix ${run}`) }).click();
      await dialog.getByText(`(${i + 1} songs)`).waitFor();
      await dialog.waitFor({ state: "hidden" });
    }
  });

  let playlistId = 0;
  await step("the playlist page lists the three songs in the order they were added", async () => {
    const mine = await page.evaluate(() => fetch("/playlists/mine.json").then((r) => r.json()));
    const pl = mine.playlists.find((p) => p.name === `Browser mix ${run}`);
    if (!pl) fail("mine.json lacks the playlist");
    playlistId = pl.id;
    await page.goto(`${base}/playlist/${playlistId}`);
    const got = await rowIds(page);
    if (got.join() !== ids.join()) fail(`rows ${got.join()}, wanted ${ids.join()}`);
  });

  await step("drag the third song to the top by its grip", async () => {
    // Rows under the fixed player bar cannot be grabbed: bring the list to the middle.
    await page.locator("table[data-playlist]").evaluate((t) => t.scrollIntoView({ block: "center" }));
    const grip = page.locator(`table[data-playlist] tr[data-track-id="${ids[2]}"] .pl-grip`);
    const first = page.locator("table[data-playlist] tr[data-track-id]").first();
    const from = await grip.boundingBox();
    const to = await first.boundingBox();
    if (!from || !to) fail("the grip or the first row is not visible");
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, to.y + to.height / 2, { steps: 8 });
    await page.mouse.move(from.x + from.width / 2, to.y + 4, { steps: 2 });
    const [moved] = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/items/move")), page.mouse.up()]);
    if (moved.status() !== 200) fail(`POST /items/move answered ${moved.status()}`);
    const want = [ids[2], ids[0], ids[1]].join();
    await page.reload();
    const got = await rowIds(page);
    if (got.join() !== want) fail(`after dragging and reloading: ${got.join()}, wanted ${want}`);
  });

  await step("move a song down with its button from the keyboard", async () => {
    // Within the song's own row: two songs of a search may share a title.
    const row = page.locator(`table[data-playlist] tr[data-track-id="${ids[2]}"]`);
    const title = await row.getAttribute("data-title");
    const button = row.getByRole("button", { name: `Move ${title} down` });
    await button.focus();
    await page.keyboard.press("Enter");
    const want = [ids[0], ids[2], ids[1]].join();
    await page.waitForFunction((w) => [...document.querySelectorAll("table[data-playlist] tr[data-track-id]")]
      .map((r) => r.dataset.trackId).join() === w, want, { timeout: 5000 });
    await page.locator(".hero h1").waitFor();
    await shoot(page, "playlists-page");
  });

  await step("after the keyboard move the focus is on the moved row's same button", async () => {
    await page.waitForFunction((id) => {
      const a = document.activeElement;
      return !!a && a.getAttribute("data-pl") === "down" && a.closest("tr") && a.closest("tr").dataset.trackId === id;
    }, ids[2], { timeout: 5000 });
  });

  await step("a live region says where the song went", async () => {
    const title = await page.locator(`table[data-playlist] tr[data-track-id="${ids[2]}"]`).getAttribute("data-title");
    const region = page.locator("#pl-live[aria-live=polite]");
    await page.waitForFunction((t) => (document.getElementById("pl-live") || {}).textContent === t,
      `Moved “${title}” to position 2 of 3.`, { timeout: 5000 });
    if (await region.count() !== 1) fail("no live region");
  });

  await step("moving up again from the keyboard keeps the focus too", async () => {
    await page.keyboard.press("Shift+Tab");   // from "down" back to "up" of the same row
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("data-pl"));
    if (focused !== "up") fail(`focus on ${focused}, wanted the row's up button`);
    await page.keyboard.press("Enter");
    await page.waitForFunction((w) => [...document.querySelectorAll("table[data-playlist] tr[data-track-id]")]
      .map((r) => r.dataset.trackId).join() === w, [ids[2], ids[0], ids[1]].join(), { timeout: 5000 });
    await page.waitForFunction((id) => {
      const a = document.activeElement;
      const row = a && a.closest("tr");
      // At the top there is no up button any more: its down button takes the focus.
      return !!row && row.dataset.trackId === id && a.getAttribute("data-pl") === "down";
    }, ids[2], { timeout: 5000 });
    await page.locator(`table[data-playlist] tr[data-track-id="${ids[2]}"] [data-pl="down"]`).press("Enter");
    await page.waitForFunction((w) => [...document.querySelectorAll("table[data-playlist] tr[data-track-id]")]
      .map((r) => r.dataset.trackId).join() === w, [ids[0], ids[2], ids[1]].join(), { timeout: 5000 });
  });

  await step("a file that is not a picture is refused in the page", async () => {
    let posted = false;
    const watch = (r) => { if (r.url().endsWith("/cover")) posted = true; };
    page.on("request", watch);
    await page.locator("#pl-cover").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
    await page.getByRole("button", { name: "Upload cover" }).click();
    await page.locator(".pl-cover-status", { hasText: "JPEG, PNG or WebP" }).waitFor();
    page.off("request", watch);
    if (posted) fail("the file was sent anyway");
  });

  await step("upload a cover: it replaces the mosaic", async () => {
    await page.locator("#pl-cover").setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: png(64, 64) });
    await page.getByRole("button", { name: "Upload cover" }).click();
    const img = page.locator(".hero-art img.art[src*='/art/']");
    await img.waitFor();
    const src = await img.getAttribute("src");
    if (!/\/art\/[0-9a-f]{2}\/[0-9a-f]{64}-640\.jpg$/.test(src)) fail(`cover src ${src}`);
    if (await page.locator(".pl-mosaic").count()) fail("the mosaic is still shown");
    await page.waitForFunction(() => {
      const i = document.querySelector(".hero-art img.art[src*='/art/']");
      return !!i && i.complete && i.naturalWidth === 640;
    }, null, { timeout: 5000 }).catch(() => fail("the cover image did not load at 640 px"));
    await page.getByRole("button", { name: "Remove cover" }).waitFor();
    await shoot(page, "playlists-cover");
  });

  await step("remove the cover: back to the album covers", async () => {
    await page.getByRole("button", { name: "Remove cover" }).click();
    await page.getByRole("button", { name: "Remove cover" }).waitFor({ state: "detached" });
    if (await page.locator(".hero-art img.art[src*='-640.jpg']").count()) fail("the uploaded cover is still shown");
  });

  let queuePicks = 0;
  await step("a queue row's own button adds its song to a new playlist", async () => {
    // Paused, so the queue stays put while the dialog is open.
    await page.evaluate(() => window.lyrePlayer.pause());
    await page.locator('[data-player="queue-list"]').click();
    await page.locator('#player [data-act="queue"]').click();
    const title = await page.locator(`table[data-playlist] tr[data-track-id="${ids[1]}"]`).getAttribute("data-title");
    // By the queue item's uid, not its title: two songs of the catalog may share one.
    const uid = await page.evaluate((id) => {
      const all = [window.lyrePlayer.current(), ...window.lyrePlayer.upcoming()].filter(Boolean);
      const it = all.find((x) => x.id === String(id));
      return it ? it.uid : "";
    }, ids[1]);
    if (!uid) fail(`song ${ids[1]} is not in the queue`);
    const row = page.locator(`#player-queue .qi[data-uid="${uid}"]`);
    await row.waitFor();
    const before = await page.evaluate(() => window.lyrePlayer.state());
    const button = row.locator('[data-pl="queue-add"]');
    if (!(await button.isVisible())) await row.hover();
    await button.click();
    const dialog = page.getByRole("dialog", { name: "Add to playlist" });
    await dialog.waitFor({ state: "visible" });
    await dialog.getByLabel("New playlist").fill(`Queue picks ${run}`);
    await dialog.getByRole("button", { name: "Create and add" }).click();
    await dialog.getByText(`Added to “Queue picks ${run}” (1 song)`).waitFor();
    await dialog.waitFor({ state: "hidden" });
    const after = await page.evaluate(() => window.lyrePlayer.state());
    // (The player may have started meanwhile: only what the queue holds is this test's.)
    if (after.queue.join() !== before.queue.join()) fail(`the player's queue changed: ${before.queue} -> ${after.queue}`);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("data-pl"));
    if (focused !== "queue-add") fail(`the focus went to ${focused}, not back to the queue row's button`);
    const label = await page.evaluate(() => document.activeElement.getAttribute("aria-label"));
    if (!label.startsWith(`Add ${title} `)) fail(`the queue row's button is named "${label}"`);
    const mine = await page.evaluate(() => fetch("/playlists/mine.json").then((r) => r.json()));
    const pl = mine.playlists.find((p) => p.name === `Queue picks ${run}`);
    if (!pl || pl.count !== 1) fail("the new playlist does not hold one song");
    queuePicks = pl.id;
    const got = await page.evaluate((id) => fetch(`/playlist/${id}`).then((r) => r.text()), pl.id);
    if (!got.includes(`data-track-id="${ids[1]}"`)) fail("the song of the queue row is not in it");
    await button.hover();
    await page.screenshot({ path: join(shots, "playlists-queue.png") });
    await page.locator('#player-queue [data-act="queue-close"]').click();
  });

  await step("remove a song from the keyboard: the live region says so", async () => {
    if (!queuePicks) fail("no playlist from the queue step");
    await page.goto(`${base}/playlist/${queuePicks}`);
    const title = await page.locator("table[data-playlist] tr[data-track-id]").first().getAttribute("data-title");
    await page.getByRole("button", { name: `Remove ${title} from the playlist` }).focus();
    await page.keyboard.press("Enter");
    await page.getByText("No songs yet.").waitFor();
    await page.waitForFunction((t) => (document.getElementById("pl-live") || {}).textContent === t,
      `Removed “${title}”; 0 songs left.`, { timeout: 5000 });
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (focused !== "main") fail(`the focus is on "${focused}", not on the page's main part`);
    await page.goto(`${base}/playlist/${playlistId}`);
  });

  let shareUrl = "";
  await step("the owner sees the share link", async () => {
    shareUrl = await page.locator('a[data-pl="share"]').getAttribute("href");
    if (!/^\/s\/[0-9a-f]{32}$/.test(shareUrl || "")) fail(`share link "${shareUrl}"`);
  });

  await step("the share link opens signed out, read-only", async () => {
    const anon = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p2 = await anon.newPage();
      const res = await p2.goto(`${base}${shareUrl}`);
      if (res.status() !== 200) fail(`status ${res.status()}`);
      if (await p2.locator("#account[data-csrf]").count()) fail("the fresh context is signed in");
      const got = await rowIds(p2);
      if (got.join() !== [ids[0], ids[2], ids[1]].join()) fail(`rows ${got.join()}`);
      for (const sel of [".col-edit", 'form[action*="/items"]', 'form[action$="/edit"]', 'form[action$="/delete"]', ".pl-grip"]) {
        if (await p2.locator(sel).count()) fail(`the shared page has ${sel}`);
      }
      await shoot(p2, "playlists-shared");
    } finally {
      await anon.close();
    }
  });

  report(jsErrors.length === 0, "no JavaScript errors", jsErrors.join("\n"));
  await context.close();
} catch (err) {
  report(false, "the run ended early", err && err.message ? err.message : err);
} finally {
  await browser.close();
}
console.log(`# playlists: ${t.passed} ok, ${t.failed} not ok`);
process.exit(t.failed ? 1 : 0);
