// harness.mjs — what every browser test shares: TAP-like lines ("ok - LABEL: name",
// "not ok - ..." with up to 8 lines of detail) with their counts, and Debian's chromium
// launched the way it works as root on a machine without network (FIELD-NOTES).
import { chromium } from "playwright-core";

export function harness(label) {
  const t = { passed: 0, failed: 0 };
  t.report = (ok, name, detail) => {
    console.log(`${ok ? "ok" : "not ok"} - ${label}: ${name}`);
    if (ok) t.passed++;
    else {
      t.failed++;
      if (detail) for (const line of String(detail).split("\n").slice(0, 8)) console.log(`#   ${line}`);
    }
  };
  // step(name, fn): fn throws or returns false on failure; a thrown error is its detail.
  // Resolves to whether the step passed.
  t.step = async (name, fn) => {
    try {
      const result = await fn();
      t.report(result !== false, name, result === false ? "condition not met" : "");
      return result !== false;
    } catch (err) {
      t.report(false, name, err && err.message ? err.message : err);
      return false;
    }
  };
  return t;
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.LYRE_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
