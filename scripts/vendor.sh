#!/bin/bash
# scripts/vendor.sh — fill htdocs/vendor/ with the browser libraries pinned in web/
# (package.json + package-lock.json, installed with npm ci): htmx (boosted navigation, so
# the player keeps playing from page to page) and hls.js (adaptive HLS).  The files are not
# in git (.gitignore); lyrectl runs this on every build, npm runs only when the lock file
# changed since the last install, and files are copied only when they differ.  Offline,
# a failed npm ci keeps the files already in htdocs/vendor/ (with a warning).
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
all_present() {
    local entry
    for entry in "${FILES[@]}"; do [ -s "$VENDOR/${entry##* }" ] || return 1; done
}
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing the browser libraries of web/ (npm ci)"
    if run_logged "$LYRE_VAR/vendor.log" sh -c 'cd "$1" && npm ci --no-audit --no-fund --loglevel=error' _ "$WEB"; then
        echo "$want" >"$stamp"
    elif all_present; then
        warn "vendor: npm ci failed (offline?); keeping the files already in htdocs/vendor/"
        exit 0
    else
        die "vendor: npm ci failed in web/ and htdocs/vendor/ is incomplete (see var/vendor.log)"
    fi
fi
mkdir -p "$VENDOR"
for entry in "${FILES[@]}"; do
    src="$WEB/node_modules/${entry%% *}"
    dst="$VENDOR/${entry##* }"
    [ -f "$src" ] || die "vendor: $src is missing (web/package.json changed?)"
    # A copy then a rename: a server never sends a half-written file.
    cmp -s "$src" "$dst" 2>/dev/null || { cp "$src" "$dst.tmp.$$" && mv -f "$dst.tmp.$$" "$dst"; }
done
