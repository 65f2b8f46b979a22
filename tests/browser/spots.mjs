// spots.mjs [BASE_URL [SCREENSHOT_DIR]] — a sponsor spot between two songs, in Debian's
// chromium driven by playwright-core (htdocs/js/spots.js).  Needs LYRE_TEST_INSTANCE (its
// my.cnf and lyre.conf): the test puts a 3-second MP3 made by ffmpeg into the media store
// and makes it the only active spot, as /plans/spots would.  An anonymous listener (free
// plan) whose player has counted spots_every - 1 songs plays a track; when a song
// completes, the queue pauses, the banner shows "Sponsor · title · Learn more" with a
// Premium link, the spot plays in its own <audio>, and then the queue plays on.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { harness, launchChromium } from "./harness.mjs";

const base = (process.argv[2] || process.env.LYRE_URL || "http://127.0.0.1:8081").replace(/\/$/, "");
const shots = process.argv[3] || process.env.LYRE_SCREENSHOTS || "/tmp";
const inst = process.env.LYRE_TEST_INSTANCE;
mkdirSync(shots, { recursive: true });

const t = harness("spots");
const { step } = t;
function fail(message) { throw new Error(message); }
function sql(q) {
  return execFileSync("mariadb", [`--defaults-file=${inst}/my.cnf`, "--user=root", "-N", "-B", "lyre", "-e", q],
    { encoding: "utf8" }).trim();
}
async function waitFor(page, fn, arg, what, timeout = 15000) {
  try {
    await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch {
    fail(`timed out waiting for ${what}`);
  }
}

let spotId = "";
let track = "";
let every = 4;
const title = `Browser spot ${process.pid}`;
const ok = await step("a 3-second spot is the only active one, and a track has audio", () => {
  if (!inst) fail("LYRE_TEST_INSTANCE is not set");
  const conf = readFileSync(join(inst, "lyre.conf"), "utf8");
  const media = (conf.match(/^\s*media = "([^"]+)";/m) || [])[1] || join(inst, "media");
  const dir = mkdtempSync(join(tmpdir(), "lyre-spot-"));
  const mp3 = join(dir, "spot.mp3");
  execFileSync("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=990:duration=3",
    "-ar", "44100", "-ac", "1", "-b:a", "32k", "-y", mp3]);
  const sha = createHash("sha256").update(readFileSync(mp3)).digest("hex");
  mkdirSync(join(media, "audio", sha.slice(0, 2)), { recursive: true });
  const dest = join(media, "audio", sha.slice(0, 2), `${sha}.mp3`);
  copyFileSync(mp3, dest);
  chmodSync(dest, 0o644);
  sql(`INSERT INTO sponsor_spots (title, body, link_url, audio_sha256, audio_ms)
       VALUES ('${title}', 'A word from a friend.', 'https://example.test/spot', '${sha}', 3000)`);
  spotId = sql(`SELECT MAX(id) FROM sponsor_spots WHERE title = '${title}'`);
  sql(`UPDATE sponsor_spots SET active = (id = ${spotId})`);
  every = Number(sql("SELECT COALESCE(spots_every, 0) FROM plans WHERE code = 'free'"));
  track = sql(`SELECT r.track_id FROM renditions r JOIN tracks t ON t.id = r.track_id
               WHERE t.available = 1 GROUP BY r.track_id ORDER BY MAX(r.duration_ms) DESC LIMIT 1`);
  return spotId !== "" && track !== "" && every > 0;
});

const browser = ok ? await launchChromium() : null;
try {
  if (browser) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const jsErrors = [];
    page.on("pageerror", (err) => jsErrors.push(err.message));
    await page.goto(`${base}/plans`);
    await page.evaluate((n) => window.sessionStorage.setItem("lyre.spots.played", String(n)), every - 1);

    await step("the queue plays a song", async () => {
      await page.evaluate((id) => window.lyrePlayer.play([{ id: Number(id), title: "Spot test", artist: "Lyre" }], 0, ""), track);
      await waitFor(page, () => window.lyrePlayer.state().playing && window.lyrePlayer.audio.currentTime > 0.3,
        null, "the song to play");
    });

    await step("a completed song brings the spot: the queue pauses, the banner shows", async () => {
      await page.evaluate(() => document.dispatchEvent(new CustomEvent("lyre:played",
        { detail: { item: window.lyrePlayer.current(), event: "complete", seconds: 20, context: "" } })));
      await waitFor(page, () => { const b = document.querySelector(".spot-banner"); return b && !b.hidden; },
        null, "the banner");
      const text = await page.evaluate(() => document.querySelector(".spot-banner").innerText);
      if (!/sponsor/i.test(text) || !text.includes(title) || !text.includes("Learn more")) fail(`banner: ${text}`);
      const href = await page.evaluate(() => document.querySelector(".spot-banner .spot-more").href);
      if (href !== "https://example.test/spot") fail(`Learn more goes to ${href}`);
      const premium = await page.evaluate(() => document.querySelector(".spot-banner .spot-premium").getAttribute("href"));
      if (premium !== "/plans") fail(`the Premium link goes to ${premium}`);
      await waitFor(page, () => !window.lyrePlayer.state().playing, null, "the queue to pause");
    });

    await step("the spot plays in its own audio element", async () => {
      await waitFor(page, () => { const a = document.querySelector(".spot-banner audio"); return a && a.currentTime > 0.3; },
        null, "the spot's audio to advance");
      await page.screenshot({ path: join(shots, "spots-banner.png") });
    });

    await step("after the spot, the banner goes and the queue plays on", async () => {
      await waitFor(page, () => document.querySelector(".spot-banner").hidden, null, "the banner to go", 20000);
      await waitFor(page, () => window.lyrePlayer.state().playing, null, "the queue to play again");
    });

    await step("the player's count starts again after a spot", async () => {
      const n = await page.evaluate(() => window.sessionStorage.getItem("lyre.spots.played"));
      if (n !== "0") fail(`count is ${n}`);
    });

    await step("no JavaScript errors", () => jsErrors.length === 0 || fail(jsErrors.join("\n")));
    await ctx.close();
  }
} finally {
  if (browser) await browser.close();
  if (spotId) {
    try { sql(`UPDATE sponsor_spots SET active = 0 WHERE id = ${spotId}`); } catch { /* reported above */ }
  }
}
console.log(`# spots: ${t.passed} ok, ${t.failed} not ok`);
process.exit(t.failed ? 1 : 0);
