// player.mjs [BASE_URL [SCREENSHOT_DIR]] — the player that never stops, in Debian's chromium
// driven by playwright-core, against a running instance (BASE_URL or env LYRE_URL;
// screenshots to SCREENSHOT_DIR or env LYRE_SCREENSHOTS, default /tmp).
// Finds an album whose song has an HLS ladder (or env LYRE_PLAYER_ALBUM=/album/N), clicks
// the real play button (a play() from page.evaluate would count as a user gesture and
// prove nothing), checks the sound advances through hls.js, switches the HLS level,
// moves to two other pages by clicking (boosted: no reload, no 'pause' event, time keeps
// going), the keyboard, the queue, play events, and that a reload restores the queue and
// the position.  Prints one TAP-like line per check; exits 1 when one fails.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { harness, launchChromium } from "./harness.mjs";

const base = (process.argv[2] || process.env.LYRE_URL || "http://127.0.0.1:8081").replace(/\/$/, "");
const shots = process.argv[3] || process.env.LYRE_SCREENSHOTS || "/tmp";
mkdirSync(shots, { recursive: true });

const t = harness("player");
const { report, step } = t;
function fail(message) { throw new Error(message); }

const browser = await launchChromium();

const player = {
  time: (page) => page.evaluate(() => window.lyrePlayer.audio.currentTime),
  state: (page) => page.evaluate(() => window.lyrePlayer.state()),
};
async function waitFor(page, fn, arg, what, timeout = 15000) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch {
    fail(`timed out waiting for ${what}`);
  }
}

// An album page with a song that has an HLS ladder and lasts long enough to browse
// while it plays.
async function findAlbum(request) {
  if (process.env.LYRE_PLAYER_ALBUM) return process.env.LYRE_PLAYER_ALBUM;
  const home = await (await request.get(`${base}/`)).text();
  const albums = [...new Set([...home.matchAll(/href="(\/album\/\d+)"/g)].map((m) => m[1]))].slice(0, 24);
  for (const path of albums) {
    const html = await (await request.get(`${base}${path}`)).text();
    // One probe per album: its first song of a minute or more.
    const long = [...html.matchAll(/data-track-id="(\d+)"[^>]*?data-duration-ms="(\d+)"/g)]
      .find((m) => Number(m[2]) >= 60000);
    if (!long) continue;
    const master = await request.get(`${base}/hls/${long[1]}/master.m3u8`);
    if (master.status() === 200) return path;
  }
  return null;
}

try {
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  desktop.setDefaultTimeout(15000);
  const page = await desktop.newPage();
  const jsErrors = [];
  const events = [];
  page.on("pageerror", (err) => jsErrors.push(err.message));
  page.on("console", (msg) => { if (msg.type() === "error") jsErrors.push(msg.text()); });
  page.on("request", (req) => {
    if (req.method() === "POST" && new URL(req.url()).pathname === "/stream/events") {
      events.push(Object.fromEntries(new URLSearchParams(req.postData() || "")));
    }
  });
  let loads = 0;
  page.on("load", () => { loads++; });

  let album = null;
  let row = null;        // the row whose play button is clicked
  const ok = await step("an album with a streamable song is there", async () => {
    album = await findAlbum(desktop.request);
    if (!album) fail("no album on the home page has a song of a minute or more with /hls/{id}/master.m3u8");
    const response = await page.goto(`${base}${album}`);
    if (response.status() !== 200) fail(`${album}: status ${response.status()}`);
    await page.locator("#player").waitFor({ state: "visible" });
    const id = await page.evaluate(async () => {
      for (const r of document.querySelectorAll("tr[data-track-id]")) {
        if (Number(r.dataset.durationMs) < 60000) continue;
        const res = await fetch(`/hls/${r.dataset.trackId}/master.m3u8`);
        if (res.ok) return r.dataset.trackId;
      }
      return null;
    });
    if (!id) fail(`${album} has no streamable song of a minute or more`);
    row = page.locator(`tr[data-track-id="${id}"]`);
  });
  if (!ok) throw new Error("nothing to play");

  // Every pause from now on is recorded, on both decks (the current and the preloaded).
  await page.evaluate(() => {
    window.__pauses = [];
    window.__sameDocument = true;
    for (const a of window.lyrePlayer.decks) {
      a.addEventListener("pause", () => window.__pauses.push({ t: a.currentTime, at: Date.now() }));
    }
  });

  await step("clicking a song's play button plays it (currentTime advances)", async () => {
    await row.hover();
    await row.locator('[data-player="play-row"]').click();
    await waitFor(page, () => window.lyrePlayer.audio.currentTime > 1.5, null, "currentTime > 1.5 s");
    const st = await player.state(page);
    if (!st.playing) fail("the player does not say it is playing");
    const label = await page.locator('#player [data-act="play"]').getAttribute("aria-label");
    if (label !== "Pause") fail(`the bar's play button is labelled "${label}"`);
  });

  await step("chromium plays through hls.js (not native HLS, not the plain file)", async () => {
    const mode = await page.evaluate(() => window.lyrePlayer.mode);
    if (mode !== "hls") fail(`mode is "${mode}"`);
  });

  await step("the seek bar is a range input with a spoken position", async () => {
    const seek = page.getByRole("slider", { name: "Seek" });
    const text = await seek.getAttribute("aria-valuetext");
    if (!/^\d+:\d\d of \d+:\d\d$/.test(text || "")) fail(`aria-valuetext is "${text}"`);
  });

  await step("switching the HLS level keeps playing at the new bitrate", async () => {
    const levels = await page.evaluate(() => window.lyrePlayer.levels());
    if (levels.length < 2) fail(`only ${levels.length} level(s): ${levels.join(", ")}`);
    const before = await page.evaluate(() => window.lyrePlayer.level);
    const target = levels.findIndex((kbps) => kbps !== before);
    await page.evaluate((i) => window.lyrePlayer.setLevel(i), target);
    await waitFor(page, (kbps) => window.lyrePlayer.level === kbps, levels[target], `level ${levels[target]} kbps`);
    const t0 = await player.time(page);
    await waitFor(page, (t) => window.lyrePlayer.audio.currentTime > t + 1, t0, "time to advance after the switch");
    await page.screenshot({ path: join(shots, "player-desktop.png") });
  });

  await step("Media Session: the song's title, artist and artwork; playing", async () => {
    const want = await row.getAttribute("data-title");
    const ms = await page.evaluate(() => {
      const m = navigator.mediaSession;
      return m && m.metadata ? { title: m.metadata.title, artist: m.metadata.artist,
        artwork: m.metadata.artwork.length, state: m.playbackState } : null;
    });
    if (!ms) fail("no MediaMetadata");
    if (ms.title !== want || !ms.artist || ms.artwork < 1 || ms.state !== "playing") fail(JSON.stringify(ms));
  });

  await step("the seek bar draws the buffered ranges", async () => {
    await waitFor(page, () => /gradient/.test(document.querySelector('#player [data-el="buffered"]').style.background),
      null, "a buffered range");
  });

  await step("play events: a start with a 32-hex play_id was posted", async () => {
    await waitFor(page, () => true, null, "");
    const start = events.find((e) => e.event === "start");
    if (!start) fail(`events seen: ${JSON.stringify(events)}`);
    if (!/^[0-9a-f]{32}$/.test(start.play_id)) fail(`play_id "${start.play_id}"`);
    if (!/^\d+$/.test(start.track_id) || !/^\d+$/.test(start.position_ms)) fail(JSON.stringify(start));
  });

  let tBeforeNav = 0;
  await step("clicking to two other pages keeps the same document and the sound going", async () => {
    tBeforeNav = await player.time(page);
    const loadsBefore = loads;
    const artistLink = page.locator("main .hero-by a").first();
    const artistHref = await artistLink.getAttribute("href");
    await Promise.all([page.waitForURL(`**${artistHref}`), artistLink.click()]);
    await page.locator("main h1").first().waitFor();
    await page.waitForTimeout(1500);
    const home = page.locator('nav.mainnav a[href="/"]');
    await Promise.all([page.waitForURL(`${base}/`), home.click()]);
    await page.locator("main h1").first().waitFor();
    await page.waitForTimeout(1500);
    if (loads !== loadsBefore) fail(`${loads - loadsBefore} full page load(s) happened`);
    const same = await page.evaluate(() => window.__sameDocument === true);
    if (!same) fail("the document was replaced");
    const title = await page.title();
    if (!/Lyre/.test(title)) fail(`title after navigation: ${title}`);
  });

  await step("the audio never paused and currentTime kept advancing", async () => {
    const pauses = await page.evaluate(() => window.__pauses);
    const t = await player.time(page);
    const paused = await page.evaluate(() => window.lyrePlayer.audio.paused);
    if (pauses.length) fail(`${pauses.length} pause event(s): ${JSON.stringify(pauses)}`);
    if (paused) fail("the audio is paused");
    if (!(t > tBeforeNav + 2)) fail(`currentTime ${t} vs ${tBeforeNav} before navigating`);
  });

  await step("back and forward move through the history without a reload", async () => {
    const loadsBefore = loads;
    await page.goBack();
    await page.waitForURL(/\/artist\//);
    await page.locator("main h1").first().waitFor();
    await page.goForward();
    await page.waitForURL(`${base}/`);
    if (loads !== loadsBefore) fail("a full page load happened");
    const pauses = await page.evaluate(() => window.__pauses.length);
    if (pauses) fail(`${pauses} pause event(s)`);
  });

  await step("keyboard: space pauses and plays again (not while typing)", async () => {
    await page.locator("main h1").first().click();
    await page.keyboard.press("Space");
    await waitFor(page, () => window.lyrePlayer.audio.paused, null, "pause after Space", 5000);
    await page.keyboard.press("Space");
    await waitFor(page, () => !window.lyrePlayer.audio.paused, null, "play after Space", 5000);
    await page.locator("#q").click();
    await page.keyboard.press("Space");
    await page.waitForTimeout(300);
    if (await page.evaluate(() => window.lyrePlayer.audio.paused)) fail("a space typed in the search box paused");
    await page.locator("#q").fill("");
    await page.locator("main h1").first().click();
  });

  await step("keyboard: ? opens the shortcuts dialog, Escape closes it", async () => {
    await page.keyboard.press("Shift+Slash");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor({ state: "visible", timeout: 3000 });
    await page.screenshot({ path: join(shots, "player-help.png") });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", timeout: 3000 });
  });

  await step("queue: Play next from a row's menu, keyboard reorder, Q toggles the panel", async () => {
    await page.goBack();
    await page.waitForURL(/\/artist\//);
    await page.goBack();
    await page.waitForURL(`**${album}`);
    await page.locator("tr[data-track-id]").first().waitFor();
    const rows = page.locator("tr[data-track-id]");
    if ((await rows.count()) < 3) return true;   // too short an album to reorder
    const st0 = await player.state(page);
    const third = rows.nth(2);
    const thirdId = await third.getAttribute("data-track-id");
    await third.hover();
    await third.locator('[data-player="menu"]').click();
    const menu = page.getByRole("menu");
    await menu.waitFor({ state: "visible" });
    await page.keyboard.press("Enter");           // the first item, focused: Play next
    await menu.waitFor({ state: "hidden" });
    const st1 = await player.state(page);
    if (st1.queue[st1.index + 1] !== thirdId) fail(`after Play next: ${JSON.stringify(st1)}`);
    if (st1.queue.length !== st0.queue.length + 1) fail("the queue did not grow by one");
    await page.locator("main h1").first().click();
    await page.keyboard.press("q");
    const panel = page.getByRole("complementary", { name: "Queue" });
    await panel.waitFor({ state: "visible" });
    await panel.getByRole("button", { name: /^Move .* down$/ }).first().click();
    const st2 = await player.state(page);
    if (st2.queue[st2.index + 2] !== thirdId) fail(`after Move down: ${JSON.stringify(st2)}`);
    const focused = await page.evaluate(() => document.activeElement.getAttribute("aria-label") || "");
    if (!/^Move .* (down|up)$/.test(focused) && !/^Play /.test(focused)) fail(`focus went to "${focused}"`);
    await page.screenshot({ path: join(shots, "player-queue.png") });
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
  });

  await step("Next skips: a skip event for the old play, a start for the new one", async () => {
    const before = await player.state(page);
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await waitFor(page, (i) => window.lyrePlayer.state().index === i + 1 &&
      window.lyrePlayer.audio.currentTime > 0.5, before.index, "the next song to play");
    await waitFor(page, () => true, null, "");
    const skip = events.find((e) => e.event === "skip" && e.play_id === before.playId);
    if (!skip) fail(`no skip for ${before.playId}: ${JSON.stringify(events)}`);
    const after = await player.state(page);
    await page.waitForTimeout(500);
    if (!events.find((e) => e.event === "start" && e.play_id === after.playId)) fail("no start for the new play");
  });

  await step("a reload restores the queue and the position, and play resumes there", async () => {
    await page.waitForTimeout(2500);
    const before = await player.state(page);
    const title = await page.locator("#player .player-title").textContent();
    await page.reload();
    await page.locator("#player").waitFor({ state: "visible" });
    const after = await player.state(page);
    if (JSON.stringify(after.queue) !== JSON.stringify(before.queue) || after.index !== before.index) {
      fail(`queue ${JSON.stringify(after)} vs ${JSON.stringify(before)}`);
    }
    if (Math.abs(after.position - before.position) > 3) fail(`position ${after.position} vs ${before.position}`);
    const title2 = await page.locator("#player .player-title").textContent();
    if (title2 !== title) fail(`the bar shows "${title2}", not "${title}"`);
    await page.locator('#player [data-act="play"]').click();
    await waitFor(page, () => window.lyrePlayer.audio.currentTime > 0 && !window.lyrePlayer.audio.paused, null, "play after reload");
    const t = await player.time(page);
    if (t < before.position - 2) fail(`resumed at ${t}, the position was ${before.position}`);
  });

  await step("no JavaScript errors (CSP: no eval, no inline script)", async () => {
    const bad = jsErrors.filter((m) => !/favicon/.test(m));
    if (bad.length) fail(bad.join("\n"));
  });
  await desktop.close();

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  phone.setDefaultTimeout(15000);
  const mobile = await phone.newPage();
  await step("390px phone: the compact bar plays and fits the width", async () => {
    await mobile.goto(`${base}${album}`);
    await mobile.locator(".actions-bar .play-big").tap();
    await waitFor(mobile, () => window.lyrePlayer.audio.currentTime > 0.5, null, "playback on the phone");
    const width = await mobile.evaluate(() => document.documentElement.scrollWidth);
    await mobile.screenshot({ path: join(shots, "player-phone.png") });
    if (width > 390) fail(`page is ${width}px wide`);
  });
  await step("390px phone: the full player opens with every control", async () => {
    await mobile.getByRole("button", { name: "Open the full player" }).tap();
    for (const name of ["Shuffle", "Previous", "Pause", "Next", "Queue"]) {
      if (!(await mobile.getByRole("button", { name, exact: true }).first().isVisible())) fail(`no visible ${name}`);
    }
    await mobile.screenshot({ path: join(shots, "player-phone-open.png") });
    await mobile.getByRole("button", { name: "Close the full player" }).tap();
  });
  await phone.close();
} catch (err) {
  report(false, "the player test ran to its end", err && err.message ? err.message : err);
} finally {
  await browser.close();
}

console.log(`# player: ${t.passed} passed, ${t.failed} failed; screenshots in ${shots}`);
process.exit(t.failed ? 1 : 0);
