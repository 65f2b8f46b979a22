// queue.mjs [BASE_URL [SCREENSHOT_DIR]] — the play queue shared between the web player and
// the Subsonic apps, in Debian's chromium driven by playwright-core against a running
// instance (LYRE_TEST_BUILD for lyre-admin, LYRE_TEST_INSTANCE for my.cnf).  A listener
// saves a queue through /rest/savePlayQueue as "DSub" and signs in on the web: the bar
// offers "Continue from DSub?" (screenshots at 1280 and 360 px), Continue from the
// keyboard loads the queue at the app's song and position without playing, and a reload
// does not offer it again; another app's queue is offered and dismissed (Escape) without
// touching the player; playing an album on the web saves it, which /rest/getPlayQueue
// shows with changedBy "web"; paused and then saved over by an app, a tab that goes to the
// background does not overwrite the app's queue (409) and offers it instead; dismissed and
// changed here, leaving the page saves the web's queue (sendBeacon); a signed-out visitor
// never asks for the queue.
// Prints one TAP-like line per check; exits 1 when one fails.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { harness, launchChromium } from "./harness.mjs";

const base = (process.argv[2] || process.env.LYRE_URL || "http://127.0.0.1:8081").replace(/\/$/, "");
const shots = process.argv[3] || process.env.LYRE_SCREENSHOTS || "/tmp";
mkdirSync(shots, { recursive: true });
const build = process.env.LYRE_TEST_BUILD;
const instance = process.env.LYRE_TEST_INSTANCE;

const t = harness("queue");
const { report, step } = t;
function fail(message) { throw new Error(message); }

const run = `${Date.now() % 1000000}${process.pid % 1000}`;
const user = { name: `qb${run}`, password: "amber harbour 31 gulls" };

function sql(query) {
  return execFileSync("mariadb", [`--defaults-file=${instance}/my.cnf`, "--user=root",
    "--default-character-set=utf8mb4", "-N", "-B", "lyre", "-e", query]).toString().trim();
}
const rows = (query) => sql(query).split("\n").filter(Boolean).map((l) => l.split("\t"));

// /rest/NAME.view signed with the listener's API key, as the app CLIENT; JSON answers.
let apiKey = "";
async function rest(request, client, method, params) {
  const q = new URLSearchParams({ apiKey, c: client, v: "1.16.1", f: "json" });
  for (const [k, v] of params || []) q.append(k, String(v));
  const r = await request.get(`${base}/rest/${method}.view?${q}`);
  const body = await r.json().catch(() => null);
  const out = body && body["subsonic-response"];
  if (!out || out.status !== "ok") fail(`${method}: ${r.status()} ${JSON.stringify(body).slice(0, 300)}`);
  return out;
}
const saveAs = (request, client, ids, current, positionMs) =>
  rest(request, client, "savePlayQueue", [...ids.map((id) => ["id", id]), ["current", current], ["position", positionMs]]);

async function waitFor(page, fn, arg, what, timeout = 15000) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch {
    fail(`timed out waiting for ${what}`);
  }
}

const browser = await launchChromium();
try {
  if (!build || !instance) fail("LYRE_TEST_BUILD and LYRE_TEST_INSTANCE must be set");
  execFileSync(`${build}/tools/lyre-admin`, ["-c", `${instance}/lyre.conf`, "user", "add", user.name,
    `${user.name}@example.org`, "--password-stdin", "--verified"], { input: `${user.password}\n` });
  apiKey = `lyre_qb${run}${randomBytes(18).toString("hex")}`;
  sql(`INSERT INTO app_passwords (user_id, kind, name, key_sha256) SELECT id, 'apikey', 'queue browser test', ` +
    `'${createHash("sha256").update(apiKey).digest("hex")}' FROM users WHERE username = '${user.name}'`);

  // Songs for the app's queue, and an album to play on the web (the player test's fixture
  // album when there is one: real sound; else any album of two songs or more).
  const songs = rows("SELECT id, title FROM tracks WHERE available = 1 ORDER BY id LIMIT 3");
  if (songs.length < 3) fail("fewer than three playable songs");
  const [album] = rows("SELECT al.id FROM albums al JOIN tracks t ON t.album_id = al.id AND t.available = 1 " +
    "GROUP BY al.id HAVING COUNT(*) >= 2 ORDER BY MAX(al.title = 'Player Test Album') DESC, al.id LIMIT 1");
  if (!album) fail("no album with two playable songs");

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const jsErrors = [];
  page.on("pageerror", (err) => jsErrors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/^Failed to load resource/.test(msg.text())) jsErrors.push(msg.text());
  });
  page.on("response", (r) => {
    if (r.status() >= 500) jsErrors.push(`${r.status()} from ${r.url()}`);
    if (r.url().endsWith("/library/queue") && ![200, 409].includes(r.status())) jsErrors.push(`${r.status()} from ${r.url()}`);
  });
  const prompt = page.locator("#player .player-handoff");

  await step("the app (DSub) saves a queue: three songs, the second current, at 1:23", async () => {
    await saveAs(page.request, "DSub", songs.map((s) => s[0]), songs[1][0], 83000);
    const q = (await rest(page.request, "DSub", "getPlayQueue")).playQueue;
    if (!q || q.changedBy !== "DSub") fail(`getPlayQueue: ${JSON.stringify(q)}`);
  });

  await step("sign in", async () => {
    await page.goto(`${base}/login`);
    await page.locator('main input[name="login"]').fill(user.name);
    await page.locator('main input[name="password"]').fill(user.password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")),
      page.locator('main form button[type="submit"]').first().click()]);
    await page.locator("#account[data-csrf]").waitFor({ state: "attached" });
  });

  await step('the player bar offers "Continue from DSub?" with the song and the position', async () => {
    await prompt.waitFor({ state: "visible" });
    const text = (await prompt.innerText()).replace(/\s+/g, " ");
    if (!text.includes("Continue from DSub?")) fail(`prompt says "${text}"`);
    if (!text.includes(songs[1][1]) || !text.includes("1:23")) fail(`prompt lacks the song or 1:23: "${text}"`);
    const group = await prompt.getAttribute("role");
    if (group !== "group") fail(`role ${group}`);
    await page.waitForTimeout(400);   // the fade-in
    await page.screenshot({ path: join(shots, "queue-continue.png") });
    await page.setViewportSize({ width: 360, height: 780 });
    await page.waitForTimeout(200);
    const box = await prompt.boundingBox();
    await page.screenshot({ path: join(shots, "queue-continue-360.png") });
    await page.setViewportSize({ width: 1280, height: 800 });
    if (!box || box.x < 0 || box.x + box.width > 360) fail(`prompt overflows a 360px screen: ${JSON.stringify(box)}`);
  });

  await step("Continue (Enter from the keyboard): the app's queue at its song and position, not playing", async () => {
    const before = await page.evaluate(() => window.lyrePlayer.state().playId);
    await prompt.getByRole("button", { name: "Continue" }).focus();
    await page.keyboard.press("Enter");
    await prompt.waitFor({ state: "detached" });
    const s = await page.evaluate(() => window.lyrePlayer.state());
    const cur = await page.evaluate(() => window.lyrePlayer.current());
    if (s.queue.join() !== songs.map((x) => x[0]).join()) fail(`queue ${s.queue.join()}`);
    if (!cur || cur.id !== songs[1][0] || s.index !== 1) fail(`current ${JSON.stringify(cur)} at ${s.index}`);
    if (Math.abs(s.position - 83) > 0.5) fail(`position ${s.position}`);
    if (s.playing) fail("it plays without being asked");
    if (s.playId !== before) fail("a play began");
    const title = await page.locator("#player .player-title").innerText();
    if (title.trim() !== songs[1][1]) fail(`the bar shows "${title}"`);
    const focus = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("data-act"));
    if (focus !== "play") fail(`focus on ${focus}, not Play`);
  });

  await step("nothing was saved back by merely continuing (the app's queue stands)", async () => {
    const q = (await rest(page.request, "DSub", "getPlayQueue")).playQueue;
    if (q.changedBy !== "DSub") fail(`changedBy ${q.changedBy}`);
  });

  await step("a reload does not offer the same queue again", async () => {
    await page.reload();
    await page.locator("#account[data-csrf]").waitFor({ state: "attached" });
    await page.waitForTimeout(1500);
    if (await prompt.count()) fail("offered again");
  });

  await step('another app\'s save is offered ("Continue from Symfonium?"); Escape dismisses it, the player untouched', async () => {
    await saveAs(page.request, "Symfonium", [songs[2][0], songs[0][0]], songs[0][0], 5000);
    await page.reload();
    await prompt.waitFor({ state: "visible" });
    const text = (await prompt.innerText()).replace(/\s+/g, " ");
    if (!text.includes("Continue from Symfonium?")) fail(`prompt says "${text}"`);
    await prompt.getByRole("button", { name: "Dismiss" }).focus();
    await page.keyboard.press("Escape");
    await prompt.waitFor({ state: "detached" });
    const s = await page.evaluate(() => window.lyrePlayer.state());
    if (s.queue.join() !== songs.map((x) => x[0]).join() || s.index !== 1) fail(`queue changed: ${s.queue.join()} at ${s.index}`);
    await page.reload();
    await page.locator("#account[data-csrf]").waitFor({ state: "attached" });
    await page.waitForTimeout(1500);
    if (await prompt.count()) fail("a dismissed queue is offered again");
  });

  let albumIds = [];
  await step("playing an album on the web saves it: getPlayQueue shows it, changedBy web", async () => {
    await page.goto(`${base}/album/${album[0]}`);
    albumIds = await page.$$eval("main [data-tracklist] [data-track-id]", (r) => r.map((n) => n.dataset.trackId));
    if (albumIds.length < 2) fail(`album ${album[0]} shows ${albumIds.length} songs`);
    await page.locator('main [data-player="play-list"]').first().click();
    let q = null;
    for (let i = 0; i < 50; i++) {
      q = (await rest(page.request, "DSub", "getPlayQueue")).playQueue;
      if (q && q.changedBy === "web") break;
      await page.waitForTimeout(200);
    }
    if (!q || q.changedBy !== "web") fail(`getPlayQueue: ${JSON.stringify(q).slice(0, 300)}`);
    const ids = q.entry.map((e) => String(e.id));
    if (ids.join() !== albumIds.join()) fail(`entries ${ids.join()}, album ${albumIds.join()}`);
    if (!albumIds.includes(String(q.current))) fail(`current ${q.current}`);
    const web = await (await page.request.get(`${base}/library/queue`)).json();
    if (web.changed_by !== "web" || web.items.map((x) => String(x.id)).join() !== albumIds.join()) fail(`/library/queue ${JSON.stringify(web).slice(0, 200)}`);
  });

  await step("paused here, then saved over by an app: a tab going to the background keeps the app's queue and offers it", async () => {
    await page.evaluate(() => window.lyrePlayer.pause());
    await page.waitForTimeout(1000);
    // The sound may have failed over to the next song meanwhile (no audio): let it settle.
    await waitFor(page, () => !window.lyrePlayer.state().playing, null, "the player to stop");
    await page.waitForTimeout(3000);
    await saveAs(page.request, "DSub", [songs[0][0], songs[2][0]], songs[2][0], 1000);
    // A change here since the pause, so leaving has something to save.
    await page.evaluate((id) => window.lyrePlayer.add([{ id, title: "Queued later" }]), songs[0][0]);
    const saved = page.waitForResponse((r) => r.url().endsWith("/library/queue") && r.request().method() === "POST");
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
      delete document.visibilityState;
    });
    const r = await saved;
    if (r.status() !== 409) fail(`the background save answered ${r.status()}`);
    const q = (await rest(page.request, "DSub", "getPlayQueue")).playQueue;
    if (q.changedBy !== "DSub" || q.entry.map((e) => String(e.id)).join() !== `${songs[0][0]},${songs[2][0]}`) fail(`overwritten: ${JSON.stringify(q).slice(0, 200)}`);
    await prompt.waitFor({ state: "visible" });
  });

  await step("dismissed, then changed here: leaving the page saves the web's queue with a beacon", async () => {
    await prompt.getByRole("button", { name: "Dismiss" }).click();
    await prompt.waitFor({ state: "detached" });
    await page.evaluate((id) => window.lyrePlayer.add([{ id, title: "Queued last" }]), songs[2][0]);
    const want = await page.evaluate(() => window.lyrePlayer.state().queue.join());
    await page.goto(`${base}/`);            // a full load: pagehide
    let q = null;
    for (let i = 0; i < 50; i++) {
      q = (await rest(page.request, "DSub", "getPlayQueue")).playQueue;
      if (q && q.changedBy === "web") break;
      await page.waitForTimeout(200);
    }
    if (!q || q.changedBy !== "web") fail(`getPlayQueue: ${JSON.stringify(q).slice(0, 300)}`);
    const ids = q.entry.map((e) => String(e.id)).join();
    if (ids !== want) fail(`entries ${ids}, the page had ${want}`);
    await page.waitForTimeout(1000);
    if (await prompt.count()) fail("the web's own queue is offered back");
  });

  await step("a signed-out visitor never asks for the queue and gets no prompt", async () => {
    const anon = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await anon.newPage();
    let asked = 0;
    p.on("request", (r) => { if (r.url().includes("/library/queue")) asked++; });
    await p.goto(`${base}/`);
    await p.waitForTimeout(1500);
    const shown = await p.locator("#player .player-handoff").count();
    await anon.close();
    if (asked || shown) fail(`${asked} requests, ${shown} prompts`);
  });

  report(jsErrors.length === 0, "no script errors, no 5xx, no refused queue requests", jsErrors.join("\n"));
  await context.close();
} catch (err) {
  report(false, "the run finished", err && err.stack ? err.stack : err);
} finally {
  await browser.close();
}
console.log(`# queue: ${t.passed} ok, ${t.failed} not ok`);
process.exit(t.failed ? 1 : 0);
