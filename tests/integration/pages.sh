#!/bin/bash
# tests/integration/pages.sh LABEL BASE_URL — the page checks, run the same against every
# web server (lighttpd and Apache) in front of the catalog program.  Needs the test
# instance of tests/run-all.sh: the demo catalog plus tests/fixtures/catalog.sql.
# Saves one page of each kind to $LYRE_TEST_HTML/LABEL-*.html for the HTML validator.
set -u
LABEL=$1
BASE=$2
HTML_DIR=${LYRE_TEST_HTML:-}
. "$(dirname "$0")/lib.sh"

HTML_TYPE='^text/html; ?charset=utf-8$'

save_page() {
    [ -n "$HTML_DIR" ] || return 0
    mkdir -p "$HTML_DIR"
    cp "$BODY" "$HTML_DIR/$LABEL-$1.html"
}

# A framed page of ours: doctype, layout, and the right content type.
is_page() {
    all header_is Content-Type "$HTML_TYPE" \; body_has '<!DOCTYPE html>' \; body_has '<main'
}

# ---------------------------------------------------------------- status codes
for path in / /browse '/browse?letter=Z' '/browse?letter=Z&page=1' '/browse?letter=%23' \
    /artist/900001 /album/900001 /album/900002 /track/900002 '/search?q=Kravi' /search '/search?q='; do
    fetch "$BASE$path"
    check "GET $path answers 200 with a page" all status_in 200 \; is_page
done

for path in /album/999999999 /artist/999999999 /track/999999999 /no-such-page \
    /artist /album/900001/extra; do
    fetch "$BASE$path"
    check "GET $path answers 404 with the error page" all status_in 404 \; is_page
done

for path in /album/abc /album/-1 /album/1.5 /album/0x10 /artist/12abc /track/%20 \
    '/browse?page=0' '/browse?page=-3' '/browse?page=abc' '/browse?letter=%FF' '/browse?letter=AB' \
    '/browse?letter=Z&page=99999999999999999999999' '/search?q=%C3%28'; do
    fetch "$BASE$path"
    # lighttpd refuses invalid UTF-8 in a URL itself, with its own 400 page.
    check "GET $path answers 400" status_in 400
done

for path in /album/0 /album/99999999999999999999999; do
    fetch "$BASE$path"
    check "GET $path answers 400 or 404, not 500" status_in 400 404
done

# ---------------------------------------------------------------- content
fetch "$BASE/album/900001"
save_page album
check "album page: its tracks in order" order 'Svefn-g-englar' 'Njósnavélin' 'Kravitzian Étude'
check "album page: track durations" all body_has '10:00' \; body_has '3:05' \; body_has '6:11' \; body_has '3:44'
check "album page: total time 23 min" body_has '23 min'
check "album page: links to the artist and each track" \
    all body_has 'href="/artist/900001"' \; body_has 'href="/track/900001"' \; body_has 'href="/track/900004"'
check "album page: accented title intact" body_has 'Ágætis Byrjun — Édition Spéciale'
check "album page: script payload in a track title is escaped" \
    all body_lacks '<script>alert(1)' \; body_has '&lt;script&gt;alert(1)&lt;/script&gt;'

fetch "$BASE/album/900002"
save_page album-discs
check "2-disc album: disc headings and tracks under each" \
    order 'Disc 1' 'Disc One Opener' 'Disc One Closer' 'Disc 2' 'Disc Two Opener' 'Disc Two Closer'
check "2-disc album: total time 1 hr 6 min" body_has '1 hr 6 min'

fetch "$BASE/artist/900001"
save_page artist
check "artist page: name" body_has 'Zoë Kravitz-Test'
check "artist page: albums by year, oldest first" \
    order 'Early Kravitz Demos' 'Ágætis Byrjun' 'Two Discs Of Kravitz'
check "artist page: album years" all body_has 1995 \; body_has 1999 \; body_has 2003

fetch "$BASE/artist/900002"
save_page artist-markup-in-name
check "artist page: HTML in a name is escaped" \
    all status_in 200 \; body_lacks '"Friends" <b>' \; body_has '&lt;b&gt;'

fetch "$BASE/track/900002"
save_page track
check "track page: escaped payload title, album link" \
    all body_lacks '<script>alert(1)' \; body_has '&lt;script&gt;alert(1)' \; body_has 'href="/album/900001"'
fetch "$BASE/track/900021"
check "track page: main and featured artists linked" \
    all body_has 'href="/artist/900002"' \; body_has 'href="/artist/900001"'

fetch "$BASE/"
save_page home
check "home page: recently added albums link to albums" body_has 'href="/album/9000'

for form in login signup reset; do
    fetch "$BASE/$form"
    save_page "$form"
    check "/$form: a page with a CSRF field in its form" all status_in 200 \; is_page \; body_has 'name="csrf" value="'
done

fetch "$BASE/browse?letter=Z"
save_page browse
check "browse Z: lists the fixture artist" body_has 'href="/artist/900001"'
fetch "$BASE/browse"
check "browse (all): lists artists" test "$(result_count)" -gt 0

# Paging: a letter with a second page; page 2 lists other artists than page 1.
paged=""
for letter in A B C D E F G H I J K L M N O P Q R S T U V W X Y Z; do
    fetch "$BASE/browse?letter=$letter"
    if grep -qE "href=\"/browse\?letter=$letter&amp;page=2\"" "$BODY"; then
        paged=$letter
        break
    fi
done
if [ -z "$paged" ]; then
    fail "browse paging: some letter has a link to page 2" "no letter A-Z has one"
else
    first=$(grep -oE 'href="/artist/[0-9]+"' "$BODY" | sort -u)
    fetch "$BASE/browse?letter=$paged&page=2"
    second=$(grep -oE 'href="/artist/[0-9]+"' "$BODY" | sort -u)
    both=$(comm -12 <(echo "$first") <(echo "$second") | grep -c . || true)
    check "browse paging: $paged page 2 answers 200, with a link back to page 1" \
        all status_in 200 \; body_has "href=\"/browse?letter=$paged&amp;page=1\""
    check "browse paging: $paged page 2 lists other artists than page 1" \
        test -n "$second" -a "$both" -eq 0
    fetch "$BASE/browse?letter=$paged&page=100000"
    check "browse paging: a page past the end is 404 or an empty 200" status_in 200 404
fi

fetch "$BASE/search?q=Kravi"
save_page search
check "search 'Kravi' (prefix): the fixture artist, album and track" \
    all body_has 'href="/artist/900001"' \; body_has 'href="/album/900002"' \; body_has 'href="/track/900004"'
fetch "$BASE/search?q=kRAVITZ"
check "search is case-insensitive" body_has 'href="/artist/900001"'
fetch "$BASE/search?q=Zo%C3%AB"
check "search with an accent (Zoë)" body_has 'href="/artist/900001"'
fetch "$BASE/search?q=Nj%C3%B3sna"
check "search prefix of an accented word (Njósna)" body_has 'href="/track/900003"'
fetch "$BASE/search?q=Disc+Two"
check "search two words" body_has 'href="/track/900014"'
fetch "$BASE/search?q=alert"
save_page search-payload
check "search results: the fixture track with a script title, escaped" \
    all body_has 'href="/track/900002"' \; body_lacks '<script>alert(1)' \; body_has '&lt;script&gt;alert(1)'
fetch "$BASE/album/900003"
save_page album-compilation
check "compilation album: featured artist credited" \
    all status_in 200 \; body_has 'href="/artist/900002"' \; body_has 'href="/artist/900001"'
fetch "$BASE/search?q=zzqqxxnothing"
save_page search-empty
check "search with no match: 200 and no results" all status_in 200 \; test "$(result_count)" -eq 0
fetch "$BASE/search"
save_page search-form
fetch "$BASE/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27%3E"
check "search query with a script payload comes back escaped" \
    all status_in 200 \; body_lacks '<script>alert(1)' \; body_has 'alert(1)'

# ---------------------------------------------------------------- headers, methods, assets
fetch "$BASE/album/900001"
check "Content-Type is text/html; charset=utf-8" header_is Content-Type "$HTML_TYPE"
check "security headers once each (the server adds no second copy)" \
    sh -c 'for h in x-content-type-options content-type cache-control x-frame-options; do
        [ "$(grep -ci "^$h:" "$1")" -le 1 ] || { echo "$h repeated"; exit 1; }; done' _ "$HDRS"
check "X-Content-Type-Options: nosniff" header_is X-Content-Type-Options '^nosniff$'
check "Content-Length or chunked" \
    sh -c 'grep -qiE "^(content-length: [0-9]+|transfer-encoding: chunked)" "$1"' _ "$HDRS"
fetch "$BASE/album/999999999"
save_page error-404
check "error page: Content-Type text/html; charset=utf-8" header_is Content-Type "$HTML_TYPE"
fetch "$BASE/album/abc"
save_page error-400

fetch "$BASE/album/900001" -I
check "HEAD /album/900001: 200 with the page's headers" \
    all status_in 200 \; header_is Content-Type "$HTML_TYPE"
raw_http "$BASE" 'HEAD /album/900001 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n'
check "HEAD /album/900001: no body on the wire" all status_in 200 \; test "$(bytes_after_headers)" -eq 0
raw_http "$BASE" 'HEAD /no-such-page HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n'
check "HEAD of a 404: no body on the wire" all status_in 404 \; test "$(bytes_after_headers)" -eq 0

fetch "$BASE/static/css/lyre.css"
check "static CSS: 200, text/css, cached, nosniff" \
    all status_in 200 \; header_is Content-Type '^text/css' \; header_is Cache-Control 'max-age=[1-9]' \
    \; header_is X-Content-Type-Options '^nosniff$'
fetch "$BASE/static/js/lyre.js"
check "static JS: 200, JavaScript" all status_in 200 \; header_is Content-Type 'javascript'
fetch "$BASE/static/favicon.svg"
check "static SVG: 200, image/svg+xml" all status_in 200 \; header_is Content-Type '^image/svg\+xml'
fetch "$BASE/static/no-such-file.css"
check "static: missing file is 404" status_in 404
fetch "$BASE/static/../etc/lyre.conf" --path-as-is
check "static: no way out of htdocs" status_in 400 403 404

# ---------------------------------------------------------------- hostile input in every parameter
# Each must answer 200 or 400 (404 for a path id a server refuses to map), never 5xx, and
# never show more results than the plain query.
PAYLOADS=("%27" "%22" "%3B" "--" "%2527" "%27%20OR%201%3D1%20--%20" "%22%20OR%20%221%22%3D%221"
    "1%20OR%201%3D1" "%5C" "%5C%27" "%00" "%C3%28" "%FF" "%25" "*" "%2A%29%28")
# words_only PAYLOAD: the payload with every byte but letters and digits turned into a
# space: the same words a search sees, without the metacharacters (URL-encoded).
words_only() {
    local raw=${1//%/\\x}
    printf '%b' "$raw" | LC_ALL=C tr -c 'A-Za-z0-9' '+'
}
# sweep NAME TEMPLATE LEGIT ALLOWED: "@" in TEMPLATE takes each payload.  LEGIT is the
# plain request whose result count no payload may exceed; an "@" in it takes the payload's
# words_only form (a search for "x' OR 1=1" may find what "x OR 1 1" finds, no more).
sweep() {
    local name=$1 template=$2 legit=$3 allowed=$4 base_count p url bad=""
    for p in "${PAYLOADS[@]}"; do
        fetch "$BASE${legit//@/$(words_only "$p")}"
        base_count=$(result_count)
        url=${template//@/$p}
        fetch "$BASE$url"
        if ! status_in $allowed >/dev/null; then
            bad="$bad $url=$STATUS"
        elif [ "$STATUS" = 200 ] && [ "$(result_count)" -gt "$base_count" ]; then
            bad="$bad $url=more-results($(result_count)>$base_count)"
        fi
    done
    if [ -z "$bad" ]; then pass "$name"; else fail "$name" "bad answers:$bad"; fi
}
sweep "hostile album id suffix" "/album/900001@" /album/900001 "200 400 404"
sweep "hostile album id" "/album/@" /album/900001 "200 400 404"
sweep "hostile artist id" "/artist/900001@" /artist/900001 "200 400 404"
sweep "hostile track id" "/track/900002@" /track/900002 "200 400 404"
sweep "hostile letter" "/browse?letter=@" "/browse?letter=Z" "200 400"
sweep "hostile letter suffix" "/browse?letter=Z@" "/browse?letter=Z" "200 400"
sweep "hostile page" "/browse?letter=Z&page=@" "/browse?letter=Z" "200 400"
sweep "hostile page suffix" "/browse?letter=Z&page=1@" "/browse?letter=Z" "200 400"
sweep "hostile search suffix" "/search?q=Kravi@" "/search?q=Kravi@" "200 400"
sweep "hostile search" "/search?q=@" "/search?q=@" "200 400"
sweep "hostile parameter name" "/search?q=Kravi&@=1" "/search?q=Kravi" "200 400"

# ---------------------------------------------------------------- size limits
# The program's limits (lyre.conf: URL 8 KiB, headers 16 KiB, body 64 KiB) are lower than
# the servers', so its own answer is what comes back; a server's own refusal of the same
# kind is accepted too (its limits are a backstop).
long=$(head -c 20480 /dev/zero | tr '\0' a)
fetch "$BASE/search?q=$long"
check "20 KB URL: 414" status_in 414
pad=()
for i in $(seq 1 40); do pad+=(-H "X-Pad-$i: $(head -c 1000 /dev/zero | tr '\0' b)"); done
fetch "$BASE/" "${pad[@]}"
check "40 KB of headers: 431" status_in 431
head -c 262144 /dev/zero | tr '\0' x >"$T_TMP/body-256k"
fetch "$BASE/search" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T_TMP/body-256k"
check "256 KB POST body (over lyre.conf's limit): 413" status_in 413
head -c 3145728 /dev/zero | tr '\0' x >"$T_TMP/body-3m"
fetch "$BASE/search" -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$T_TMP/body-3m"
check "3 MB POST body (over the server's limit): 413" status_in 413
fetch "$BASE/album/900001"
check "still serving after the oversize requests" status_in 200

finish
