// validate.mjs DIR — validates every DIR/*.html with html-validate; prints one TAP-like
// line per page.  The pages are saved by tests/integration/pages.sh, one of each kind per
// web server.  Rules: html-validate's recommended and document presets (HTML5 validity,
// accessibility basics, a complete document), without require-sri: our assets come from
// our own origin or our own CDN, where subresource integrity buys nothing.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { HtmlValidate } from "html-validate";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node validate.mjs DIR");
  process.exit(2);
}

const validator = new HtmlValidate({
  extends: ["html-validate:recommended", "html-validate:document"],
  // libxml2's HTML serializer writes the boolean attributes it knows from HTML 4 bare
  // (defer, disabled) and HTML5's newer ones as required="required": both are valid HTML.
  rules: { "require-sri": "off", "attribute-boolean-style": "off" },
});

let files = [];
try {
  files = readdirSync(dir).filter((f) => f.endsWith(".html")).sort();
} catch (err) {
  console.log(`not ok - html: cannot read ${dir}: ${err.message}`);
  process.exit(1);
}
if (files.length === 0) {
  console.log(`not ok - html: no pages saved in ${dir}`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  const report = await validator.validateFile(join(dir, file));
  const name = `html: ${file.replace(/\.html$/, "")} is valid HTML5`;
  if (report.valid) {
    console.log(`ok - ${name}`);
    continue;
  }
  failed++;
  console.log(`not ok - ${name}`);
  const messages = report.results.flatMap((r) => r.messages);
  for (const m of messages.slice(0, 12)) {
    console.log(`#   ${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
  }
  if (messages.length > 12) console.log(`#   ... ${messages.length - 12} more`);
}
process.exit(failed ? 1 : 0);
