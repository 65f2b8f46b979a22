/* player.js: the bottom player bar (#player in layout.xsl).  It lives outside #page, the
 * part htmx swaps on navigation, so playback never stops while the user browses.
 *
 * Sound comes from two detached <audio> "decks": the current song plays on one while the
 * next one is preloaded on the other, so the gap between songs is a deck switch.  Each
 * deck plays /hls/{id}/master.m3u8 through hls.js where Hls.isSupported() (adaptive
 * bitrate), native HLS only where hls.js cannot run (Safari: chromium claims "maybe" for
 * HLS but cannot play MP3 segments), else /stream/{id}.
 *
 * Pages describe playable songs with data-* (track-id, title, artist, album, album-id,
 * cover, duration-ms) on rows inside a [data-tracklist] or on one block; buttons say what
 * they do with data-player.  The queue, position and settings survive a reload
 * (localStorage); plays are reported to /stream/events.  Signed in, the queue is also the
 * one the Subsonic apps share (/library/queue, "shared queue" below). */
(function () {
  "use strict";
  var doc = document;
  var root = doc.getElementById("player");
  if (!root || !window.Audio) return;

  var STATIC = root.getAttribute("data-static") || "/static";
  var STORE_KEY = "lyre.player.v1";
  var EVENTS_URL = "/stream/events";
  var PRELOAD_SECONDS = 25;   // start fetching the next song this long before the end
  var RESTART_SECONDS = 3;    // "previous" past this point restarts the song
  var HISTORY_KEEP = 100;     // played songs kept before the current one

  function el(name) { return root.querySelector('[data-el="' + name + '"]'); }
  var ui = {
    art: el("art"), title: el("title"), artist: el("artist"),
    elapsed: el("elapsed"), remaining: el("remaining"),
    seek: el("seek"), played: el("played"), buffered: el("buffered"),
    volume: el("volume"), volumeLevel: el("volume-level"),
    queueNow: el("queue-now"), queueNext: el("queue-next"),
    queueNextLabel: el("queue-next-label"), queueEmpty: el("queue-empty"),
    itemTemplate: el("queue-item"), status: el("status"),
    queue: doc.getElementById("player-queue"),
    queueTitle: doc.getElementById("player-queue-title"),
    menu: doc.getElementById("player-menu"),
    help: doc.getElementById("player-help")
  };
  var btn = {};
  Array.prototype.forEach.call(root.querySelectorAll("[data-act]"), function (b) {
    btn[b.getAttribute("data-act")] = b;
  });

  /* ------------------------------------------------------------------ state */

  var state = {
    queue: [],        // items in play order: {uid, id, title, artist, album, albumId, cover, ms}
    index: -1,        // the current item
    position: 0,      // seconds, for an item not loaded yet (after a reload)
    shuffle: false,
    original: null,   // uids in the order before shuffling
    repeat: "off",    // off | all | one
    volume: 0.8,
    muted: false,
    context: ""       // the tracklist the queue was started from ("album:7")
  };
  var uidCounter = 0;
  function newUid() { uidCounter += 1; return Date.now().toString(36) + "-" + uidCounter; }
  function current() { return state.index >= 0 ? state.queue[state.index] || null : null; }

  // An item given by another script (window.lyrePlayer.play/add): only known fields, strings.
  function itemOf(o) {
    if (!o || !/^[0-9]+$/.test(String(o.id))) return null;
    return {
      uid: newUid(), id: String(o.id), title: String(o.title || ""), artist: String(o.artist || ""),
      album: String(o.album || ""), albumId: String(o.albumId || ""), cover: String(o.cover || ""),
      ms: parseInt(o.ms, 10) || 0
    };
  }
  function copyItem(it) {
    return it ? { uid: it.uid, id: it.id, title: it.title, artist: it.artist, album: it.album,
      albumId: it.albumId, cover: it.cover, ms: it.ms } : null;
  }
  function tell(name, detail) { doc.dispatchEvent(new CustomEvent(name, { detail: detail })); }

  function itemFrom(node) {
    var d = node.dataset;
    if (!d.trackId) return null;
    return {
      uid: newUid(), id: d.trackId, title: d.title || "", artist: d.artist || "",
      album: d.album || "", albumId: d.albumId || "", cover: d.cover || "",
      ms: parseInt(d.durationMs, 10) || 0
    };
  }

  function save() {
    try {
      var d = deck();
      var pos = d.item && d.item === current() ? d.audio.currentTime || 0 : state.position;
      localStorage.setItem(STORE_KEY, JSON.stringify({
        v: 1, queue: state.queue, index: state.index, position: pos, shuffle: state.shuffle,
        original: state.original, repeat: state.repeat, volume: state.volume, muted: state.muted,
        context: state.context
      }));
    } catch (e) { /* private mode or full: the player still works */ }
  }

  function restore() {
    var s;
    try { s = JSON.parse(localStorage.getItem(STORE_KEY) || "null"); } catch (e) { s = null; }
    if (!s || s.v !== 1 || !Array.isArray(s.queue)) return;
    state.queue = s.queue.filter(function (it) { return it && it.id && it.uid; });
    state.index = Math.min(Math.max(-1, s.index | 0), state.queue.length - 1);
    state.position = Math.max(0, Number(s.position) || 0);
    state.shuffle = !!s.shuffle;
    state.original = Array.isArray(s.original) ? s.original : null;
    state.repeat = /^(off|all|one)$/.test(s.repeat) ? s.repeat : "off";
    state.volume = Math.min(1, Math.max(0, Number(s.volume)));
    if (isNaN(state.volume)) state.volume = 0.8;
    state.muted = !!s.muted;
    state.context = typeof s.context === "string" ? s.context : "";
  }

  /* ------------------------------------------------------------------ engine */

  // How this browser plays: "hls" (hls.js), "native" (HLS in <audio>), "file".
  var engine = null;
  var Hls = null;
  function loadEngine() {
    if (engine) return engine;
    var probe = doc.createElement("audio");
    var native = !!probe.canPlayType("application/vnd.apple.mpegurl");
    engine = new Promise(function (resolve) {
      if (!(window.MediaSource || window.ManagedMediaSource)) {
        resolve(native ? "native" : "file");
        return;
      }
      var s = doc.createElement("script");
      s.src = root.getAttribute("data-hls") || STATIC + "/vendor/hls.light.min.js";
      s.async = true;
      s.onload = function () {
        if (window.Hls && window.Hls.isSupported()) {
          Hls = window.Hls;
          resolve("hls");
        } else {
          resolve(native ? "native" : "file");
        }
      };
      // Without hls.js, never trust canPlayType: chromium says "maybe" and fails.
      s.onerror = function () { resolve("file"); };
      doc.head.appendChild(s);
    });
    return engine;
  }

  function makeDeck() {
    var a = new Audio();
    a.preload = "auto";
    return { audio: a, hls: null, item: null, mode: "", startAt: 0, recovered: false, failed: false };
  }
  var decks = [makeDeck(), makeDeck()];
  var cur = 0;
  function deck() { return decks[cur]; }
  function spare() { return decks[1 - cur]; }

  function unload(d) {
    if (d.hls) { d.hls.destroy(); d.hls = null; }
    d.item = null;
    d.mode = "";
    d.failed = false;
    d.recovered = false;
    if (d.audio.getAttribute("src") !== null || d.audio.currentSrc) {
      d.audio.pause();
      d.audio.removeAttribute("src");
      d.audio.load();
    }
  }

  function load(d, item, startAt, mode) {
    unload(d);
    d.item = item;
    d.startAt = startAt || 0;
    d.audio.volume = state.volume;
    d.audio.muted = state.muted;
    var id = encodeURIComponent(item.id);
    d.mode = mode;
    if (mode === "hls") {
      // The next song starts at the bitrate the last one had settled on.
      var other = decks[0] === d ? decks[1] : decks[0];
      var estimate = other.hls && other.hls.bandwidthEstimate > 0 ? other.hls.bandwidthEstimate : 0;
      var h = new Hls({
        abrEwmaDefaultEstimate: estimate || 500000,
        enableWorker: false,             // CSP: no blob: workers
        startPosition: d.startAt > 0 ? d.startAt : -1,
        maxBufferLength: 30,
        maxMaxBufferLength: 120,
        backBufferLength: 90
      });
      d.hls = h;
      h.on(Hls.Events.ERROR, function (ev, data) {
        if (!data.fatal || d.hls !== h) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !d.recovered) {
          d.recovered = true;
          h.recoverMediaError();
          return;
        }
        fallBack(d);
      });
      h.loadSource("/hls/" + id + "/master.m3u8");
      h.attachMedia(d.audio);
    } else {
      d.audio.src = (mode === "native" ? "/hls/" + id + "/master.m3u8" : "/stream/" + id);
    }
  }

  // HLS failed for good: the same song from /stream, where it was.
  function fallBack(d) {
    if (!d.item || d.mode === "file") { d.failed = true; onDeckError(d); return; }
    var item = d.item;
    var at = d.audio.currentTime > 0 ? d.audio.currentTime : d.startAt;
    var wasPlaying = d === deck() && wantPlaying;
    load(d, item, at, "file");
    if (wasPlaying) startAudio();
  }

  function bitrate(d) {
    if (!d.hls || d.hls.currentLevel < 0) return 0;
    var level = d.hls.levels[d.hls.currentLevel];
    return level ? kbpsOf(level) : 0;
  }
  function kbpsOf(level) {
    var url = Array.isArray(level.url) ? level.url[0] : level.url;
    var m = /\/(\d+)\.m3u8/.exec(url || "");
    return m ? parseInt(m[1], 10) : Math.round((level.bitrate || 0) / 1000);
  }

  /* ------------------------------------------------------------------ play events */

  var play = null;   // {id, item, started, sent30, closed, listened, lastT}
  function randomHex() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
  }
  // The token every state-changing request carries (lib/csrf.h): the signed-in
  // session's, in the header's account area, else the anonymous cookie's.
  function csrfToken() {
    var acc = document.getElementById("account");
    if (acc && acc.getAttribute("data-csrf")) return acc.getAttribute("data-csrf");
    var m = document.cookie.match(/(?:^|;\s*)(?:__Host-)?lyre_csrf=([0-9a-f]{64})/);
    return m ? m[1] : "";
  }
  function beginPlay(item) {
    closePlay();
    play = { id: randomHex(), item: item, started: false, sent30: false, closed: false, listened: 0, lastT: null };
  }
  function report(event, seconds) {
    var p = play;
    if (!p) return;
    var body = new URLSearchParams();
    body.set("csrf", csrfToken());
    body.set("play_id", p.id);
    body.set("track_id", p.item.id);
    body.set("event", event);
    body.set("position_ms", String(Math.max(0, Math.round((seconds || 0) * 1000))));
    var kbps = bitrate(deck());
    if (kbps) body.set("bitrate_kbps", String(kbps));
    if (event === "complete" || event === "skip")
      tell("lyre:played", { item: copyItem(p.item), event: event, seconds: seconds || 0, context: state.context });
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(EVENTS_URL, body)) return;
    } catch (e) { /* fall through to fetch */ }
    if (window.fetch) {
      fetch(EVENTS_URL, { method: "POST", body: body, keepalive: true, credentials: "same-origin" })
        .catch(function () {});
    }
  }
  // The play in progress ends without completing: a skip, at the position reached.
  function closePlay() {
    if (play && play.started && !play.closed) report("skip", deck().audio.currentTime);
    if (play) play.closed = true;
  }

  /* ------------------------------------------------------------------ transport */

  var wantPlaying = false;
  var token = 0;

  function startAudio() {
    wantPlaying = true;
    var p = deck().audio.play();
    if (p && p.catch) {
      p.catch(function (err) {
        if (err && err.name === "NotAllowedError") { wantPlaying = false; renderPlaying(); }
      });
    }
    renderPlaying();
  }

  // Make queue[i] current and (unless told otherwise) play it from startAt.
  function playIndex(i, opts) {
    opts = opts || {};
    var item = state.queue[i];
    if (!item) return;
    closePlay();
    state.index = i;
    state.position = opts.startAt || 0;
    var autoplay = opts.autoplay !== false;
    var my = ++token;
    beginPlay(item);
    render();
    save();
    tell("lyre:track", { item: copyItem(item), index: i, context: state.context, upcoming: state.queue.length - i - 1 });
    loadEngine().then(function (mode) {
      if (my !== token) return;
      var s = spare();
      if (s.item && s.item.uid === item.uid && !s.failed && !(opts.startAt > 0)) {
        cur = 1 - cur;                   // the preloaded deck takes over
        unload(spare());
      } else {
        unload(s);
        load(deck(), item, opts.startAt || 0, mode);
      }
      if (autoplay) startAudio();
      else { wantPlaying = false; renderPlaying(); }
      renderTime();
      mediaMetadata();
    });
  }

  function togglePlay() {
    var item = current();
    if (!item) {
      if (state.queue.length) playIndex(0);
      return;
    }
    var d = deck();
    if (d.item !== item) {              // restored after a reload: load it where it was
      playIndex(state.index, { startAt: state.position });
      return;
    }
    if (d.audio.paused) startAudio();
    else { wantPlaying = false; d.audio.pause(); }
  }

  function pause() {
    wantPlaying = false;
    deck().audio.pause();
    renderPlaying();
  }

  // The next index: auto = because the song ended (repeat one replays it).
  function nextIndex(auto) {
    if (state.index < 0) return -1;
    if (auto && state.repeat === "one") return state.index;
    if (state.index + 1 < state.queue.length) return state.index + 1;
    if (state.repeat !== "off" && state.queue.length) return 0;
    return -1;
  }

  // A skip asks the server first (the Free plan limits skips per hour): on 429 the song
  // keeps playing and the reason is announced.
  function next() {
    var i = nextIndex(false);
    if (i < 0) return;
    var item = state.queue[i];
    if (!(play && play.started && !play.closed) || !window.fetch) { playIndex(i); return; }
    fetch("/hls/" + encodeURIComponent(item.id) + "/master.m3u8?skip=" + play.id,
          { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status !== 429) { if (state.queue[i] === item) playIndex(i); return; }
        var wait = parseInt(r.headers.get("Retry-After") || "0", 10);
        var text = "No more skips this hour on the Free plan" +
          (wait > 0 ? " (again in " + Math.ceil(wait / 60) + " min)" : "") + ". Premium skips without limit.";
        announce(text);
        flash(text);
      })
      .catch(function () { if (state.queue[i] === item) playIndex(i); });
  }

  function previous() {
    var d = deck();
    if (!current()) return;
    if (d.item === current() && d.audio.currentTime > RESTART_SECONDS) { seek(0); return; }
    if (state.index > 0) playIndex(state.index - 1);
    else if (state.repeat === "all" && state.queue.length > 1) playIndex(state.queue.length - 1);
    else if (d.item === current()) seek(0);
  }

  function ended() {
    if (play && !play.closed) { report("complete", deck().audio.duration || 0); play.closed = true; }
    var i = nextIndex(true);
    if (i < 0) {                          // end of the queue: stop at its last song
      wantPlaying = false;
      state.position = 0;
      deck().audio.currentTime = 0;
      renderPlaying();
      save();
      return;
    }
    if (i === state.index) {              // repeat one
      beginPlay(current());
      deck().audio.currentTime = 0;
      startAudio();
      return;
    }
    playIndex(i);
  }

  function seek(seconds) {
    var d = deck();
    if (d.item && d.item === current() && d.audio.readyState > 0) {
      d.audio.currentTime = Math.max(0, Math.min(seconds, (d.audio.duration || seconds) - 0.25));
    } else if (d.item && d.item === current()) {
      d.startAt = seconds;
      if (d.hls) d.hls.startLoad(seconds);
    } else {
      state.position = Math.max(0, seconds);
      save();
    }
    renderTime();
  }

  function seekBy(delta) {
    var d = deck();
    var now = d.item === current() ? d.audio.currentTime : state.position;
    seek(Math.max(0, now + delta));
  }

  function setVolume(v) {
    state.volume = Math.min(1, Math.max(0, v));
    if (state.volume > 0 && state.muted) state.muted = false;
    decks.forEach(function (d) { d.audio.volume = state.volume; d.audio.muted = state.muted; });
    renderVolume();
    save();
  }

  function toggleMute() {
    state.muted = !state.muted;
    if (!state.muted && state.volume === 0) state.volume = 0.5;
    decks.forEach(function (d) { d.audio.muted = state.muted; d.audio.volume = state.volume; });
    renderVolume();
    announce(state.muted ? "Muted" : "Sound on");
    save();
  }

  // Near the end, load the next song on the spare deck.
  function preload() {
    var d = deck();
    var i = nextIndex(true);
    if (i < 0 || i === state.index || !d.audio.duration) return;
    if (d.audio.duration - d.audio.currentTime > PRELOAD_SECONDS) return;
    var item = state.queue[i];
    var s = spare();
    if ((s.item && s.item.uid === item.uid) || item.uid === unplayableNext) return;
    engine.then(function (mode) { if (!s.item || s.item.uid !== item.uid) load(s, item, 0, mode); });
  }

  var errorsInARow = 0;
  var unplayableNext = null;   // a preload that failed is not tried again and again
  function onDeckError(d) {
    if (d !== deck()) {
      unplayableNext = d.item ? d.item.uid : null;
      unload(d);
      return;
    }
    var item = current();
    announce("Can’t play " + (item ? item.title : "this song"));
    errorsInARow += 1;
    // Only a queue that was playing moves on by itself: a song loaded but not started
    // (restored, or added to an empty queue) must not start the next one unasked.
    var wasPlaying = wantPlaying;
    wantPlaying = false;
    renderPlaying();
    if (wasPlaying && errorsInARow < state.queue.length && nextIndex(false) >= 0) {
      setTimeout(function () { if (deck() === d && d.failed) next(); }, 1200);
    }
  }

  decks.forEach(function (d) {
    var a = d.audio;
    function mine() { return d === deck() && d.item && d.item === current(); }
    a.addEventListener("loadedmetadata", function () {
      if (d.mode !== "hls" && d.startAt > 0) a.currentTime = d.startAt;
      if (mine()) renderTime();
    });
    a.addEventListener("durationchange", function () { if (mine()) { renderTime(); positionState(); } });
    a.addEventListener("playing", function () {
      if (!mine()) return;
      errorsInARow = 0;
      if (play && !play.started && play.item === d.item) {
        play.started = true;
        report("start", a.currentTime);
      }
      renderPlaying();
    });
    a.addEventListener("play", function () { if (mine()) renderPlaying(); });
    a.addEventListener("pause", function () {
      if (!mine()) return;
      if (!a.ended) wantPlaying = false;
      renderPlaying();
      save();
      if (!a.ended) share("pause");
    });
    a.addEventListener("seeking", function () { if (play) play.lastT = null; if (mine()) renderTime(); });
    a.addEventListener("seeked", function () { if (mine()) { positionState(); save(); } });
    a.addEventListener("timeupdate", function () {
      if (!mine()) return;
      var t = a.currentTime;
      if (play && play.item === d.item && !a.paused) {
        if (play.lastT !== null && t > play.lastT && t - play.lastT < 1.5) play.listened += t - play.lastT;
        play.lastT = t;
        if (play.started && !play.sent30 && play.listened >= 30) { play.sent30 = true; report("30s", t); }
      }
      state.position = t;
      renderTime();
      preload();
      throttledSave();
      if (!a.paused && Date.now() - shared.last >= SHARE_EVERY) share("tick");
    });
    a.addEventListener("progress", function () { if (mine()) renderBuffered(); });
    a.addEventListener("ended", function () { if (mine()) ended(); });
    a.addEventListener("error", function () {
      if (!d.item) return;
      if (d.mode === "native" || (d.mode === "hls" && !d.hls)) { fallBack(d); return; }
      if (d.mode === "file") { d.failed = true; onDeckError(d); }
    });
  });

  var lastSave = 0;
  function throttledSave() {
    var now = Date.now();
    if (now - lastSave > 2000) { lastSave = now; save(); }
  }

  /* ------------------------------------------------------------------ queue */

  function capHistory() {
    var drop = state.index - HISTORY_KEEP;
    if (drop > 0) { state.queue.splice(0, drop); state.index -= drop; }
  }

  function shuffled(list) {
    var a = list.slice();
    for (var i = a.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }

  // Replace the queue with a list, starting at `start` (-1: anywhere, shuffled).
  function playList(items, start, context, shuffle) {
    if (!items.length) return;
    if (shuffle) state.shuffle = true;
    state.context = context || "";
    if (state.shuffle) {
      var first = start >= 0 ? start : Math.floor(Math.random() * items.length);
      state.original = items.map(function (it) { return it.uid; });
      var rest = items.filter(function (it, k) { return k !== first; });
      state.queue = [items[first]].concat(shuffled(rest));
      playIndex(0);
    } else {
      state.original = null;
      state.queue = items;
      playIndex(Math.max(0, start));
    }
    renderQueue();
  }

  function addToQueue(items, playNext) {
    if (!items.length) return;
    if (state.index < 0 || !state.queue.length) {
      state.queue = items;
      state.index = -1;
      state.context = "";
      state.original = state.shuffle ? items.map(function (it) { return it.uid; }) : null;
      playIndex(0, { autoplay: false });
    } else if (playNext) {
      Array.prototype.splice.apply(state.queue, [state.index + 1, 0].concat(items));
      if (state.original) {
        var at = state.original.indexOf(current().uid) + 1;
        Array.prototype.splice.apply(state.original, [at, 0].concat(items.map(function (it) { return it.uid; })));
      }
    } else {
      state.queue = state.queue.concat(items);
      if (state.original) state.original = state.original.concat(items.map(function (it) { return it.uid; }));
    }
    var what = items.length === 1 ? items[0].title : items.length + " songs";
    announce(playNext ? what + " will play next" : what + " added to the queue");
    flash(playNext ? "Playing next" : "Added to queue");
    renderQueue();
    renderButtons();
    save();
  }

  function setShuffle(on) {
    var item = current();
    state.shuffle = on;
    if (on) {
      state.original = state.queue.map(function (it) { return it.uid; });
      if (item) {
        state.queue = state.queue.slice(0, state.index + 1).concat(shuffled(state.queue.slice(state.index + 1)));
      } else {
        state.queue = shuffled(state.queue);
      }
    } else if (state.original) {
      var rank = {};
      state.original.forEach(function (uid, k) { rank[uid] = k; });
      var big = state.original.length;
      state.queue = state.queue
        .map(function (it, k) { return { it: it, r: uid in rank ? rank[it.uid] : big + k }; })
        .sort(function (a, b) { return a.r - b.r; })
        .map(function (x) { return x.it; });
      state.original = null;
      if (item) state.index = state.queue.indexOf(item);
    }
    announce(on ? "Shuffle on" : "Shuffle off");
    renderButtons();
    renderQueue();
    save();
  }

  function cycleRepeat() {
    state.repeat = state.repeat === "off" ? "all" : state.repeat === "all" ? "one" : "off";
    announce(state.repeat === "off" ? "Repeat off" : state.repeat === "all" ? "Repeat all" : "Repeat one");
    renderButtons();
    save();
  }

  function indexOfUid(uid) {
    for (var k = 0; k < state.queue.length; k++) if (state.queue[k].uid === uid) return k;
    return -1;
  }

  // Move an upcoming item to another place among the upcoming ones.
  function moveItem(from, to) {
    if (from === to || from <= state.index || to <= state.index || to >= state.queue.length) return;
    var it = state.queue.splice(from, 1)[0];
    state.queue.splice(to, 0, it);
    announce(it.title + " moved to position " + (to - state.index) + " of " + (state.queue.length - state.index - 1));
    renderQueue();
    renderButtons();
    save();
  }

  function removeItem(i) {
    if (i <= state.index || i >= state.queue.length) return;
    var it = state.queue.splice(i, 1)[0];
    if (state.original) state.original = state.original.filter(function (u) { return u !== it.uid; });
    announce(it.title + " removed from the queue");
    renderQueue();
    renderButtons();
    save();
  }

  function clearQueue() {
    var item = current();
    state.queue = item ? [item] : [];
    state.index = item ? 0 : -1;
    state.original = state.shuffle && item ? [item.uid] : null;
    unload(spare());
    announce("Queue cleared");
    renderQueue();
    renderButtons();
    save();
  }

  /* ------------------------------------------------------------------ rendering */

  function clock(s) {
    if (!isFinite(s) || s < 0) s = 0;
    s = Math.floor(s);
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    return (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (sec < 10 ? "0" : "") + sec;
  }

  function hue(id) { var n = parseInt(id, 10); return isNaN(n) ? 250 : ((n * 137) % 360 + 360) % 360; }
  function initials(text) {
    var words = String(text || "").replace(/[^\p{L}\p{N}\s]/gu, "").trim().split(/\s+/);
    return ((words[0] || "").charAt(0) + (words[1] || "").charAt(0)).toUpperCase();
  }
  // Cover image, or the same kind of placeholder the pages draw.
  function artwork(box, item, size) {
    box.textContent = "";
    if (!item) return;
    box.style.setProperty("--h", hue(item.albumId));
    root.style.setProperty("--h", hue(item.albumId));
    if (item.cover) {
      var img = doc.createElement("img");
      img.alt = "";
      img.width = size;
      img.height = size;
      img.decoding = "async";
      img.src = item.cover;
      box.appendChild(img);
    } else {
      var ph = doc.createElement("span");
      ph.className = "art-ph-js";
      ph.style.setProperty("--h", hue(item.albumId));
      ph.textContent = initials(item.album || item.title);
      box.appendChild(ph);
    }
  }

  // htmx boosts a link once, with the href it had then: a changed link is a new node.
  function relink(node, href, text) {
    var a = node.cloneNode(false);
    a.setAttribute("href", href);
    a.textContent = text;
    node.parentNode.replaceChild(a, node);
    if (window.htmx) window.htmx.process(a);
    return a;
  }

  var shownUid = null;
  function render() {
    var item = current();
    root.classList.toggle("is-empty", !item);
    if ((item ? item.uid : null) !== shownUid) {
      shownUid = item ? item.uid : null;
      ui.title = relink(ui.title, item ? "/track/" + encodeURIComponent(item.id) : "/",
        item ? item.title : "Nothing playing");
      ui.artist = relink(ui.artist, item && item.albumId ? "/album/" + encodeURIComponent(item.albumId) : "/",
        item ? item.artist || item.album : "Pick a song to start");
      artwork(ui.art, item, 64);
      ui.title.title = item ? item.title : "";
      mediaMetadata();
    }
    renderButtons();
    renderPlaying();
    renderTime();
    renderBuffered();
    renderVolume();
    if (!ui.queue.hidden) renderQueue();
  }

  function renderButtons() {
    var item = current();
    btn.play.disabled = !item && !state.queue.length;
    btn.prev.disabled = !item;
    btn.next.disabled = nextIndex(false) < 0;
    ui.seek.disabled = !item;
    btn.shuffle.setAttribute("aria-pressed", String(state.shuffle));
    btn.repeat.setAttribute("aria-pressed", String(state.repeat !== "off"));
    btn.repeat.setAttribute("data-repeat", state.repeat);
    btn.repeat.setAttribute("aria-label", state.repeat === "one" ? "Repeat one" : "Repeat");
  }

  function isPlaying() {
    var d = deck();
    return !!(d.item && d.item === current() && (!d.audio.paused || wantPlaying));
  }

  function renderPlaying() {
    var playing = isPlaying();
    root.classList.toggle("is-playing", playing);
    btn.play.setAttribute("aria-label", playing ? "Pause" : "Play");
    markPage();
    if ("mediaSession" in navigator) navigator.mediaSession.playbackState = current() ? (playing ? "playing" : "paused") : "none";
  }

  function duration() {
    var d = deck();
    var item = current();
    if (d.item && d.item === item && isFinite(d.audio.duration) && d.audio.duration > 0) return d.audio.duration;
    return item ? item.ms / 1000 : 0;
  }
  function position() {
    var d = deck();
    return d.item && d.item === current() ? d.audio.currentTime : state.position;
  }

  var dragging = false;
  function renderTime() {
    var total = duration();
    var now = dragging ? Number(ui.seek.value) : position();
    ui.elapsed.textContent = clock(now);
    ui.remaining.textContent = total ? "-" + clock(Math.max(0, total - now)) : clock(0);
    if (!dragging) {
      ui.seek.max = String(Math.max(1, Math.floor(total)));
      ui.seek.value = String(Math.floor(now));
    }
    ui.seek.setAttribute("aria-valuetext", clock(now) + " of " + clock(total));
    ui.played.style.width = total ? Math.min(100, now / total * 100) + "%" : "0";
  }

  function renderBuffered() {
    var d = deck();
    var total = duration();
    if (!total || !d.item || d.item !== current()) { ui.buffered.style.background = ""; return; }
    var r = d.audio.buffered, stops = [];
    var color = "color-mix(in srgb, var(--text) 32%, transparent)";
    for (var k = 0; k < r.length; k++) {
      var a = (r.start(k) / total * 100).toFixed(2) + "%", b = (r.end(k) / total * 100).toFixed(2) + "%";
      stops.push("transparent " + a, color + " " + a, color + " " + b, "transparent " + b);
    }
    ui.buffered.style.background = stops.length ? "linear-gradient(to right, " + stops.join(", ") + ")" : "";
  }

  function renderVolume() {
    var v = state.muted ? 0 : state.volume;
    ui.volume.value = String(Math.round(v * 100));
    ui.volume.setAttribute("aria-valuetext", state.muted ? "muted" : Math.round(v * 100) + "%");
    ui.volumeLevel.style.width = v * 100 + "%";
    root.classList.toggle("is-muted", state.muted || state.volume === 0);
    btn.mute.setAttribute("aria-pressed", String(state.muted));
  }

  function queueRow(item, i) {
    var li = ui.itemTemplate.content.firstElementChild.cloneNode(true);
    li.setAttribute("data-index", String(i));
    li.setAttribute("data-uid", item.uid);
    if (i === state.index) li.classList.add("is-current");
    artwork(li.querySelector(".qi-art"), item, 40);
    li.querySelector(".qi-title").textContent = item.title;
    li.querySelector(".qi-artist").textContent = item.artist;
    li.querySelector(".qi-time").textContent = item.ms ? clock(item.ms / 1000) : "";
    var by = item.artist ? " by " + item.artist : "";
    li.querySelector('[data-qact="play"]').setAttribute("aria-label",
      (i === state.index ? (isPlaying() ? "Pause " : "Play ") : "Play ") + item.title + by);
    var up = li.querySelector('[data-qact="up"]'), down = li.querySelector('[data-qact="down"]');
    up.setAttribute("aria-label", "Move " + item.title + " up");
    down.setAttribute("aria-label", "Move " + item.title + " down");
    li.querySelector('[data-qact="remove"]').setAttribute("aria-label", "Remove " + item.title + " from the queue");
    up.disabled = i <= state.index + 1;
    down.disabled = i >= state.queue.length - 1;
    if (i === state.index) li.querySelector(".qi-tools").hidden = true;
    return li;
  }

  function renderQueue() {
    if (ui.queue.hidden) return;
    var focus = doc.activeElement && ui.queue.contains(doc.activeElement) ? doc.activeElement : null;
    var focusAct = focus && focus.getAttribute("data-qact");
    var focusUid = focus && focus.closest(".qi") ? focus.closest(".qi").getAttribute("data-uid") : null;
    ui.queueNow.textContent = "";
    ui.queueNext.textContent = "";
    var item = current();
    if (item) ui.queueNow.appendChild(queueRow(item, state.index));
    for (var i = state.index + 1; i < state.queue.length; i++) ui.queueNext.appendChild(queueRow(state.queue[i], i));
    var upcoming = state.queue.length - state.index - 1;
    ui.queueNow.previousElementSibling.hidden = !item;
    ui.queueNextLabel.hidden = upcoming <= 0;
    ui.queueEmpty.hidden = upcoming > 0;
    btn.clear.disabled = upcoming <= 0;
    // Keep the keyboard where it was (the moved item's same button).
    if (focusUid) {
      var k = indexOfUid(focusUid);
      var row = k >= 0 ? ui.queue.querySelector('.qi[data-index="' + k + '"]') : null;
      var target = row && row.querySelector('[data-qact="' + focusAct + '"]');
      if (target && target.disabled) target = row.querySelector('[data-qact="play"]');
      (target || ui.queueTitle).focus();
    }
  }

  // Rows of the current song, and play buttons of the list that is playing.
  function markPage() {
    var page = doc.getElementById("page") || doc.body;
    var item = current();
    var playing = isPlaying();
    Array.prototype.forEach.call(page.querySelectorAll("[data-track-id]"), function (row) {
      var on = !!item && row.getAttribute("data-track-id") === String(item.id);
      row.classList.toggle("is-current", on);
      row.classList.toggle("is-playing", on && playing);
      var b = row.querySelector('[data-player="play-row"]');
      if (b) {
        b.classList.toggle("is-playing", on && playing);
        var t = row.getAttribute("data-title") || "";
        b.setAttribute("aria-label", (on && playing ? "Pause " : "Play ") + t);
      }
    });
    Array.prototype.forEach.call(page.querySelectorAll('[data-player="play-list"]'), function (b) {
      var list = listFor(b);
      var key = list ? list.getAttribute("data-tracklist") : "";
      var on = !!key && key === state.context && playing;
      b.classList.toggle("is-playing", on);
      var label = b.getAttribute("data-label") || b.getAttribute("aria-label") || "";
      b.setAttribute("data-label", label);
      b.setAttribute("aria-label", on ? label.replace(/^Play\b/, "Pause") : label);
    });
  }

  var flashTimer = 0;
  function flash(text) {
    var t = doc.getElementById("player-toast");
    if (!t) {
      t = doc.createElement("p");
      t.id = "player-toast";
      t.className = "toast";
      t.setAttribute("aria-hidden", "true");
      root.appendChild(t);
    }
    t.textContent = text;
    t.classList.add("is-on");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { t.classList.remove("is-on"); }, 1600);
  }

  function announce(text) {
    ui.status.textContent = "";
    setTimeout(function () { ui.status.textContent = text; }, 30);
  }

  /* ------------------------------------------------------------------ Media Session */

  function artworkList(item) {
    var abs = function (u) { return new URL(u, location.href).href; };
    if (!item.cover) return [{ src: abs(root.getAttribute("data-placeholder") || STATIC + "/cover-placeholder.svg"), sizes: "512x512", type: "image/svg+xml" }];
    var m = /^(.*)-300\.jpg$/.exec(item.cover);
    if (!m) return [{ src: abs(item.cover) }];
    return [96, 300, 640].map(function (s) {
      return { src: abs(m[1] + "-" + s + ".jpg"), sizes: s + "x" + s, type: "image/jpeg" };
    });
  }

  function mediaMetadata() {
    if (!("mediaSession" in navigator) || !window.MediaMetadata) return;
    var item = current();
    navigator.mediaSession.metadata = item ? new window.MediaMetadata({
      title: item.title, artist: item.artist, album: item.album, artwork: artworkList(item)
    }) : null;
  }

  function positionState() {
    var ms = navigator.mediaSession;
    var a = deck().audio;
    if (!ms || !ms.setPositionState || !isFinite(a.duration) || !(a.duration > 0)) return;
    try {
      ms.setPositionState({ duration: a.duration, playbackRate: a.playbackRate || 1, position: Math.min(a.currentTime, a.duration) });
    } catch (e) { /* inconsistent values while loading */ }
  }

  if ("mediaSession" in navigator) {
    var actions = {
      play: function () { if (!isPlaying()) togglePlay(); },
      pause: pause,
      stop: pause,
      previoustrack: previous,
      nexttrack: next,
      seekbackward: function (d) { seekBy(-((d && d.seekOffset) || 10)); },
      seekforward: function (d) { seekBy((d && d.seekOffset) || 10); },
      seekto: function (d) { if (d && isFinite(d.seekTime)) seek(d.seekTime); }
    };
    Object.keys(actions).forEach(function (name) {
      try { navigator.mediaSession.setActionHandler(name, actions[name]); } catch (e) { /* not supported */ }
    });
  }

  /* ------------------------------------------------------------------ page controls */

  function listFor(node) {
    var row = node.closest("[data-track-id]");
    var list = node.closest("[data-tracklist]");
    if (!list && !row) {
      var page = doc.getElementById("page") || doc;
      list = page.querySelector("[data-tracklist]");
    }
    return list;
  }

  function itemsOf(list) {
    var out = [];
    Array.prototype.forEach.call(list.querySelectorAll("[data-track-id]"), function (n) {
      var it = itemFrom(n);
      if (it) out.push(it);
    });
    return out;
  }

  function onPageAction(b, act) {
    var row = b.closest("[data-track-id]");
    var list = listFor(b);
    var key = list ? list.getAttribute("data-tracklist") : "";
    var item = current();
    if (act === "play-row" && row) {
      if (item && String(item.id) === row.getAttribute("data-track-id") && deck().item === item) {
        togglePlay();                   // this song is the current one
        return;
      }
      if (list && list.contains(row)) {
        var rows = Array.prototype.slice.call(list.querySelectorAll("[data-track-id]"));
        playList(itemsOf(list), rows.indexOf(row), key, false);
      } else {
        playList([itemFrom(row)], 0, "track:" + row.getAttribute("data-track-id"), false);
      }
    } else if ((act === "play-list" || act === "shuffle-list") && list) {
      if (act === "play-list" && key && key === state.context && item && deck().item === item) {
        togglePlay();
        return;
      }
      playList(itemsOf(list), act === "shuffle-list" ? -1 : (state.shuffle ? -1 : 0), key, act === "shuffle-list");
      if (act === "shuffle-list") renderButtons();
    } else if (act === "queue-list" && list) {
      addToQueue(itemsOf(list), false);
    } else if ((act === "queue-add" || act === "queue-next") && row) {
      addToQueue([itemFrom(row)], act === "queue-next");
    } else if (act === "menu" && row) {
      openMenu(b, row);
    }
  }

  doc.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-player]");
    if (!b || root.contains(b)) return;
    e.preventDefault();
    onPageAction(b, b.getAttribute("data-player"));
  });
  // A row plays on a double click, or a tap on touch screens (outside its links).
  var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;
  function rowActivate(e) {
    if (e.target.closest("a, button, input")) return;
    var row = e.target.closest("tr[data-track-id]");
    var b = row && row.querySelector('[data-player="play-row"]');
    if (!b || b.hasAttribute("data-js")) return;
    if (window.getSelection && String(window.getSelection()).length) window.getSelection().removeAllRanges();
    onPageAction(b, "play-row");
  }
  doc.addEventListener(touch ? "click" : "dblclick", rowActivate);

  // New page content (a boosted swap or a history restore): reveal controls, mark rows.
  function enhance() {
    var page = doc.getElementById("page") || doc.body;
    Array.prototype.forEach.call(page.querySelectorAll("[data-js]"), function (n) { n.removeAttribute("data-js"); });
    markPage();
    closeMenu(false);
  }
  doc.addEventListener("htmx:afterSettle", enhance);
  doc.addEventListener("htmx:historyRestore", enhance);

  /* ------------------------------------------------------------------ row menu */

  var menuRow = null, menuButton = null;
  function menuItems() { return Array.prototype.slice.call(ui.menu.querySelectorAll('[role="menuitem"]:not([hidden])')); }

  function openMenu(button, row) {
    if (menuButton === button) { closeMenu(true); return; }
    closeMenu(false);
    menuRow = row;
    menuButton = button;
    var albumId = row.getAttribute("data-album-id");
    var album = ui.menu.querySelector('[data-act="menu-album"]');
    var here = location.pathname === "/album/" + albumId;
    if (albumId && !here) {
      var fresh = album.cloneNode(true);
      fresh.setAttribute("href", "/album/" + encodeURIComponent(albumId));
      fresh.hidden = false;
      album.parentNode.replaceChild(fresh, album);
      if (window.htmx) window.htmx.process(fresh);
    } else {
      album.hidden = true;
    }
    // Signed-in visitors (an account area with a token) can like and add to playlists.
    var signedIn = !!(doc.getElementById("account") && doc.getElementById("account").getAttribute("data-csrf"));
    ["menu-playlist", "menu-like"].forEach(function (a) {
      var el = ui.menu.querySelector('[data-act="' + a + '"]');
      if (el) el.hidden = !signedIn;
    });
    doc.dispatchEvent(new CustomEvent("lyre:menu-open", { detail: { menu: ui.menu, row: row } }));
    ui.menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    var r = button.getBoundingClientRect();
    var w = ui.menu.offsetWidth, h = ui.menu.offsetHeight;
    var left = Math.min(Math.max(8, r.right - w), window.innerWidth - w - 8);
    var top = r.bottom + 4;
    if (top + h > window.innerHeight - 8) top = Math.max(8, r.top - h - 4);
    ui.menu.style.left = left + "px";
    ui.menu.style.top = top + "px";
    menuItems()[0].focus({ preventScroll: true });
  }

  function closeMenu(returnFocus) {
    if (ui.menu.hidden) return;
    ui.menu.hidden = true;
    if (menuButton) {
      menuButton.setAttribute("aria-expanded", "false");
      if (returnFocus && doc.body.contains(menuButton)) menuButton.focus();
    }
    menuButton = null;
    menuRow = null;
  }

  ui.menu.addEventListener("keydown", function (e) {
    var items = menuItems();
    var k = items.indexOf(doc.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      items[(k + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length].focus();
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      items[e.key === "Home" ? 0 : items.length - 1].focus();
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      closeMenu(true);
    } else if (e.key === "Tab") {
      closeMenu(false);
    }
  });
  ui.menu.addEventListener("click", function (e) {
    var b = e.target.closest("[data-act]");
    if (!b || !menuRow) return;
    var act = b.getAttribute("data-act");
    var row = menuRow;
    if (act === "menu-album") { closeMenu(false); return; }   // htmx follows the link
    e.preventDefault();
    closeMenu(true);
    if (act === "menu-playlist" || act === "menu-like") {
      // Handled by playlists.js and library.js: the row's track and the button it came from.
      doc.dispatchEvent(new CustomEvent("lyre:menu", { detail: { act: act, item: itemFrom(row), row: row, opener: b } }));
      return;
    }
    addToQueue([itemFrom(row)], act === "menu-next");
  });
  doc.addEventListener("pointerdown", function (e) {
    if (!ui.menu.hidden && !ui.menu.contains(e.target) && e.target.closest('[data-player="menu"]') !== menuButton) closeMenu(false);
  });
  window.addEventListener("resize", function () { closeMenu(false); });
  window.addEventListener("scroll", function () { closeMenu(false); }, { passive: true });

  /* ------------------------------------------------------------------ player controls */

  function toggleQueue(show) {
    var open = show === undefined ? ui.queue.hidden : show;
    ui.queue.hidden = !open;
    btn.queue.setAttribute("aria-expanded", String(open));
    if (open) {
      renderQueue();
      ui.queueTitle.focus();
    } else if (ui.queue.contains(doc.activeElement) || doc.activeElement === doc.body) {
      btn.queue.focus();
    }
  }

  function toggleSheet(show) {
    if (!btn.expand) return;
    var open = show === undefined ? !root.classList.contains("is-open") : show;
    root.classList.toggle("is-open", open);
    btn.expand.setAttribute("aria-expanded", String(open));
    btn.expand.setAttribute("aria-label", open ? "Close the full player" : "Open the full player");
  }

  function openHelp() {
    if (ui.help.open) return;
    closeMenu(false);
    if (ui.help.showModal) ui.help.showModal();
    else ui.help.setAttribute("open", "");
  }

  var controls = {
    play: togglePlay, prev: previous, next: next,
    shuffle: function () { setShuffle(!state.shuffle); },
    repeat: cycleRepeat,
    mute: toggleMute,
    queue: function () { toggleQueue(); },
    "queue-close": function () { toggleQueue(false); },
    clear: clearQueue,
    help: openHelp,
    "help-close": function () { ui.help.close(); },
    expand: function () { toggleSheet(); }
  };
  root.addEventListener("click", function (e) {
    var b = e.target.closest("[data-act], [data-qact]");
    if (!b || !root.contains(b) || ui.menu.contains(b)) return;
    var act = b.getAttribute("data-act");
    if (act && controls[act]) { controls[act](); return; }
    var qact = b.getAttribute("data-qact");
    var li = b.closest(".qi");
    if (!qact || !li) return;
    var i = parseInt(li.getAttribute("data-index"), 10);
    if (qact === "play") { if (i === state.index) togglePlay(); else playIndex(i); }
    else if (qact === "up") moveItem(i, i - 1);
    else if (qact === "down") moveItem(i, i + 1);
    else if (qact === "remove") removeItem(i);
  });

  ui.seek.addEventListener("input", function () { dragging = true; renderTime(); });
  ui.seek.addEventListener("change", function () { dragging = false; seek(Number(ui.seek.value)); });
  ui.seek.addEventListener("pointerup", function () { if (dragging) { dragging = false; seek(Number(ui.seek.value)); } });
  ui.volume.addEventListener("input", function () {
    state.muted = false;
    setVolume(Number(ui.volume.value) / 100);
  });

  // Drag to reorder: the grip follows the pointer; rows swap as it passes their middle.
  ui.queueNext.addEventListener("pointerdown", function (e) {
    var grip = e.target.closest(".qi-grip");
    if (!grip || e.button > 0) return;
    var li = grip.closest(".qi");
    var from = parseInt(li.getAttribute("data-index"), 10);
    var body = ui.queue.querySelector(".queue-body");
    e.preventDefault();
    grip.setPointerCapture(e.pointerId);
    li.classList.add("is-dragging");
    function move(ev) {
      var prev = li.previousElementSibling, nxt = li.nextElementSibling;
      if (prev && ev.clientY < prev.getBoundingClientRect().top + prev.offsetHeight / 2) ui.queueNext.insertBefore(li, prev);
      else if (nxt && ev.clientY > nxt.getBoundingClientRect().top + nxt.offsetHeight / 2) ui.queueNext.insertBefore(nxt, li);
      var box = body.getBoundingClientRect();
      if (ev.clientY < box.top + 24) body.scrollTop -= 12;
      else if (ev.clientY > box.bottom - 24) body.scrollTop += 12;
    }
    function up() {
      grip.removeEventListener("pointermove", move);
      grip.removeEventListener("pointerup", up);
      grip.removeEventListener("pointercancel", up);
      li.classList.remove("is-dragging");
      var to = state.index + 1 + Array.prototype.indexOf.call(ui.queueNext.children, li);
      if (to !== from) moveItem(from, to);
      else renderQueue();
    }
    grip.addEventListener("pointermove", move);
    grip.addEventListener("pointerup", up);
    grip.addEventListener("pointercancel", up);
  });

  ui.queue.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); toggleQueue(false); }
  });

  /* ------------------------------------------------------------------ keyboard */

  function typing(t) {
    return !!t && (t.isContentEditable || t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
      (t.tagName === "INPUT" && !/^(range|checkbox|radio|button|submit|reset)$/.test(t.type)));
  }
  // Space and Enter belong to whatever control has the focus.
  function activates(t) {
    return !!t && (/^(BUTTON|A|SUMMARY|SELECT)$/.test(t.tagName) || t.getAttribute("role") === "menuitem");
  }

  doc.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    var t = e.target;
    if (typing(t)) return;
    if (ui.help.open && e.key !== "?") return;
    var k = e.key;
    var handled = true;
    if (k === " " || k === "Spacebar") {
      if (activates(t)) return;
      togglePlay();
    } else if (e.shiftKey && (k === "ArrowRight" || k === "ArrowLeft")) {
      seekBy(k === "ArrowRight" ? 10 : -10);
    } else if (e.shiftKey && (k === "ArrowUp" || k === "ArrowDown")) {
      setVolume(state.volume + (k === "ArrowUp" ? 0.1 : -0.1));
      announce("Volume " + Math.round(state.volume * 100) + "%");
    } else if (k === "n" || k === "N") {
      next();
    } else if (k === "p" || k === "P") {
      previous();
    } else if (k === "m" || k === "M") {
      toggleMute();
    } else if (k === "q" || k === "Q") {
      toggleQueue();
    } else if (k === "s" || k === "S") {
      setShuffle(!state.shuffle);
    } else if (k === "r" || k === "R") {
      cycleRepeat();
    } else if (k === "?") {
      if (ui.help.open) ui.help.close(); else openHelp();
    } else if (k === "Escape" && root.classList.contains("is-open")) {
      toggleSheet(false);
    } else {
      handled = false;
    }
    if (handled) e.preventDefault();
  });

  /* ------------------------------------------------------------------ shared queue */

  // A signed-in listener has one play queue on the server, the one the Subsonic apps
  // read and write (getPlayQueue/savePlayQueue; GET/POST /library/queue here).  The
  // player saves it when a song becomes current, every SHARE_EVERY while playing, on
  // pause and on leaving; one save at a time, the latest wish waiting behind it.  Saves
  // while the listener is playing here take the queue over; the others (pause, leaving)
  // carry the version last read and are refused (409) when an app saved since, so a tab
  // left open never overwrites the phone's newer queue.  On load (and back to the tab) a
  // queue an app saved that this browser has not answered yet is offered in the bar:
  // "Continue from DSub?".  Network errors stay silent: sharing never gets in the way
  // of playing.
  var QUEUE_URL = "/library/queue";
  var SEEN_KEY = "lyre.queue.seen.v1";   // per user: the saved queue already answered
  var SHARE_EVERY = 15000;
  var SHARE_MAX = 1000;                  // songs sent: the played ones kept, then upcoming
  var RECHECK_AFTER = 30000;             // back to the tab: look again, at most this often
  var shared = {
    known: null,      // the server's version last read or written
    last: 0,          // when the last save started
    busy: false,      // a save is in flight
    pending: null,    // the save asked for meanwhile ("track", "tick", "pause", "leave")
    sent: "",         // what the last save said (leaving saves only when it changed)
    touched: false,   // this page played or paused something: it may save on leaving
    bad: {},          // track ids the server refused (gone from the catalog)
    prompt: null,     // the "Continue from …?" element
    checked: 0,       // when the saved queue was last fetched
    checking: false
  };

  function signedIn() {
    var acc = doc.getElementById("account");
    return !!(acc && acc.getAttribute("data-csrf"));
  }
  function userName() {
    var acc = doc.getElementById("account");
    return acc ? acc.getAttribute("data-user") || "" : "";
  }
  function headKey(h) { return h && h.version ? h.version + "@" + (h.updated_at || "") : ""; }
  function seenAll() {
    try {
      var all = JSON.parse(localStorage.getItem(SEEN_KEY) || "{}");
      return all && typeof all === "object" ? all : {};
    } catch (e) { return {}; }
  }
  function seenKey() { return seenAll()[userName()] || ""; }
  function setSeen(h) {
    var all = seenAll();
    all[userName()] = headKey(h);
    try { localStorage.setItem(SEEN_KEY, JSON.stringify(all)); } catch (e) { /* not kept */ }
  }
  function noteHead(h) {
    if (h && typeof h.version === "number") shared.known = h.version;
  }
  var ACTIVE = { track: 1, tick: 1 };

  // The form of a save, or null when there is nothing to save.
  function shareBody(active) {
    if (state.index < 0 || !state.queue.length) return null;
    var from = Math.max(0, Math.min(state.index - HISTORY_KEEP, state.queue.length - SHARE_MAX));
    var ids = [], cur = -1, exact = false;
    state.queue.slice(from, from + SHARE_MAX).forEach(function (it, k) {
      if (shared.bad[it.id]) return;
      if (cur < 0 && from + k >= state.index) { cur = ids.length; exact = from + k === state.index; }
      ids.push(it.id);
    });
    if (!ids.length) return null;
    if (cur < 0) cur = ids.length - 1;
    var ms = exact ? Math.min(86400000, Math.max(0, Math.round((position() || 0) * 1000))) : 0;
    var body = new URLSearchParams();
    body.set("csrf", csrfToken());
    body.set("ids", ids.join(","));
    body.set("current_index", String(cur));
    body.set("position_ms", String(ms));
    if (!active && shared.known !== null) body.set("base_version", String(shared.known));
    body.sig = ids.join(",") + "|" + cur + "|" + Math.floor(ms / 1000);
    return body;
  }

  function share(kind, retry) {
    if (kind === "tick") shared.last = Date.now();   // asked at most every SHARE_EVERY
    if (!signedIn() || !window.fetch) return;
    var active = !!ACTIVE[kind];
    if (kind !== "leave") shared.touched = true;
    // An app's queue waits for an answer in the bar: only playing here replaces it.
    if (!active && (shared.prompt || !shared.touched)) return;
    if (shared.busy) {
      shared.pending = active || ACTIVE[shared.pending] ? "tick" : kind;
      return;
    }
    var body = shareBody(active);
    if (!body || (kind === "leave" && body.sig === shared.sent)) return;
    shared.busy = true;
    shared.last = Date.now();
    var again = null;
    fetch(QUEUE_URL, { method: "POST", body: body, credentials: "same-origin", keepalive: kind === "leave",
      headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (j) { return { status: r.status, j: j || {} }; },
          function () { return { status: r.status, j: {} }; });
      })
      .then(function (res) {
        var j = res.j;
        if (res.status === 200) {
          noteHead(j);
          setSeen(j);                      // ours: nothing to offer back
          shared.sent = body.sig;
          if (active) hidePrompt();
        } else if (res.status === 400 && Array.isArray(j.unknown)) {
          var fresh = j.unknown.filter(function (id) { return !shared.bad[String(id)]; });
          fresh.forEach(function (id) { shared.bad[String(id)] = true; });
          if (fresh.length && !retry) again = kind;
        } else if (res.status === 409) {
          noteHead(j);
          if (j.changed_by === "web") { if (!retry) again = kind; }   // another tab of ours
          else checkShared();                                        // an app's: offer it
        }
      })
      .catch(function () { /* offline, signed out: the next save tries again */ })
      .then(function () {
        shared.busy = false;
        var next = shared.pending;
        shared.pending = null;
        if (again) share(again, true);
        else if (next) share(next);
      });
  }

  // The page goes away: a beacon survives it (the answer is never read).
  function shareOnLeave() {
    if (!signedIn() || !navigator.sendBeacon || shared.prompt || !shared.touched) return;
    var body = shareBody(false);
    if (!body || body.sig === shared.sent) return;
    try { if (navigator.sendBeacon(QUEUE_URL, body)) shared.sent = body.sig; } catch (e) { /* gone */ }
  }

  function checkShared() {
    if (!signedIn() || !window.fetch || shared.checking) return;
    shared.checking = true;
    shared.checked = Date.now();
    fetch(QUEUE_URL, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (q) {
        shared.checking = false;
        if (!q || !Array.isArray(q.items)) return;
        noteHead(q);
        if (!q.version) return;
        if (q.changed_by === "web") { setSeen(q); return; }
        if (!q.items.length || headKey(q) === seenKey() || isPlaying()) return;
        offer(q);
      })
      .catch(function () { shared.checking = false; });
  }

  function hidePrompt() {
    if (!shared.prompt) return;
    var had = shared.prompt.contains(doc.activeElement);
    shared.prompt.remove();
    shared.prompt = null;
    if (had) btn.play.focus();
  }

  // Load a saved queue as a reload would restore it: the song shown at its position,
  // nothing fetched until Play (browsers refuse to start sound without a gesture).
  function adopt(items, index, seconds) {
    closePlay();
    token += 1;                           // a load of the old song still under way is void
    unload(deck());
    unload(spare());
    wantPlaying = false;
    state.queue = items;
    state.index = index;
    state.position = seconds;
    state.context = "";
    state.original = state.shuffle ? items.map(function (it) { return it.uid; }) : null;
    render();
    renderQueue();
    save();
  }

  // "Continue from DSub?  <Continue> <Dismiss>" in the bar, for the saved queue q.
  function offer(q) {
    hidePrompt();
    var items = q.items.map(itemOf).filter(Boolean);
    if (!items.length) return;
    var at = q.current_index === null || q.current_index === undefined ? 0 : q.current_index | 0;
    at = Math.min(Math.max(0, at), items.length - 1);
    var seconds = Math.max(0, (Number(q.position_ms) || 0) / 1000);
    var app = String(q.changed_by || "").slice(0, 64) || "another device";
    var box = doc.createElement("div");
    box.className = "player-handoff";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Play queue from " + app);
    var text = doc.createElement("p");
    text.className = "player-handoff-text";
    var name = doc.createElement("strong");
    name.textContent = app;
    text.append("Continue from ", name, "?");
    var song = doc.createElement("span");
    song.className = "player-handoff-song";
    var title = doc.createElement("span");
    title.className = "player-handoff-title";
    title.textContent = items[at].title + (items[at].artist ? " · " + items[at].artist : "");
    song.append(title);
    if (seconds >= 1) {                   // the position stays in view when the title is cut
      var when = doc.createElement("span");
      when.className = "player-handoff-time";
      when.textContent = " · " + clock(seconds);
      song.append(when);
    }
    text.append(song);
    var yes = doc.createElement("button");
    yes.type = "button";
    yes.className = "button button-small";
    yes.textContent = "Continue";
    var no = doc.createElement("button");
    no.type = "button";
    no.className = "button button-quiet button-small";
    no.textContent = "Dismiss";
    var actions = doc.createElement("span");
    actions.className = "player-handoff-actions";
    actions.append(yes, no);
    box.append(text, actions);
    yes.addEventListener("click", function () {
      setSeen(q);
      hidePrompt();
      adopt(items, at, seconds);
      btn.play.focus();
      announce("Queue from " + app + " loaded: " + items[at].title + ". Press Play to continue.");
    });
    function dismiss() {
      setSeen(q);
      hidePrompt();
      btn.play.focus();
    }
    no.addEventListener("click", dismiss);
    box.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); dismiss(); }
    });
    // First in the bar, so Tab reaches it before the transport buttons.
    root.insertBefore(box, root.firstChild);
    shared.prompt = box;
    announce("Your queue from " + app + " can continue here. Continue or Dismiss, in the player.");
  }

  /* ------------------------------------------------------------------ start */

  restore();
  ui.queue.hidden = true;
  ui.menu.hidden = true;
  decks.forEach(function (d) { d.audio.volume = state.volume; d.audio.muted = state.muted; });
  root.removeAttribute("data-js");
  doc.documentElement.classList.add("has-player");
  enhance();
  render();
  window.addEventListener("pagehide", function () { save(); shareOnLeave(); });
  doc.addEventListener("visibilitychange", function () {
    if (doc.visibilityState === "hidden") { save(); share("leave"); }
    else if (Date.now() - shared.checked > RECHECK_AFTER && !isPlaying()) checkShared();
  });
  window.addEventListener("pageshow", function (e) { if (e.persisted && !isPlaying()) checkShared(); });
  doc.addEventListener("lyre:track", function () { share("track"); });
  checkShared();
  // Fetch hls.js while the user reads the page, so the first click plays at once.
  (window.requestIdleCallback || function (f) { setTimeout(f, 300); })(function () { loadEngine(); });

  // For tests and the curious: the current <audio>, both decks, the hls.js instance.
  window.lyrePlayer = {
    get audio() { return deck().audio; },
    decks: decks.map(function (d) { return d.audio; }),
    get hls() { return deck().hls; },
    get mode() { return deck().mode; },
    levels: function () { var h = deck().hls; return h ? h.levels.map(kbpsOf) : []; },
    setLevel: function (i) { var h = deck().hls; if (h) h.currentLevel = i; },
    get level() { return bitrate(deck()); },
    // For other scripts (radio, mixes): items are {id, title, artist, album, albumId, cover, ms}.
    // Events on document: "lyre:track" {item, index, context, upcoming} when a song becomes
    // current; "lyre:played" {item, event: "complete"|"skip", seconds, context} when one ends.
    play: function (items, start, context) {
      var list = (items || []).map(itemOf).filter(Boolean);
      playList(list, start || 0, context || "", false);
    },
    add: function (items, playNext) {
      var list = (items || []).map(itemOf).filter(Boolean);
      if (list.length) addToQueue(list, !!playNext);
    },
    current: function () { return copyItem(current()); },
    // For sponsor spots (spots.js): hold the queue, then let it go on.
    pause: function () { pause(); },
    resume: function () { if (current() && deck().item === current()) startAudio(); },
    upcoming: function () { return state.queue.slice(state.index + 1).map(copyItem); },
    item: function (uid) { var k = indexOfUid(uid); return k >= 0 ? copyItem(state.queue[k]) : null; },
    get context() { return state.context; },
    state: function () {
      return { queue: state.queue.map(function (it) { return it.id; }), index: state.index,
        position: position(), shuffle: state.shuffle, repeat: state.repeat, volume: state.volume,
        muted: state.muted, playing: isPlaying(), context: state.context, playId: play ? play.id : null };
    }
  };
})();
