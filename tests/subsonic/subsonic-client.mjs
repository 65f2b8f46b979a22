// tests/subsonic/subsonic-client.mjs BASE_URL — a real Subsonic client library from npm
// (subsonic-api, the one package of tests/subsonic/package.json: `npm ci` there) run
// against a Lyre instance, the way an app uses it: token authentication (u, t =
// md5(app password + s), s) with an app password made on /account/apps, every call as
// /rest/NAME.view with f=json.  It browses (getArtists, getAlbum, search3), fetches a
// stream through the client (following the hand-off to the web server) and a cover,
// stars a song, scrobbles it, makes a playlist and saves a play queue.
// Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf) and LYRE_TEST_BUILD (tools/lyre-admin).
// Prints "ok - ..." / "not ok - ..." lines; exits non-zero on any failure.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { SubsonicAPI } from "subsonic-api";

const BASE = process.argv[2] || "http://127.0.0.1:8081";
const INST = process.env.LYRE_TEST_INSTANCE;
const BUILD = process.env.LYRE_TEST_BUILD;
const LABEL = process.env.LABEL || "subsonic-client";
if (!INST || !BUILD) {
    console.log(`not ok - ${LABEL}: LYRE_TEST_INSTANCE and LYRE_TEST_BUILD are set`);
    process.exit(1);
}
const PASSWORD = "violet kettle 42 drums";
const USER = `sc${Date.now() % 1000000}${process.pid % 1000}`;

let failed = 0, passed = 0;
function ok(cond, name, detail) {
    if (cond) {
        passed++;
        console.log(`ok - ${LABEL}: ${name}`);
    } else {
        failed++;
        console.log(`not ok - ${LABEL}: ${name}`);
        if (detail !== undefined)
            console.log(`#   ${String(typeof detail === "string" ? detail : JSON.stringify(detail)).slice(0, 600)}`);
    }
}
async function test(name, fn) {
    try {
        const r = await fn();
        ok(r === true || r === undefined, name, r);
    } catch (e) {
        ok(false, name, e && e.stack ? e.stack : String(e));
    }
}

function sql(q) {
    return execFileSync("mariadb", [`--defaults-file=${INST}/my.cnf`, "--user=root", "--default-character-set=utf8mb4",
        "-N", "-B", "lyre", "-e", q], { encoding: "utf8" }).trim();
}

// ---------------------------------------------------------------- a web session (cookies by hand)
const jar = new Map();
async function web(path, form) {
    const headers = { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") };
    let body;
    if (form) {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(form).toString();
    }
    const res = await fetch(BASE + path, { method: form ? "POST" : "GET", headers, body, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const i = pair.indexOf("=");
        jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    return { status: res.status, text: await res.text() };
}

// An account, signed in on the web, and an app password made on /account/apps (the page
// shows it once).  Falls back to an API key written to the database if the page fails,
// so the rest still runs (the first test says which).
async function credentials() {
    execFileSync(`${BUILD}/tools/lyre-admin`, ["-c", `${INST}/lyre.conf`, "user", "add", USER, `${USER}@example.test`,
        "--password-stdin", "--verified"], { input: PASSWORD + "\n", stdio: ["pipe", "ignore", "inherit"] });
    await web("/login");
    const login = await web("/login", { csrf: jar.get("lyre_csrf") || "", login: USER, password: PASSWORD });
    if (login.status !== 303)
        throw new Error(`sign-in answered ${login.status}`);
    const page = await web("/account/apps");
    const csrf = (page.text.match(/data-csrf="([0-9a-f]{64})"/) || [])[1];
    const made = await web("/account/apps", { csrf: csrf || "", name: "subsonic-api test", kind: "password" });
    const secret = (made.text.match(/\b[a-z2-9]{24}\b/) || [])[0];
    if (made.status === 200 && secret)
        return { username: USER, password: secret };
    const key = "lyre_" + randomBytes(32).toString("base64url");
    sql(`INSERT INTO app_passwords (user_id, kind, name, key_sha256) SELECT id, 'apikey', 'subsonic-api test', ` +
        `'${createHash("sha256").update(key).digest("hex")}' FROM users WHERE username = '${USER}'`);
    return { apiKey: key, why: `/account/apps answered ${made.status}${secret ? "" : " without a secret"}` };
}

// ---------------------------------------------------------------- the run
const auth = await credentials().catch(e => ({ error: e }));
if (auth.error) {
    ok(false, "an account and an app password for the client", auth.error.stack);
    process.exit(1);
}
ok(!auth.apiKey, "an app password made on /account/apps, used with token authentication", auth.why);
const api = new SubsonicAPI({ url: BASE, auth: auth.apiKey ? { apiKey: auth.apiKey } : auth });

const track = sql(`SELECT r.track_id FROM renditions r JOIN tracks t ON t.id = r.track_id WHERE t.available = 1
    GROUP BY r.track_id ORDER BY MAX(t.title = 'Stream Test Tone') DESC, COUNT(*) DESC, r.track_id LIMIT 1`);
const album = sql(`SELECT album_id FROM tracks WHERE id = ${Number(track) || 0}`);

await test("ping", async () => {
    const r = await api.ping();
    return r.status === "ok" && r.openSubsonic === true || r;
});
await test("a wrong password is refused (error 40)", async () => {
    const bad = new SubsonicAPI({ url: BASE, auth: { username: USER, password: "not-the-app-password" } });
    const r = await bad.ping();
    return r.status === "failed" && r.error.code === 40 || r;
});
await test("getArtists: an index of artists", async () => {
    const r = await api.getArtists();
    const index = r.artists && r.artists.index;
    return Array.isArray(index) && index.length > 0 && Array.isArray(index[0].artist) && !!index[0].artist[0].name || r;
});
await test("getAlbum: the album of the test track, its songs as an array", async () => {
    const r = await api.getAlbum({ id: album });
    const a = r.album;
    return a && a.id === album && Array.isArray(a.song) && a.song.length === a.songCount && a.song.some(s => s.id === track)
        && a.created instanceof Date || r;
});
await test("search3: finds the test track by title", async () => {
    const title = sql(`SELECT title FROM tracks WHERE id = ${Number(track) || 0}`);
    const r = await api.search3({ query: title, songCount: 10, artistCount: 0, albumCount: 0 });
    return r.searchResult3 && Array.isArray(r.searchResult3.song) && r.searchResult3.song.some(s => s.id === track) || r;
});
await test("stream: the client follows the hand-off and gets MP3 bytes", async () => {
    const res = await api.stream({ id: track, maxBitRate: 96 });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const size = Number(sql(`SELECT bytes FROM renditions WHERE track_id = ${Number(track) || 0} ORDER BY bitrate_kbps LIMIT 1`));
    const mp3 = (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) || (bytes[0] === 0x49 && bytes[1] === 0x44);
    return res.status === 200 && /^audio\/mpeg/.test(res.headers.get("content-type") || "") && bytes.length === size && mp3
        || `status ${res.status}, ${res.headers.get("content-type")}, ${bytes.length} bytes (want ${size})`;
});
await test("getCoverArt: an image", async () => {
    const res = await api.getCoverArt({ id: `al-${album}`, size: 300 });
    const n = (await res.arrayBuffer()).byteLength;
    return res.status === 200 && /^image\//.test(res.headers.get("content-type") || "") && n > 0
        || `status ${res.status}, ${res.headers.get("content-type")}, ${n} bytes`;
});
await test("star, then getStarred2 lists the song", async () => {
    const s = await api.star({ id: track });
    const r = await api.getStarred2();
    return s.status === "ok" && r.starred2 && Array.isArray(r.starred2.song)
        && r.starred2.song.some(x => x.id === track && x.starred instanceof Date) || { s, r };
});
await test("scrobble: a play event of the client 'subsonic'", async () => {
    const r = await api.scrobble({ id: track, submission: true, time: Date.now() - 60000 });
    const n = sql(`SELECT COUNT(*) FROM play_events pe JOIN users u ON u.id = pe.user_id
        WHERE u.username = '${USER}' AND pe.client = 'subsonic' AND pe.track_id = ${Number(track) || 0}`);
    return r.status === "ok" && Number(n) === 2 || { r, n };
});
await test("createPlaylist, then getPlaylist has the songs", async () => {
    const c = await api.createPlaylist({ name: "From the npm client", songId: [track, track] });
    const id = c.playlist && c.playlist.id;
    const r = await api.getPlaylist({ id });
    return r.playlist && r.playlist.songCount === 2 && Array.isArray(r.playlist.entry) && r.playlist.entry.length === 2
        && r.playlist.changed instanceof Date || { c, r };
});
await test("savePlayQueue, then getPlayQueue", async () => {
    const s = await api.savePlayQueue({ id: [track], current: track, position: 1500 });
    const r = await api.getPlayQueue();
    return s.status === "ok" && r.playQueue && r.playQueue.position === 1500 && r.playQueue.changedBy === "subsonic-api"
        && r.playQueue.entry.length === 1 || { s, r };
});

await test("the same client in POST mode (OpenSubsonic formPost): getPlaylists", async () => {
    const posting = new SubsonicAPI({ url: BASE, post: true, auth: auth.apiKey ? { apiKey: auth.apiKey } : auth });
    const r = await posting.getPlaylists();
    return r.status === "ok" && Array.isArray(r.playlists.playlist)
        && r.playlists.playlist.some(p => p.name === "From the npm client") || r;
});

console.log(`# ${LABEL}: this script: ${passed} ok, ${failed} not ok`);
process.exit(failed ? 1 : 0);
