// account.mjs [BASE_URL [SCREENSHOT_DIR]] — an account's life in Debian's chromium driven by
// playwright-core, against a running instance (BASE_URL or env LYRE_URL; screenshots to
// SCREENSHOT_DIR or env LYRE_SCREENSHOTS, default /tmp): sign up, edit the profile, turn
// on two-factor authentication (the codes are computed here, RFC 6238, from the secret
// the set-up page shows), sign out, sign in with the password and a code, look at the
// signed-in devices and sign out everywhere.  Screenshots at 1280 and 360 px wide.
// Prints one TAP-like line per check; exits 1 when one fails.
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { harness, launchChromium } from "./harness.mjs";

const base = (process.argv[2] || process.env.LYRE_URL || "http://127.0.0.1:8081").replace(/\/$/, "");
const shots = process.argv[3] || process.env.LYRE_SCREENSHOTS || "/tmp";
mkdirSync(shots, { recursive: true });

const t = harness("account");
const { report, step } = t;
function fail(message) { throw new Error(message); }

// RFC 4648 base32 (the secret as shown, spaces allowed) and RFC 6238 codes.
function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const out = [];
  let bits = 0, value = 0;
  for (const c of text.replace(/[\s=]/g, "").toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) fail(`"${c}" is not base32`);
    value = ((value << 5) | i) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, "0");
}
const nowStep = () => Math.floor(Date.now() / 1000 / 30);

const run = `${Date.now() % 1000000}${process.pid % 1000}`;
const user = { name: `web${run}`, email: `web${run}@example.org`, password: "cobalt heron 19 meadows" };

// Desktop, then a 360 px phone, of the page as it is now.
async function shoot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(150);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.screenshot({ path: join(shots, `${name}-360.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  if (width > 360) fail(`${name} is ${width}px wide on a 360px screen`);
}

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const jsErrors = [];
  page.on("pageerror", (err) => jsErrors.push(err.message));
  page.on("console", (msg) => { if (msg.type() === "error") jsErrors.push(msg.text()); });
  const accountName = page.locator("#account .account-name");

  const signedUp = await step("sign up in the browser", async () => {
    await page.goto(`${base}/signup`);
    await page.getByLabel("User name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByLabel("Password again").fill(user.password);
    await Promise.all([page.waitForURL(`${base}/`), page.getByRole("button", { name: "Create account" }).click()]);
    if ((await accountName.textContent()) !== user.name) fail("the header does not name the new user");
  });
  if (!signedUp) throw new Error("no account to work with");

  await step("the profile page: account navigation, facts, every form with its CSRF field", async () => {
    await page.goto(`${base}/account`);
    const nav = page.getByRole("navigation", { name: "Account" });
    for (const name of ["Profile", "Password", "Email", "Sessions", "Two-factor", "Your data", "Delete"]) {
      if (!(await nav.getByRole("link", { name, exact: true }).isVisible())) fail(`no "${name}" in the account navigation`);
    }
    if ((await nav.locator('[aria-current="page"]').textContent()) !== "Profile") fail("Profile is not the current page");
    if (!(await page.getByText(user.email).first().isVisible())) fail("the email is not shown");
    const forms = await page.locator('main form[method="post"]').count();
    const tokens = await page.locator('main form[method="post"] input[name="csrf"]').count();
    if (forms === 0 || forms !== tokens) fail(`${forms} forms, ${tokens} CSRF fields`);
    await shoot(page, "account-profile");
  });

  await step("the profile saves: display name and country", async () => {
    await page.getByLabel("Display name").fill("Ada Lovelace");
    await page.getByLabel("Country").selectOption("GB");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Your profile was saved.").waitFor();
    if ((await page.getByLabel("Display name").inputValue()) !== "Ada Lovelace") fail("the name was not kept");
    if ((await page.getByLabel("Country").inputValue()) !== "GB") fail("the country was not kept");
  });

  await step("a display name over 100 characters: the field is marked and described", async () => {
    const field = page.getByLabel("Display name");
    // Past maxlength, the way a script or an old browser would send it.
    await field.evaluate((el) => { el.removeAttribute("maxlength"); el.value = "x".repeat(101); });
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByRole("alert").waitFor();
    const again = page.getByLabel("Display name");
    if ((await again.getAttribute("aria-invalid")) !== "true") fail("no aria-invalid");
    const described = (await again.getAttribute("aria-describedby")) || "";
    const message = await page.locator(`#${described.split(" ")[0]}`).textContent();
    if (!/at most 100 characters/.test(message)) fail(`described by "${message}"`);
    // The answer to a POST has no address: the history must not get one a reload would GET.
    if (new URL(page.url()).pathname !== "/account") fail(`the address became ${page.url()}`);
    await page.screenshot({ path: join(shots, "account-profile-error.png"), fullPage: true });
  });

  let secret = "";
  let enabledAt = 0;
  await step("two-factor set-up: the password, then a QR code (inline SVG) and the key", async () => {
    await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Two-factor" }).click();
    await page.getByRole("heading", { name: "Two-factor authentication is off" }).waitFor();
    await page.getByLabel("Your password").fill(user.password);
    await page.getByRole("button", { name: "Set up two-factor" }).click();
    const qr = page.getByRole("img", { name: /QR code/ });
    await qr.waitFor();
    const viewBox = await qr.getAttribute("viewBox");
    if (!/^0 0 \d+ \d+$/.test(viewBox || "")) fail(`viewBox "${viewBox}"`);
    secret = (await page.locator(".acct-secret").textContent()).replace(/\s/g, "");
    if (!/^[A-Z2-7]{32}$/.test(secret)) fail(`secret "${secret}"`);
    await shoot(page, "account-mfa-setup");
  });

  await step("a wrong code is refused, the field says why", async () => {
    const right = totp(secret, nowStep());
    const wrong = String((Number(right) + 1) % 1000000).padStart(6, "0");
    await page.getByLabel("Six-digit code from your app").fill(wrong);
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    await page.getByRole("alert").waitFor();
    const field = page.getByLabel("Six-digit code from your app");
    if ((await field.getAttribute("aria-invalid")) !== "true") fail("the code field is not marked invalid");
    if (!(await page.getByText("That code is not right").first().isVisible())) fail("no message");
  });

  let codes = [];
  await step("the right code turns it on and shows ten recovery codes once", async () => {
    enabledAt = nowStep();
    await page.getByLabel("Six-digit code from your app").fill(totp(secret, enabledAt));
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    await page.getByRole("heading", { name: "Save your recovery codes" }).waitFor();
    codes = await page.locator(".acct-codes code").allTextContents();
    if (codes.length !== 10 || !codes.every((c) => /^[0-9a-z]{5}-[0-9a-z]{5}$/.test(c))) fail(codes.join(" "));
    await shoot(page, "account-mfa-codes");
  });

  await step("the status page says it is on, with ten recovery codes left", async () => {
    await page.getByRole("link", { name: "I saved them" }).click();
    await page.getByRole("heading", { name: "Two-factor authentication is on" }).waitFor();
    if (!(await page.getByText("10 recovery codes are left.").isVisible())) fail("no count of recovery codes");
    await shoot(page, "account-mfa-on");
  });

  await step("sign out from the account menu", async () => {
    await page.locator(".account-menu > summary").click();
    await Promise.all([page.waitForURL(`${base}/`), page.getByRole("button", { name: "Sign out" }).click()]);
    if (await accountName.count()) fail("still signed in");
  });

  await step("sign in with the password, then a code from the app", async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel("User name or email").fill(user.name);
    await page.getByLabel("Password").fill(user.password);
    await Promise.all([page.waitForURL(/\/login\/mfa/), page.getByRole("button", { name: "Sign in" }).click()]);
    // The code that turned it on was spent: take the next step's (one step ahead is allowed).
    const code = totp(secret, Math.max(nowStep(), enabledAt + 1));
    await page.getByLabel("Code", { exact: true }).fill(code);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")),
      page.getByRole("button", { name: "Verify" }).click()]);
    await accountName.waitFor();
  });

  await step("the sessions page marks this device and describes it", async () => {
    await page.goto(`${base}/account/sessions`);
    const current = page.locator(".acct-session.is-current");
    await current.waitFor();
    if (!(await current.getByText("This device").isVisible())) fail("no 'This device' mark");
    const device = await current.locator(".acct-session-device").textContent();
    if (!/Chrome/.test(device)) fail(`device "${device}"`);
    if (!(await current.getByRole("button", { name: "Sign out of this device" }).isVisible())) fail("no Sign out");
    await shoot(page, "account-sessions");
  });

  await step("sign out everywhere ends this session too and goes to /login", async () => {
    await Promise.all([page.waitForURL(/\/login$/), page.getByRole("button", { name: "Sign out everywhere" }).click()]);
    await page.goto(`${base}/account`);
    if (!/\/login\?next=%2Faccount$/.test(page.url())) fail(`GET /account went to ${page.url()}`);
  });

  await step("no JavaScript errors (CSP: no eval, no inline script)", async () => {
    // A form sent back with its mistakes answers 422: chromium logs that, it is no error.
    const bad = jsErrors.filter((m) => !/favicon|status of 422/.test(m));
    if (bad.length) fail(bad.join("\n"));
  });
  await context.close();
} catch (err) {
  report(false, "the account test ran to its end", err && err.message ? err.message : err);
} finally {
  await browser.close();
}

console.log(`# account: ${t.passed} passed, ${t.failed} failed; screenshots in ${shots}`);
process.exit(t.failed ? 1 : 0);
