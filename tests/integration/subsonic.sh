#!/bin/bash
# tests/integration/subsonic.sh [LABEL] BASE_URL — the Subsonic/OpenSubsonic API (/rest/)
# through HTTP: app passwords and API keys made, used and revoked on /account/apps; every
# way of signing in (u+p plain and enc:, u+t+s, apiKey) and its failures (10, 40, 43, 44,
# throttling, disabled account, revoked password); the browsing, list and search endpoints
# with their bad inputs; XML, JSON and JSONP; GET and form POST.
#
# Every XML answer is validated with xmllint against the 1.16.1 XSD.  The schema has no
# room for the three attributes an OpenSubsonic server must put on <subsonic-response>
# (type, serverVersion, openSubsonic), so the test validates against a copy made in its
# temporary directory where only those three are added to the Response type: everything
# else is checked as strictly as the original (OpenSubsonic additions inside elements are
# sent in JSON only).  getOpenSubsonicExtensions is OpenSubsonic-only and checked in JSON.
#
# Needs LYRE_TEST_INSTANCE (lyre.conf, my.cnf), LYRE_TEST_BUILD (tools/lyre-admin), jq,
# xmllint and the XSD in $LYRE_CONFORMANCE (default /work/shared/conformance).
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=${LABEL:-subsonic}; BASE=${1:-http://127.0.0.1:8081}; fi
. "$(dirname "$0")/lib.sh"

INST=${LYRE_TEST_INSTANCE:?}
CONF="$INST/lyre.conf"
ADMIN="${LYRE_TEST_BUILD:?}/tools/lyre-admin"
XSD_SRC="${LYRE_CONFORMANCE:-/work/shared/conformance}/subsonic-rest-api-1.16.1.xsd"
HEX64='[0-9a-f]\{64\}'
PASS="violet kettle 42 drums"
RUN=$(date +%s | tail -c 6)$$

sql() {
    mariadb --defaults-file="$INST/my.cnf" --user=root --default-character-set=utf8mb4 -N -B lyre -e "$1"
}

# ---------------------------------------------------------------- the schema copy
XSD="$T_TMP/subsonic.xsd"
sed 's|<xs:attribute name="version" type="sub:Version" use="required"/>|&<xs:attribute name="type" type="xs:string"/><xs:attribute name="serverVersion" type="xs:string"/><xs:attribute name="openSubsonic" type="xs:boolean"/>|' \
    "$XSD_SRC" >"$XSD"
mkdir -p "$T_TMP/xml"
XML_N=0
XML_BAD=0

# ---------------------------------------------------------------- web sign-in
SRC="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
jar() { echo "$T_TMP/jar-$1"; }
cookie() { awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$1" 2>/dev/null; }
get() { fetch "$BASE$2" --interface "$SRC" -b "$1" -c "$1" "${@:3}"; }
post() {
    local j=$1 path=$2 token=$3 args=() kv
    shift 3
    [ "$token" = - ] || args+=(--data-urlencode "csrf=$token")
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    [ ${#args[@]} -gt 0 ] || args+=(-d "")
    fetch "$BASE$path" --interface "$SRC" -b "$j" -c "$j" "${args[@]}"
}
make_user() {
    local j t
    j=$(jar "$1")
    printf '%s\n' "$PASS" | "$ADMIN" -c "$CONF" user add "$1" "$1@example.test" --password-stdin --verified \
        >/dev/null 2>"$T_TMP/admin-err" || { cat "$T_TMP/admin-err" >&2; return 1; }
    get "$j" /login
    t=$(cookie "$j" lyre_csrf)
    post "$j" /login "$t" "login=$1" "password=$PASS"
    [ "$STATUS" = 303 ]
}
csrf_of() {
    get "$1" /account/apps
    grep -o "data-csrf=\"$HEX64\"" "$BODY" | head -n 1 | grep -o "$HEX64"
}
# make_app JAR CSRF KIND NAME: the secret shown once, on stdout.
make_app() {
    post "$1" /account/apps "$2" "kind=$3" "name=$4"
    [ "$STATUS" = 200 ] || return 1
    sed -n 's/.*<code class="acct-secret" id="app-secret">\([^<]*\)<.*/\1/p' "$BODY" | head -n 1
}

ALICE="sub$RUN"a
CAROL="sub$RUN"c
DAVE="sub$RUN"d
A=$(jar "$ALICE")
check "a user made with lyre-admin signs in" make_user "$ALICE"
CA=$(csrf_of "$A")
get "$A" /account/apps
check "the apps page answers a signed-in user" all status_in 200 \; body_has "Apps and devices" \; body_has "None yet"
fetch "$BASE/account/apps" --interface "$SRC"
check "the apps page sends anonymous visitors to sign in" all status_in 303 \; header_is Location '^/login\?next='

APPPW=$(make_app "$A" "$CA" password "Phone app")
check "an app password is made and shown once" test "${#APPPW}" = 24
check "the page says it is shown only once" body_has "shown only this once"
SECOND=$(make_app "$A" "$CA" password "Tablet")
APIKEY=$(make_app "$A" "$CA" apikey "Desktop")
check "an API key is made" eval '[[ $APIKEY =~ ^lyre_[A-Za-z0-9_-]{43}$ ]]'
get "$A" /account/apps
check "the list shows both kinds, never a secret" all body_has "Phone app" \; body_has "API key" \; body_lacks "$APPPW" \; body_lacks "$APIKEY"
post "$A" /account/apps "$CA" "kind=password" "name=   "
check "a blank name is refused with the form again" all status_in 422 \; body_has "Give it a name"
post "$A" /account/apps - "kind=password" "name=x"
check "making one needs the CSRF token" status_in 403
check "the secret is stored sealed, not in clear" test -z "$(sql "SELECT id FROM app_passwords WHERE secret LIKE '%$APPPW%'")"
check "an API key is stored only as its hash" test -z "$(sql "SELECT id FROM app_passwords WHERE key_sha256 = '$APIKEY' OR name = '$APIKEY'")"

# ---------------------------------------------------------------- the API
# rest NAME [QUERY] [CURL ARGS...]: GET /rest/NAME.view as ALICE with a token.
USER=$ALICE
SECRET=$APPPW
token_auth() {
    local salt t
    salt=$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
    t=$(printf '%s%s' "$SECRET" "$salt" | md5sum | cut -d' ' -f1)
    printf 'u=%s&t=%s&s=%s&v=1.16.1&c=lyretest' "$USER" "$t" "$salt"
}
rest() {
    local name=$1 q=${2:-}
    shift 2 2>/dev/null || shift
    fetch "$BASE/rest/$name.view?$(token_auth)${q:+&$q}" --interface "$SRC" "$@"
    keep_xml
}
# rest_raw PATH_AND_QUERY: no credentials added.
rest_raw() {
    fetch "$BASE/rest/$1" --interface "$SRC" "${@:2}"
    keep_xml
}
# Every XML answer of the run is kept and validated against the schema copy.
keep_xml() {
    head -c 5 "$BODY" | grep -q '<?xml' || return 0
    XML_N=$((XML_N + 1))
    cp "$BODY" "$T_TMP/xml/$XML_N.xml"
    if ! xmllint --noout --schema "$XSD" "$BODY" 2>"$T_TMP/xml/$XML_N.err"; then
        XML_BAD=$((XML_BAD + 1))
        fail "answer $XML_N is valid against the XSD" "$LAST_URL" "$(head -c 600 "$T_TMP/xml/$XML_N.err")"
    fi
}
xattr() { xmllint --xpath "string($1)" "$BODY" 2>/dev/null; }
# ok: status="ok" and HTTP 200.
ok() {
    [ "$STATUS" = 200 ] || { echo "HTTP $STATUS"; return 1; }
    grep -q 'status="ok"' "$BODY" && return 0
    echo "not ok: $(head -c 300 "$BODY")"
    return 1
}
# err CODE: status="failed" with that error code (HTTP 200).
err() {
    [ "$STATUS" = 200 ] || { echo "HTTP $STATUS"; return 1; }
    grep -q "status=\"failed\"" "$BODY" && grep -q "<error code=\"$1\"" "$BODY" && return 0
    echo "wanted error $1: $(head -c 300 "$BODY")"
    return 1
}
count() { xmllint --xpath "count($1)" "$BODY" 2>/dev/null; }
X='/*[local-name()="subsonic-response"]'
el() { printf '/*[local-name()="%s"]' "$@" | sed 's|^|'"$X"'|'; }
jqb() { jq -e "$1" "$BODY" >/dev/null 2>&1 || { echo "jq $1 is false on: $(head -c 400 "$BODY")"; return 1; }; }

# ---- authentication
rest ping
check "ping with a token of an app password" ok
check "the envelope is OpenSubsonic" all body_has 'version="1.16.1"' \; body_has 'type="lyre"' \; body_has 'openSubsonic="true"' \; body_has 'serverVersion="'
check "XML is sent as text/xml" header_is Content-Type '^text/xml'
check "browser players on other origins may read answers" header_is Access-Control-Allow-Origin '^\*$'
rest_raw "ping.view?u=$ALICE&p=$APPPW&v=1.16.1&c=lyretest"
check "ping with the app password in clear" ok
ENC=$(printf '%s' "$APPPW" | od -An -tx1 | tr -d ' \n')
rest_raw "ping.view?u=$ALICE&p=enc:$ENC&v=1.16.1&c=lyretest"
check "ping with the app password enc:hex" ok
rest_raw "ping?u=${ALICE^^}&p=$SECOND&v=1.16.1&c=lyretest"
check "the second app password works too, without .view, user name in any case" ok
rest_raw "ping.view?apiKey=$APIKEY&v=1.16.1&c=lyretest"
check "ping with the API key" ok
rest_raw "ping.view?apiKey=$APIKEY&u=$ALICE&v=1.16.1&c=lyretest"
check "apiKey together with u is error 43" err 43
rest_raw "ping.view?apiKey=lyre_nothing&v=1.16.1&c=lyretest"
check "an unknown API key is error 44" err 44
rest_raw "ping.view?u=$ALICE&p=$APPPW&t=0123&s=abcdef&v=1.16.1&c=lyretest"
check "p together with t and s is error 43" err 43
rest_raw "ping.view?u=$ALICE&p=$(printf '%s' "$PASS" | sed 's/ /%20/g')&v=1.16.1&c=lyretest"
check "the account password is not accepted (error 40)" err 40
SALT=abcdef123
rest_raw "ping.view?u=$ALICE&t=$(printf '%s%s' "wrong" "$SALT" | md5sum | cut -d' ' -f1)&s=$SALT&v=1.16.1&c=lyretest"
check "a wrong token is error 40" err 40
rest_raw "ping.view?u=$ALICE&p=enc:zz&v=1.16.1&c=lyretest"
check "malformed enc: hex is error 40" err 40
rest_raw "ping.view?p=$APPPW&v=1.16.1&c=lyretest"
check "no u is error 10" err 10
rest_raw "ping.view?u=$ALICE&v=1.16.1&c=lyretest"
check "no credentials is error 10" err 10
rest_raw "ping.view?u=$ALICE&t=0123456789abcdef0123456789abcdef&v=1.16.1&c=lyretest"
check "t without s is error 10" err 10
rest_raw "ping.view?u=$ALICE&p=$APPPW&c=lyretest"
check "no v is error 10" err 10
rest_raw "ping.view?u=$ALICE&p=$APPPW&v=1.16.1"
check "no c is error 10" err 10
rest_raw "noSuchMethod.view?u=$ALICE&p=$APPPW&v=1.16.1&c=lyretest"
check "an unknown method is 404 with an error document" all status_in 404 \; body_has 'status="failed"'
fetch "$BASE/rest/ping.view" --interface "$SRC" --data-urlencode "u=$ALICE" --data-urlencode "p=$APPPW" \
    -d "v=1.16.1&c=lyretest&f=json"
check "form POST (formPost) works without a CSRF token" jqb '."subsonic-response".status == "ok"'
rest_raw "getOpenSubsonicExtensions.view?f=json"
check "getOpenSubsonicExtensions answers without authentication" \
    jqb '."subsonic-response".openSubsonicExtensions | map(.name) | index("apiKeyAuthentication") and index("formPost")'
check "extension versions are arrays of numbers" jqb '."subsonic-response".openSubsonicExtensions[0].versions[0] | type == "number"'

# last use shows on the account page
get "$A" /account/apps
check "the account page shows when and by which app it was last used" all body_has "last used" \; body_has "lyretest"

# disabled accounts
make_user "$DAVE" >/dev/null || true
CD=$(csrf_of "$(jar "$DAVE")")
DPW=$(make_app "$(jar "$DAVE")" "$CD" password "phone")
rest_raw "ping.view?u=$DAVE&p=$DPW&v=1.16.1&c=lyretest"
check "a second user's app password works" ok
sql "UPDATE users SET status = 'disabled' WHERE username = '$DAVE'"
rest_raw "ping.view?u=$DAVE&p=$DPW&v=1.16.1&c=lyretest"
check "a disabled user is refused (error 40)" err 40
rest_raw "ping.view?u=$ALICE&p=$DPW&v=1.16.1&c=lyretest"
check "one user's app password does not open another's account" err 40

# throttling, from an address of its own
make_user "$CAROL" >/dev/null || true
CC=$(csrf_of "$(jar "$CAROL")")
CPW=$(make_app "$(jar "$CAROL")" "$CC" password "phone")
SRC_T="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
FREE=$(sed -n 's/^ *login_free_attempts = \([0-9]*\);.*/\1/p' "$CONF" | head -n 1)
for _ in $(seq 1 $((${FREE:-5} + 2))); do
    fetch "$BASE/rest/ping.view?u=$CAROL&p=wrongwrong&v=1.16.1&c=lyretest" --interface "$SRC_T"
done
keep_xml
check "failures past the free ones lock the account out" all err 40 \; body_has "Too many failed attempts"
fetch "$BASE/rest/ping.view?u=$CAROL&p=$CPW&v=1.16.1&c=lyretest" --interface "$SRC_T"
keep_xml
check "while locked even the right password waits, with Retry-After" all err 40 \; header_is Retry-After '^[0-9]+$'

# ---- system and browsing
rest getLicense
check "getLicense: valid" all ok \; test "$(xattr "$(el license)/@valid")" = true
rest getMusicFolders
check "getMusicFolders: one folder with a numeric id" all ok \; test "$(xattr "$(el musicFolders musicFolder)/@id")" = 1
rest getScanStatus
check "getScanStatus" all ok \; test "$(xattr "$(el scanStatus)/@scanning")" = false

NTRACKS=$(sql "SELECT COUNT(*) FROM tracks WHERE available = 1")
NALBUMS=$(sql "SELECT COUNT(*) FROM albums")
NARTISTS=$(sql "SELECT COUNT(*) FROM artists")
# A list asks for 500 at most: the shared test instance may hold more.
PAGE_ALBUMS=$(( NALBUMS < 500 ? NALBUMS : 500 ))
PAGE_ARTISTS=$(( NARTISTS < 500 ? NARTISTS : 500 ))
ALBUM=$(sql "SELECT album_id FROM tracks WHERE available = 1 GROUP BY album_id HAVING COUNT(*) > 1 ORDER BY album_id LIMIT 1")
ALBUM_N=$(sql "SELECT COUNT(*) FROM tracks WHERE album_id = $ALBUM AND available = 1")
ARTIST=$(sql "SELECT album_artist_id FROM albums WHERE id = $ALBUM")
TRACK=$(sql "SELECT id FROM tracks WHERE album_id = $ALBUM AND available = 1 ORDER BY id LIMIT 1")
GENRE=$(sql "SELECT g.name FROM albums al JOIN genres g ON g.id = al.genre_id LIMIT 1")
YEAR=$(sql "SELECT MIN(year) FROM albums WHERE year IS NOT NULL")

rest getIndexes
check "getIndexes lists artists under letters" all ok \; test "$(count "$(el indexes index artist)")" -gt 0
LM=$(xattr "$(el indexes)/@lastModified")
rest getIndexes "ifModifiedSince=$LM"
check "getIndexes with ifModifiedSince = lastModified lists nothing" all ok \; test "$(count "$(el indexes index)")" = 0
rest getIndexes "musicFolderId=7"
check "getIndexes of an unknown folder is error 70" err 70
rest getMusicDirectory "id=ar-$ARTIST"
check "getMusicDirectory of an artist lists albums as folders" all ok \; test "$(count "$(el directory child)[@isDir='true']")" -gt 0
rest getMusicDirectory "id=$ALBUM"
check "getMusicDirectory of an album lists its songs" all ok \; test "$(count "$(el directory child)[@isDir='false']")" = "$ALBUM_N"
check "the album directory's parent is its artist directory" test "$(xattr "$(el directory)/@parent")" = "ar-$ARTIST"
rest getMusicDirectory ""
check "getMusicDirectory without id is error 10" err 10
rest getMusicDirectory "id=ar-999999999"
check "getMusicDirectory of an unknown artist is error 70" err 70
rest getMusicDirectory "id=nonsense"
check "getMusicDirectory of a malformed id is error 70" err 70

rest getArtists
check "getArtists: ArtistID3 under index letters" all ok \; test "$(count "$(el artists index artist)")" -gt 0
UA=$(sql "SELECT id FROM users WHERE username = '$ALICE'")
sql "INSERT IGNORE INTO artist_follows (user_id, artist_id) VALUES ($UA, $ARTIST)"
rest getArtists
check "getArtists marks the artists the user follows as starred (per user, though the list is cached)" \
    test -n "$(xattr "$(el artists index artist)[@id='$ARTIST']/@starred")"
OLDNAME=$(sql "SELECT name FROM artists WHERE id = $ARTIST")
sql "UPDATE artists SET name = 'Renamed $RUN' WHERE id = $ARTIST"
rest getArtists
check "getArtists sees a catalog change at once" test "$(xattr "$(el artists index artist)[@id='$ARTIST']/@name")" = "Renamed $RUN"
rest getIndexes
check "getIndexes too" test "$(xattr "$(el indexes index artist)[@id='ar-$ARTIST']/@name")" = "Renamed $RUN"
sql "UPDATE artists SET name = '$(printf '%s' "$OLDNAME" | sed "s/'/''/g")' WHERE id = $ARTIST"
rest getArtist "id=$ARTIST"
check "getArtist lists its albums" all ok \; test "$(count "$(el artist album)")" -gt 0
check "getArtist albumCount equals its albums" test "$(xattr "$(el artist)/@albumCount")" = "$(count "$(el artist album)")"
rest getArtist ""
check "getArtist without id is error 10" err 10
rest getArtist "id=999999999"
check "getArtist of an unknown id is error 70" err 70
rest getArtist "id=abc"
check "getArtist of a malformed id is error 70" err 70

rest getAlbum "id=$ALBUM"
check "getAlbum lists its songs" all ok \; test "$(count "$(el album song)")" = "$ALBUM_N"
check "getAlbum songCount equals the songs listed" test "$(xattr "$(el album)/@songCount")" = "$ALBUM_N"
check "songs carry the Child attributes clients use" all \
    test -n "$(xattr "$(el album song)[1]/@duration")" \; test "$(xattr "$(el album song)[1]/@albumId")" = "$ALBUM" \
    \; test "$(xattr "$(el album song)[1]/@type")" = music \; test "$(xattr "$(el album song)[1]/@isDir")" = false \
    \; test -n "$(xattr "$(el album song)[1]/@artistId")" \; test "$(xattr "$(el album song)[1]/@suffix")" = mp3
rest getAlbum ""
check "getAlbum without id is error 10" err 10
rest getAlbum "id=999999999"
check "getAlbum of an unknown id is error 70" err 70
rest getSong "id=$TRACK"
check "getSong" all ok \; test "$(xattr "$(el song)/@id")" = "$TRACK"
UA=$(sql "SELECT id FROM users WHERE username = '$ALICE'")
sql "INSERT INTO ratings (user_id, item_kind, item_id, rating) VALUES ($UA, 'track', $TRACK, 4), ($UA, 'album', $ALBUM, 5)
     ON DUPLICATE KEY UPDATE rating = VALUES(rating)"
rest getSong "id=$TRACK"
check "a song carries the user's rating (userRating)" test "$(xattr "$(el song)/@userRating")" = 4
rest getAlbum "id=$ALBUM&f=json"
check "JSON: the album carries the user's rating too (OpenSubsonic)" jqb '."subsonic-response".album.userRating == 5'
rest getSong "id=999999999"
check "getSong of an unknown id is error 70" err 70
rest getSong ""
check "getSong without id is error 10" err 10
rest getGenres
check "getGenres: name as text, counts as attributes" all ok \; test "$(count "$(el genres genre)")" -gt 0

# ---- lists
for type in random newest highest frequent recent alphabeticalByName alphabeticalByArtist starred; do
    rest getAlbumList2 "type=$type&size=5"
    check "getAlbumList2 type=$type" ok
done
rest getAlbumList2 "type=newest&size=500"
check "getAlbumList2 newest lists every album, 500 at most (size 500)" test "$(count "$(el albumList2 album)")" = "$PAGE_ALBUMS"
rest getAlbumList2 "type=alphabeticalByName&size=3&offset=2"
P2=$(xattr "$(el albumList2 album)[1]/@id")
rest getAlbumList2 "type=alphabeticalByName&size=5&offset=0"
check "getAlbumList2 offset pages" test "$(xattr "$(el albumList2 album)[3]/@id")" = "$P2"
rest getAlbumList2 "type=byYear&fromYear=$YEAR&toYear=2100&size=500"
check "getAlbumList2 byYear" all ok \; test "$(count "$(el albumList2 album)")" -gt 0
FIRST_ASC=$(xattr "$(el albumList2 album)[1]/@year")
rest getAlbumList2 "type=byYear&fromYear=2100&toYear=$YEAR&size=500"
check "getAlbumList2 byYear reversed lists the newest first" test "$(xattr "$(el albumList2 album)[1]/@year")" -ge "$FIRST_ASC"
rest getAlbumList2 "type=byYear&toYear=2000"
check "getAlbumList2 byYear without fromYear is error 10" err 10
rest getAlbumList2 "type=byGenre&genre=$(printf '%s' "$GENRE" | jq -sRr @uri)&size=500"
check "getAlbumList2 byGenre" all ok \; test "$(count "$(el albumList2 album)")" -gt 0
rest getAlbumList2 "type=byGenre"
check "getAlbumList2 byGenre without genre is error 10" err 10
rest getAlbumList2 ""
check "getAlbumList2 without type is error 10" err 10
rest getAlbumList2 "type=best"
check "getAlbumList2 with an unknown type is error 0" err 0
rest getAlbumList2 "type=newest&size=x"
check "getAlbumList2 with a malformed size is error 0" err 0
UA=$(sql "SELECT id FROM users WHERE username = '$ALICE'")
sql "INSERT INTO play_events (play_id, user_id, track_id, event, position_ms) VALUES
     (MD5('s$RUN-1'), $UA, $TRACK, 'start', 0), (MD5('s$RUN-2'), $UA, $TRACK, 'start', 0)"
rest getAlbumList2 "type=recent&size=5"
check "getAlbumList2 recent lists the album just played (web player or scrobble)" \
    all ok \; test "$(xattr "$(el albumList2 album)[1]/@id")" = "$ALBUM"
rest getAlbumList2 "type=frequent&size=5"
check "getAlbumList2 frequent lists it too" test "$(xattr "$(el albumList2 album)[1]/@id")" = "$ALBUM"
sql "UPDATE play_events SET user_id = NULL WHERE user_id = $UA"
rest getAlbumList2 "type=recent&size=5"
check "a cleared history empties recent" all ok \; test "$(count "$(el albumList2 album)")" = 0
rest getAlbumList2 "type=random&size=5"
check "getAlbumList2 random gives 5 different albums" \
    test "$(xmllint --xpath "$(el albumList2 album)/@id" "$BODY" 2>/dev/null | tr ' ' '\n' | sort -u | grep -c id)" = 5
rest getAlbumList "type=newest&size=5"
check "getAlbumList (folders)" all ok \; test "$(count "$(el albumList album)[@isDir='true']")" = 5

# ---- search
WORD=$(sql "SELECT word FROM search_words ORDER BY freq DESC LIMIT 1")
rest search3 "query=$WORD"
check "search3 finds something for a common word" all ok \; test "$(count "$(el searchResult3)/*")" -gt 0
rest search3 "query=${WORD:0:3}"
check "search3 completes a prefix" all ok \; test "$(count "$(el searchResult3)/*")" -gt 0
read -r TW_ID TW_TITLE < <(sql "SELECT id, title FROM tracks WHERE available = 1 AND title REGEXP '^[A-Za-z]+ [A-Za-z]+ [A-Za-z]+$' ORDER BY id LIMIT 1")
rest search3 "query=$(printf '%s' "$TW_TITLE" | jq -sRr @uri)&songCount=500&artistCount=0&albumCount=0"
check "search3 with three words finds the song of that title" \
    all ok \; test "$(count "$(el searchResult3 song)[@id='$TW_ID']")" = 1
rest search3 "query=$(printf '%s' "${TW_TITLE% *}" | jq -sRr @uri)&songCount=500&artistCount=0&albumCount=0"
check "search3 with two words finds it too" test "$(count "$(el searchResult3 song)[@id='$TW_ID']")" = 1
rest search3 "query=zzzqqqxxx"
check "search3 with no match answers an empty result" all ok \; test "$(count "$(el searchResult3)/*")" = 0
rest search3 ""
check "search3 without query is error 10" err 10
rest search3 "query=$WORD&songCount=x"
check "search3 with a malformed count is error 0" err 0
rest search2 "query=$WORD"
check "search2" ok
rest search3 "query=&artistCount=0&albumCount=0&songCount=1"
check "search3 count 0 returns none of that kind" all ok \; test "$(count "$(el searchResult3 song)")" = 1 \
    \; test "$(count "$(el searchResult3 album)")" = 0
# offline sync: an empty query pages through everything, no gaps, no duplicates
: >"$T_TMP/sync"
off=0
while :; do
    rest search3 "query=%22%22&artistCount=0&albumCount=0&songCount=40&songOffset=$off&f=json"
    n=$(jq '."subsonic-response".searchResult3.song // [] | length' "$BODY")
    jq -r '."subsonic-response".searchResult3.song // [] | .[].id' "$BODY" >>"$T_TMP/sync"
    off=$((off + 40))
    [ "$n" -eq 40 ] || break
    [ "$off" -lt 100000 ] || break
done
check "search3 with an empty query pages through every song once" all \
    test "$(wc -l <"$T_TMP/sync")" = "$NTRACKS" \; test "$(sort -u "$T_TMP/sync" | wc -l)" = "$NTRACKS"
# the catalog changes between syncs: the next sync sees it (no stale resume points)
GONE=$(sed -n 3p "$T_TMP/sync")
sql "UPDATE tracks SET available = 0 WHERE id = $GONE"
: >"$T_TMP/sync2"
off=0
while :; do
    rest search3 "query=&artistCount=0&albumCount=0&songCount=40&songOffset=$off&f=json"
    n=$(jq '."subsonic-response".searchResult3.song // [] | length' "$BODY")
    jq -r '."subsonic-response".searchResult3.song // [] | .[].id' "$BODY" >>"$T_TMP/sync2"
    off=$((off + 40))
    [ "$n" -eq 40 ] && [ "$off" -lt 100000 ] || break
done
sql "UPDATE tracks SET available = 1 WHERE id = $GONE"
check "a sync after a song became unavailable has every other song once" all \
    test "$(sort -u "$T_TMP/sync2" | wc -l)" = "$((NTRACKS - 1))" \; test "$(wc -l <"$T_TMP/sync2")" = "$((NTRACKS - 1))" \
    \; test -z "$(grep -x "$GONE" "$T_TMP/sync2")"
rest search3 "query=&artistCount=500&albumCount=500&songCount=0"
check "search3 with an empty query lists every artist and album (500 at most)" all \
    test "$(count "$(el searchResult3 artist)")" = "$PAGE_ARTISTS" \; test "$(count "$(el searchResult3 album)")" = "$PAGE_ALBUMS"

# ---- JSON and JSONP
rest getAlbumList2 "type=newest&size=1&f=json"
check "JSON: one album is still an array" jqb '."subsonic-response".albumList2.album | type == "array" and length == 1'
check "JSON is sent as application/json" header_is Content-Type '^application/json'
rest getAlbum "id=$ALBUM&f=json"
check "JSON: numbers and booleans are typed" jqb '."subsonic-response".album | (.songCount|type) == "number" and (.duration|type) == "number" and (.song[0].isDir == false) and (.song[0].duration|type) == "number" and (.song[0].id|type) == "string"'
check "JSON: the OpenSubsonic root fields" jqb '."subsonic-response" | .openSubsonic == true and .type == "lyre" and .status == "ok"'
check "JSON: songs carry mediaType (OpenSubsonic)" jqb '."subsonic-response".album.song[0].mediaType == "song"'
rest getGenres "f=json"
check "JSON: text content becomes value" jqb '."subsonic-response".genres.genre[0] | (.value|type) == "string" and (.songCount|type) == "number"'
rest getMusicFolders "f=json"
check "JSON: musicFolder id is a number" jqb '."subsonic-response".musicFolders.musicFolder[0].id == 1'
rest getAlbum "id=999999999&f=json"
check "JSON errors: code and message" jqb '."subsonic-response" | .status == "failed" and .error.code == 70 and (.error.message|type) == "string"'
rest ping "f=jsonp&callback=cb.x_1"
check "JSONP wraps the answer in the callback" all grep -q '^/\*\*/cb.x_1({"subsonic-response":' "$BODY" \; body_has '});' \
    \; header_is Content-Type '^(application|text)/javascript'
rest ping "f=jsonp&callback=alert(1)"
check "JSONP refuses a callback that is not a name" all jqb '."subsonic-response".error.code == 0' \; body_lacks 'alert(1)('
rest ping "f=jsonp"
check "JSONP without callback is error 10" jqb '."subsonic-response".error.code == 10'

# ---- revocation
APPID=$(sql "SELECT id FROM app_passwords WHERE name = 'Phone app' AND user_id = (SELECT id FROM users WHERE username = '$ALICE')")
FIXED="u=$ALICE&t=$(printf '%s%s' "$APPPW" fixedsalt | md5sum | cut -d' ' -f1)&s=fixedsalt&v=1.16.1&c=lyretest"
rest_raw "ping.view?$FIXED"
rest_raw "ping.view?$FIXED"
check "the same token and salt again (remembered by the worker)" ok
post "$A" "/account/apps/$APPID/revoke" "$CA"
check "revoking from the account page" all status_in 303 \; header_is Location '^/account/apps\?done=app-revoked'
rest ping
check "a revoked app password is error 40" err 40
rest_raw "ping.view?$FIXED"
check "a revoked app password is refused at once even where it was remembered" err 40
rest_raw "ping.view?$FIXED"
check "... on every worker" err 40
SECRET=$SECOND
rest ping
check "the other app password still works" ok
KEYID=$(sql "SELECT id FROM app_passwords WHERE kind = 'apikey' AND user_id = (SELECT id FROM users WHERE username = '$ALICE')")
post "$A" "/account/apps/$KEYID/revoke" "$CA"
rest_raw "ping.view?apiKey=$APIKEY&v=1.16.1&c=lyretest"
check "a revoked API key is error 44" err 44
post "$A" "/account/apps/$KEYID/revoke" "$CA"
check "revoking twice is 404" status_in 404
BOBJ=$(jar "$DAVE")
post "$A" "/account/apps/$(sql "SELECT id FROM app_passwords WHERE user_id = (SELECT id FROM users WHERE username = '$DAVE')")/revoke" "$CA"
check "nobody revokes another user's app password" status_in 404

check "every XML answer ($XML_N) was valid against the XSD" test "$XML_BAD" = 0
finish
