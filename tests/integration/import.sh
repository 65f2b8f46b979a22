#!/bin/bash
# tests/integration/import.sh [LABEL] BASE_URL — playlist import and export
# (cgi/playlists/transfer.c): M3U, M3U8 with #EXTINF, XSPF (MusicBrainz id, location,
# creator + title), Latin-1 .m3u, the report of unmatched lines, hostile files (XXE,
# billion laughs, 10 MB, binary, empty), export M3U8/XSPF and their round trip, and
# export visibility (someone else's private playlist answers 404).
# Needs LYRE_TEST_INSTANCE (my.cnf: sessions and catalog rows are made in SQL) and the
# fixture catalog (tests/fixtures/catalog.sql); http.max_body_bytes below 10 MB.
set -u
if [ $# -ge 2 ]; then LABEL=$1; BASE=$2; else LABEL=""; BASE=$1; fi
. "$(dirname "$0")/lib.sh"
LYRE_ROOT=${LYRE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}

sql() {
    mariadb --defaults-file="$LYRE_TEST_INSTANCE/my.cnf" --user=root --default-character-set=utf8mb4 \
        -N -B lyre -e "$1"
}
hex32() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# new_session USERNAME: a user (made once) and a fresh session; prints "TOKEN CSRF USER_ID".
new_session() {
    local name=$1 key token csrf hash uid
    key=$(printf %s "$name" | tr 'A-Z' 'a-z')
    sql "INSERT IGNORE INTO users (username, username_key, email, email_key, display_name)
         VALUES ('$name', '$key', '$key@import.test', '$key@import.test', '')" || return 1
    uid=$(sql "SELECT id FROM users WHERE username_key = '$key'")
    token=$(hex32)
    csrf=$(hex32)
    hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
    sql "INSERT INTO sessions (user_id, token_hash, csrf_token, expires_at)
         VALUES ($uid, UNHEX('$hash'), '$csrf', NOW(3) + INTERVAL 1 DAY)" || return 1
    echo "$token $csrf $uid"
}

SUFFIX="${LABEL:-x}_$$"
read -r TOKEN_A CSRF_A UID_A <<<"$(new_session "Imp_A_${SUFFIX//-/_}")"
read -r TOKEN_B CSRF_B UID_B <<<"$(new_session "Imp_B_${SUFFIX//-/_}")"
[ -n "${UID_B:-}" ] || { fail "test users" "could not make sessions in SQL"; finish; exit 1; }

# Catalog facts the matching rules need: two source files and a MusicBrainz id.
MBID=3f8a2c1e-5b7d-4e9a-8c6f-0123456789ab
sql "INSERT IGNORE INTO media_sources (path, path_sha256, size, mtime_ns, track_id, status) VALUES
     ('/srv/music/Zoe/Svefn-g-englar.flac', SHA2('/srv/music/Zoe/Svefn-g-englar.flac', 256), 1, 1, 900001, 'ok'),
     ('/srv/music/Zoe/Njosnavelin_unique.flac', SHA2('/srv/music/Zoe/Njosnavelin_unique.flac', 256), 1, 1, 900003, 'ok');
     UPDATE tracks SET mbid = '$MBID' WHERE id = 900004" || fail "catalog rows" "mariadb failed"

# import FILE [NAME] [USER]: POST the file as the form would; the report is in $BODY.
import() {
    local file=$1 name=${2:-} who=${3:-A} token csrf
    if [ "$who" = A ]; then token=$TOKEN_A; csrf=$CSRF_A; else token=$TOKEN_B; csrf=$CSRF_B; fi
    fetch "$BASE/playlists/import" -b "lyre_session=$token" -H "X-CSRF-Token: $csrf" \
        -F "csrf=$csrf" -F "name=$name" -F "file=@$file"
}
# made_id: the id of the playlist the last report links to.
made_id() { grep -oE 'href="/playlist/[0-9]+"' "$BODY" | head -n 1 | grep -oE '[0-9]+'; }
# tracks_of ID: its track ids in position order, one line.
tracks_of() { sql "SELECT GROUP_CONCAT(track_id ORDER BY position) FROM playlist_items WHERE playlist_id = $1"; }
rule_count() { grep -oE "data-rule=\"$1\"><th scope=\"row\">[^<]*</th><td>[0-9]+" "$BODY" | grep -oE '[0-9]+$'; }
is() { [ "$1" = "$2" ] && return 0; echo "got '$1', wanted '$2'"; return 1; }
# invariants ID N: positions 0..N-1, track_count, duration_ms, one "import" edit.
invariants() {
    local id=$1 n=$2 row
    row=$(sql "SELECT COUNT(*), COALESCE(MIN(position), 0), COALESCE(MAX(position), -1), COUNT(DISTINCT position)
               FROM playlist_items WHERE playlist_id = $id")
    is "$row" "$n	0	$((n - 1))	$n" || return 1
    row=$(sql "SELECT p.track_count = $n, p.duration_ms = (SELECT COALESCE(SUM(t.duration_ms), 0)
               FROM playlist_items i JOIN tracks t ON t.id = i.track_id WHERE i.playlist_id = p.id),
               (SELECT COUNT(*) FROM playlist_edits e WHERE e.playlist_id = p.id AND e.action = 'import'),
               p.owner_id FROM playlists p WHERE p.id = $id")
    is "$row" "1	1	1	$UID_A"
}

F="$T_TMP/files"
mkdir -p "$F"

# ---- the form
fetch "$BASE/playlists/import" -b "lyre_session=$TOKEN_A"
check "import form: a multipart form with a file input and the CSRF token" \
    all status_in 200 \; body_has 'enctype="multipart/form-data"' \; body_has 'type="file"' \
        \; body_has 'accept=".m3u,.m3u8,.xspf' \; body_has "name=\"csrf\" value=\"$CSRF_A\""
fetch "$BASE/playlists/import"
check "import form: anonymous visitors are sent to sign in" status_in 303

# ---- plain M3U: paths (suffix and unique file name), one line unmatched
printf '%s\r\n' "Zoe/Svefn-g-englar.flac" 'C:\Music\Old\Njosnavelin_unique.flac' "nowhere/missing-track.mp3" >"$F/plain.m3u"
import "$F/plain.m3u"
ID_PLAIN=$(made_id)
check "M3U: made a playlist, matched by path, the unmatched line reported" \
    all status_in 200 \; is "$(rule_count path)" 2 \; is "$(rule_count none)" 1 \; body_has "nowhere/missing-track.mp3"
check "M3U: the tracks in the file's order, invariants kept" \
    all is "$(tracks_of "${ID_PLAIN:-0}")" "900001,900003" \; invariants "${ID_PLAIN:-0}" 2
check "M3U: named after the file" body_has '>plain</a>'

# ---- M3U8 with #EXTINF: artist and title
cat >"$F/ext.m3u8" <<'EOF'
#EXTM3U
#PLAYLIST:Extended & <Friends>
#EXTINF:600,Zoë Kravitz-Test - Svefn-g-englar
somewhere/else/01.mp3
#EXTINF:371,Zoë Kravitz-Test - Njósnavélin
https://elsewhere.example/02.mp3
#EXTINF:12,Nobody At All - <b>Never</b> & "Heard"
03.mp3
EOF
import "$F/ext.m3u8"
ID_EXT=$(made_id)
check "M3U8: #EXTINF artist and title matched, the rest reported (escaped)" \
    all status_in 200 \; is "$(rule_count fuzzy)" 2 \; is "$(rule_count none)" 1 \
        \; body_has 'Nobody At All - &lt;b&gt;Never&lt;/b&gt; &amp; "Heard" (03.mp3)' \; body_lacks '<b>Never</b>'
check "M3U8: order and invariants; #PLAYLIST names it" \
    all is "$(tracks_of "${ID_EXT:-0}")" "900001,900003" \; invariants "${ID_EXT:-0}" 2 \
        \; body_has 'Extended &amp; &lt;Friends&gt;</a>'
if ! grep -q placeholder "$LYRE_ROOT/lib/fuzzy.c" 2>/dev/null; then
    printf '#EXTM3U\n#EXTINF:1,zoe kravitz test - Svefn g englr\nx.mp3\n' >"$F/typo.m3u8"
    import "$F/typo.m3u8"
    check "M3U8: accents, case and one typo still match" all status_in 200 \; is "$(rule_count fuzzy)" 1
fi

# ---- XSPF: MusicBrainz id, file location, creator + title, one unmatched
cat >"$F/list.xspf" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<playlist version="1" xmlns="http://xspf.org/ns/0/">
  <title>From XSPF</title>
  <trackList>
    <track><identifier>https://musicbrainz.org/recording/$MBID</identifier><title>whatever</title></track>
    <track><location>file:///home/me/Zoe/Svefn-g-englar.flac</location></track>
    <track><creator>Zoë Kravitz-Test</creator><title>Disc One Opener</title></track>
    <track><creator>Nobody</creator><title>&lt;i&gt;Unknown&lt;/i&gt;</title></track>
  </trackList>
</playlist>
EOF
import "$F/list.xspf"
ID_XSPF=$(made_id)
check "XSPF: matched by mbid, path and creator+title, the rest reported" \
    all status_in 200 \; is "$(rule_count mbid)" 1 \; is "$(rule_count path)" 1 \; is "$(rule_count fuzzy)" 1 \
        \; is "$(rule_count none)" 1 \; body_has 'Nobody - &lt;i&gt;Unknown&lt;/i&gt;' \; body_has '>From XSPF</a>'
check "XSPF: order and invariants" \
    all is "$(tracks_of "${ID_XSPF:-0}")" "900004,900001,900011" \; invariants "${ID_XSPF:-0}" 3

# ---- Latin-1 .m3u (converted), the same bytes as .m3u8 (refused)
printf '#EXTM3U\n#EXTINF:371,Zo\xeb Kravitz-Test - Nj\xf3snav\xe9lin\nx/nothing.mp3\n' >"$F/latin1.m3u"
import "$F/latin1.m3u" "Latin-1 list"
ID_L1=$(made_id)
check "Latin-1 .m3u: read as Latin-1 and matched" \
    all status_in 200 \; is "$(rule_count fuzzy)" 1 \; is "$(tracks_of "${ID_L1:-0}")" 900003
cp "$F/latin1.m3u" "$F/latin1.m3u8"
import "$F/latin1.m3u8"
check "Latin-1 .m3u8: refused, not UTF-8" all status_in 400 \; body_has 'not valid UTF-8'

# ---- hostile files
cat >"$F/xxe.xspf" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE playlist [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<playlist version="1" xmlns="http://xspf.org/ns/0/"><title>&xxe;</title>
<trackList><track><title>&xxe;</title><creator>&xxe;</creator></track></trackList></playlist>
EOF
import "$F/xxe.xspf"
check "XXE: refused, /etc/passwd never read" all status_in 400 \; body_lacks 'root:' \; body_has 'DTD'
sed 's/<!DOCTYPE/<!doctype/' "$F/xxe.xspf" >"$F/xxe2.xspf"
import "$F/xxe2.xspf"
check "XXE (lower-case doctype, not XML): refused" all status_in 400 \; body_lacks 'root:'
printf '%s\n' '<?xml version="1.0" encoding="UTF-7"?>' \
    '+ADw-!DOCTYPE playlist +AFs- +ADw-!ENTITY xxe SYSTEM +ACI-file:///etc/passwd+ACI-+AD4- +AF0-+AD4-' \
    '<playlist version="1" xmlns="http://xspf.org/ns/0/"><title>&xxe;</title><trackList/></playlist>' >"$F/utf7.xspf"
import "$F/utf7.xspf"
check "XXE hidden in UTF-7: refused" all status_in 400 \; body_lacks 'root:'
{
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE lolz ['
    echo ' <!ENTITY lol "lol">'
    prev=lol
    for i in 1 2 3 4 5 6 7 8 9; do
        printf ' <!ENTITY lol%d "' "$i"
        for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done
        echo '">'
        prev=lol$i
    done
    echo ']>'
    echo '<playlist version="1" xmlns="http://xspf.org/ns/0/"><title>&lol9;</title><trackList/></playlist>'
} >"$F/lol.xspf"
start=$(date +%s%N)
import "$F/lol.xspf"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "billion laughs: refused in under 2 s (${ms} ms)" all status_in 400 \; test "$ms" -lt 2000
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$F/big.m3u"
import "$F/big.m3u"
check "10 MB file: 413 from the body limit" status_in 413
{ printf '#EXTM3U\n'; head -c 4096 /dev/urandom; printf '\0\0'; } >"$F/binary.m3u"
import "$F/binary.m3u"
check "binary file: a clear 400" all status_in 400 \; body_has 'binary file'
: >"$F/empty.m3u8"
import "$F/empty.m3u8"
check "empty file: 400" all status_in 400 \; body_has 'empty'
printf 'just some words\n' >"$F/notes.txt"
import "$F/notes.txt"
check "unknown format: 400" status_in 400
printf '#EXTM3U\nnot/here.mp3\n' >"$F/nothing.m3u8"
before=$(sql "SELECT COUNT(*) FROM playlists WHERE owner_id = $UID_A")
import "$F/nothing.m3u8"
check "nothing matched: 422, no playlist made" \
    all status_in 422 \; is "$(sql "SELECT COUNT(*) FROM playlists WHERE owner_id = $UID_A")" "$before"
fetch "$BASE/playlists/import" -b "lyre_session=$TOKEN_A" -F "file=@$F/plain.m3u"
check "import without the CSRF token: 403" status_in 403
fetch "$BASE/playlists/import" -b "lyre_session=$TOKEN_A" -H "X-CSRF-Token: $CSRF_A" \
    -H 'Content-Type: multipart/form-data; boundary=zz' --data-binary $'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.m3u"\r\n\r\nx.mp3'
check "truncated multipart body: 400" status_in 400

# ---- export, and the round trip
fetch "$BASE/playlist/$ID_XSPF/export.m3u8" -b "lyre_session=$TOKEN_A"
check "export M3U8: attachment, #EXTM3U, #EXTINF and track URLs" \
    all status_in 200 \; header_is Content-Type '^audio/x-mpegurl' \
        \; header_is Content-Disposition '^attachment; filename="From_XSPF\.m3u8"' \
        \; body_has '#EXTM3U' \; body_has '#EXTINF:600,Zoë Kravitz-Test - Svefn-g-englar' \; body_has '/track/900004'
cp "$BODY" "$F/export.m3u8"
import "$F/export.m3u8" "Round trip m3u8"
check "export M3U8 imported again: the same tracks in the same order" \
    all status_in 200 \; is "$(tracks_of "$(made_id)")" "$(tracks_of "$ID_XSPF")"
fetch "$BASE/playlist/$ID_XSPF/export.xspf" -b "lyre_session=$TOKEN_A"
check "export XSPF: attachment, title, creator, location, identifier, duration" \
    all status_in 200 \; header_is Content-Type '^application/xspf\+xml' \
        \; header_is Content-Disposition '^attachment; filename="From_XSPF\.xspf"' \
        \; body_has '<playlist xmlns="http://xspf.org/ns/0/" version="1">' \
        \; body_has "<identifier>https://musicbrainz.org/recording/$MBID</identifier>" \
        \; body_has '<creator>Zoë Kravitz-Test</creator>' \; body_has '<duration>600000</duration>'
cp "$BODY" "$F/export.xspf"
import "$F/export.xspf"
check "export XSPF imported again: the same tracks in the same order" \
    all status_in 200 \; is "$(tracks_of "$(made_id)")" "$(tracks_of "$ID_XSPF")"
fetch "$BASE/playlist/$ID_EXT/export.xspf" -b "lyre_session=$TOKEN_A"
check "export XSPF: text is escaped" all status_in 200 \; body_has '<title>Extended &amp; &lt;Friends&gt;</title>'

# ---- who may export
for f in m3u8 xspf; do
    fetch "$BASE/playlist/$ID_PLAIN/export.$f" -b "lyre_session=$TOKEN_B"
    check "export .$f of someone else's private playlist: 404" status_in 404
    fetch "$BASE/playlist/$ID_PLAIN/export.$f"
    check "export .$f of a private playlist, anonymous: 404" status_in 404
done
sql "INSERT INTO playlist_collaborators (playlist_id, user_id) VALUES ($ID_PLAIN, $UID_B)"
fetch "$BASE/playlist/$ID_PLAIN/export.m3u8" -b "lyre_session=$TOKEN_B"
check "export by a collaborator: 200" status_in 200
sql "UPDATE playlists SET is_public = 1 WHERE id = $ID_XSPF"
fetch "$BASE/playlist/$ID_XSPF/export.m3u8"
check "export of a public playlist, anonymous: 200" all status_in 200 \; body_has '/track/900011'
fetch "$BASE/playlist/999999999/export.m3u8" -b "lyre_session=$TOKEN_A"
check "export of no playlist: 404" status_in 404

finish
