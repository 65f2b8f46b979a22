#!/bin/bash
# scripts/vendor.sh — fill htdocs/vendor/ with the browser libraries pinned in web/
# (package.json + package-lock.json, installed with npm ci).  The files are not in git
# (htdocs/vendor/.gitignore); lyrectl runs this on every build, and npm runs only when
# the lock file changed since the last install.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WEB="$LYRE_ROOT/web"
VENDOR="$LYRE_ROOT/htdocs/vendor"
# package-relative path in web/node_modules -> name under /static/vendor/.  These are what
# templates/layout.xsl and htdocs/js/player.js load.
FILES=(
    "htmx.org/dist/htmx.min.js htmx.min.js"
    "hls.js/dist/hls.light.min.js hls.light.min.js"
)

[ -f "$WEB/package-lock.json" ] || exit 0
stamp="$WEB/node_modules/.lyre-lock-sha"
want=$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing the browser libraries of web/ (npm ci)"
    run_logged "$LYRE_VAR/vendor.log" sh -c 'cd "$1" && npm ci --no-audit --no-fund --loglevel=error' _ "$WEB"
    echo "$want" >"$stamp"
fi
mkdir -p "$VENDOR"
for entry in "${FILES[@]}"; do
    src="$WEB/node_modules/${entry%% *}"
    dst="$VENDOR/${entry##* }"
    [ -f "$src" ] || die "vendor: $src is missing (web/package.json changed?)"
    cmp -s "$src" "$dst" 2>/dev/null || cp "$src" "$dst"
done
