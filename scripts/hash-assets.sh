#!/bin/sh
# hash-assets.sh SRC_HTDOCS OUT_DIR: copy the css, js, vendor and top-level svg files of
# SRC_HTDOCS to OUT_DIR under content-hashed names (css/lyre.css -> css/lyre.3f9a2c1b.css,
# the first 10 hex digits of its SHA-256) and write OUT_DIR/assets.map, one line
# "css/lyre.css css/lyre.3f9a2c1b.css" per file, read by lib/assets.c.
#
# A hashed name always means the same bytes, so the web servers serve OUT_DIR under
# /static/ with year-long immutable caching.  Files of earlier builds are kept: pages
# rendered and cached before a rebuild still name them.  The map is replaced atomically
# and only when it changes, so programs never read half a map.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 SRC_HTDOCS OUT_DIR" >&2; exit 2; }
src=$1
out=$2
[ -d "$src" ] || { echo "$0: $src is not a directory" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
map="$out/assets.map.tmp.$$"
trap 'rm -f "$map"' EXIT
: >"$map"

cd "$src"
# vendor/ is filled from npm (scripts/vendor.sh) and may be absent.
for f in css/*.css js/*.js vendor/*.js *.svg; do
    [ -f "$f" ] || continue
    case $f in *" "*) echo "$0: skipping $f (space in name)" >&2; continue ;; esac
    hash=$(sha256sum "$f" | cut -c1-10)
    dir=$(dirname "$f")
    base=$(basename "$f")
    stem=${base%.*}
    ext=${base##*.}
    hashed="$stem.$hash.$ext"
    [ "$dir" = . ] || hashed="$dir/$hashed"
    if [ ! -f "$out/$hashed" ]; then
        mkdir -p "$out/$dir"
        cp "$f" "$out/$hashed.tmp.$$"
        chmod 644 "$out/$hashed.tmp.$$"
        mv -f "$out/$hashed.tmp.$$" "$out/$hashed"
    fi
    printf '%s %s\n' "$f" "$hashed" >>"$map"
done

if cmp -s "$map" "$out/assets.map"; then
    rm -f "$map"
else
    chmod 644 "$map"
    mv -f "$map" "$out/assets.map"
fi
