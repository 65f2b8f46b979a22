// recommend.mjs [BASE_URL [SCREENSHOT_DIR]] — recommendations in Debian's chromium driven
// by playwright-core, against a running instance (LYRE_TEST_INSTANCE for SQL look-ups):
// a new listener signs up, is sent from /home to /welcome, picks two artists and a genre,
// and Home shows their mixes; a mix page is playable; on the radio page of a song that has
// audio (the player fixture's "Long Walk", or env LYRE_RADIO_TRACK=ID) the real "Start
// radio" button starts it; the sound keeps going while the listener moves to another page
// by clicking; skipping through the queue makes radio.js fetch and queue more songs, never
// one already in the queue; "Don't play this" takes a row away.  Screenshots of /home
// (1280 and 360 px wide) and of the radio page.
// Prints one TAP-like line per check; exits 1 when one fails.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { harness, launchChromium } from "./harness.mjs";

const base = (process.argv[2] || process.env.LYRE_URL || "http://127.0.0.1:8081").replace(/\/$/, "");
const shots = process.argv[3] || process.env.LYRE_SCREENSHOTS || "/tmp";
mkdirSync(shots, { recursive: true });
const instance = process.env.LYRE_TEST_INSTANCE;

const t = harness("recommend");
const { step } = t;
function fail(message) { throw new Error(message); }

const run = `${Date.now() % 1000000}${process.pid % 1000}`;
const user = { name: `rb${run}`, email: `rb${run}@example.test`, password: "amber harbour 57 lanterns" };

function sql(query) {
  if (!instance) return "";
  return execFileSync("mariadb", [`--defaults-file=${instance}/my.cnf`, "--user=root", "-N", "-B", "lyre", "-e", query])
    .toString().trim();
}
// A song with audio: the player fixture's long tone, else any song with a rendition.
const radioTrack = process.env.LYRE_RADIO_TRACK || sql(
  "SELECT t.id FROM tracks t WHERE t.available = 1 AND EXISTS (SELECT 1 FROM renditions r WHERE r.track_id = t.id) " +
  "ORDER BY t.title = 'Long Walk' DESC, t.duration_ms DESC LIMIT 1");

async function waitFor(page, fn, arg, what, timeout = 15000) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch (err) {
    fail(`timed out waiting for ${what}`);
  }
}
async function shoot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(150);
  const width = await page.evaluate(() => document.getElementById("main").scrollWidth);
  await page.screenshot({ path: join(shots, `${name}-360.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  if (width > 360) fail(`${name} is ${width}px wide on a 360px screen`);
}

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const errors = [];
page.on("pageerror", (err) => errors.push(err.message));

try {
  const signedUp = await step("sign up", async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel("User name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByLabel("Password again").fill(user.password);
    await Promise.all([page.waitForURL(`${base}/`), page.getByRole("button", { name: "Create account" }).click()]);
  });
  if (!signedUp) throw new Error("no account to work with");

  await step("For You sends a new listener to /welcome", async () => {
    await Promise.all([page.waitForURL(`${base}/welcome`), page.getByRole("link", { name: "For You" }).click()]);
    if (!(await page.getByRole("group", { name: "Artists" }).isVisible())) fail("no artists to pick");
  });

  await step("picking two artists and a genre shows Home with mixes", async () => {
    const artists = page.locator('fieldset:has(legend:text("Artists")) label.rec-chip');
    const genres = page.locator('fieldset:has(legend:text("Genres")) label.rec-chip');
    if ((await artists.count()) < 2) fail("fewer than 2 artists offered");
    await artists.nth(0).click();
    await artists.nth(1).click();
    if (await genres.count()) await genres.nth(0).click();
    await Promise.all([page.waitForURL(`${base}/home`), page.getByRole("button", { name: "Show my Home" }).click()]);
    await page.getByRole("heading", { name: "Made for you" }).waitFor();
    const mixes = await page.locator(".rec-mixes .rec-card").count();
    if (mixes < 1) fail("no mix card on Home");
    if (!(await page.getByRole("link", { name: "Daily Mix 1" }).isVisible())) fail("no Daily Mix 1");
    await shoot(page, "recommend-home");
  });

  await step("a mix page lists playable songs that say why", async () => {
    await Promise.all([page.waitForURL(`${base}/mix/daily-1`), page.getByRole("link", { name: "Daily Mix 1" }).click()]);
    const rows = await page.locator('table[data-tracklist="mix:daily-1"] tr[data-track-id]').count();
    if (rows < 5) fail(`${rows} rows`);
    const why = await page.locator("td.rec-why").first().textContent();
    if (!why || !why.trim()) fail("no why on a row");
  });

  await step('"Don\'t play this" takes a row away and is stored', async () => {
    const row = page.locator('table[data-tracklist="mix:daily-1"] tr[data-track-id]').first();
    const id = await row.getAttribute("data-track-id");
    await row.locator('form[data-dislike] button').click();
    await waitFor(page, (tid) => !document.querySelector(`table[data-tracklist] tr[data-track-id="${tid}"]`), id, "the row to go");
    if (instance && sql(`SELECT COUNT(*) FROM track_dislikes d JOIN users u ON u.id = d.user_id WHERE u.username = '${user.name}' AND d.track_id = ${id}`) !== "1")
      fail("the dislike is not stored");
  });

  let firstQueue = 0;
  const started = await step("Start radio on a song's radio page plays it (the real button)", async () => {
    if (!radioTrack) fail("no song with audio (set LYRE_RADIO_TRACK)");
    await page.goto(`${base}/radio/track/${radioTrack}`);
    await page.getByRole("link", { name: /^Start .* radio$/ }).click();
    await waitFor(page, (ctx) => window.lyrePlayer && window.lyrePlayer.context === ctx, `radio:track:${radioTrack}`, "the radio context");
    await waitFor(page, () => window.lyrePlayer.audio.currentTime > 1.2, null, "currentTime > 1.2 s", 20000);
    const st = await page.evaluate(() => window.lyrePlayer.state());
    if (st.queue[0] !== String(radioTrack)) fail(`the radio starts with ${st.queue[0]}, not ${radioTrack}`);
    firstQueue = st.queue.length;
    if (firstQueue < 5) fail(`only ${firstQueue} songs queued`);
    await page.screenshot({ path: join(shots, "recommend-radio.png"), fullPage: true });
  });

  if (started) {
    await step("the radio keeps playing while the listener browses", async () => {
      const t0 = await page.evaluate(() => window.lyrePlayer.audio.currentTime);
      await page.evaluate(() => {
        window.__pauses = 0;
        window.lyrePlayer.audio.addEventListener("pause", () => { window.__pauses += 1; });
      });
      await page.getByRole("link", { name: "Browse", exact: true }).click();
      await page.waitForURL(`${base}/browse`);
      await page.waitForTimeout(2500);
      const st = await page.evaluate(() => ({ t: window.lyrePlayer.audio.currentTime, paused: window.lyrePlayer.audio.paused,
        pauses: window.__pauses, ctx: window.lyrePlayer.context }));
      if (st.paused || st.pauses) fail("the audio paused");
      if (!(st.t > t0 + 1.5)) fail(`currentTime ${st.t} after ${t0}`);
      if (st.ctx !== `radio:track:${radioTrack}`) fail(`context is now ${st.ctx}`);
    });

    await step("skipping through the radio queues more songs, none twice", async () => {
      for (let i = 0; i < firstQueue; i++) {
        await page.locator('#player [data-act="next"]').click();
        await page.waitForTimeout(120);
      }
      await waitFor(page, (n) => window.lyrePlayer.state().queue.length > n, firstQueue, "more songs in the queue", 10000);
      const st = await page.evaluate(() => window.lyrePlayer.state());
      const seen = new Set(st.queue);
      if (seen.size !== st.queue.length) fail(`a song is queued twice: ${st.queue.join(",")}`);
      const saved = await page.evaluate(() => JSON.parse(localStorage.getItem("lyre.radio.v1") || "{}"));
      if (!saved.skipped || !saved.skipped.length) fail("no skip remembered");
    });
  }

  await step("no script errors", async () => { if (errors.length) fail(errors.join("\n")); });
} finally {
  await browser.close();
}
console.log(`# recommend: ${t.passed} passed, ${t.failed} failed`);
process.exit(t.failed ? 1 : 0);
