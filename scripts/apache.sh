# scripts/apache.sh — a private Apache 2.4 serving Lyre through etc/apache-lyre.conf, for the
# test instance.  Sourced after lib.sh and instance.sh.
#
# Apache will not serve as root, so its children (and the FastCGI programs mod_fcgid starts)
# run as www-data.  Those need a directory they can write (sockets, sanitizer logs), a
# lyre.conf they can read that reaches MariaDB over TCP (the instance directory with the
# socket is private), and read access to the tree; when the checkout sits where www-data
# cannot go (say under /root), the few files they read are copied out to that directory.
# The media store is copied there too when www-data cannot read it (the instance directory
# is private): so what is ingested before apache_start is what Apache serves.  The accounts
# settings get the same treatment (apache_accounts).  The per-address limits of
# etc/apache-lyre.conf read LYRE_MAX_CONNS_PER_IP (default 128) and LYRE_AUTH_POSTS_PER_MIN
# (default 300) from the environment of apache_start.

APACHE_MODULES=/usr/lib/apache2/modules
APACHE_USER=www-data

as_apache_user() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u "$APACHE_USER" -- "$@"; else "$@"; fi
}

# apache_run_dir INSTANCE: make and print the directory the Apache user may write.
apache_run_dir() {
    local inst=$1 run
    mkdir -p "$LYRE_VAR"
    if as_apache_user test -x "$LYRE_VAR"; then
        run="$LYRE_VAR/$(basename "$inst")-www"
        rm -rf "$run"
        mkdir -p "$run"
    else
        run=$(mktemp -d /tmp/lyre-www.XXXXXX)
    fi
    chmod 755 "$run"
    echo "$run" >"$inst/apache-run-dir"
    echo "$run"
}

# apache_accounts INSTANCE RUN TREE: point the accounts settings of RUN/lyre.conf at files the
# Apache user can use.  Like the stream secret and the database socket, the sealing key and
# the mail drop of the instance sit in its private directory: the programs get a copy of the
# key (the same key, so TOTP secrets sealed through lighttpd open here; their own file, mode
# 0600) and a mail directory of their own, RUN/mail, linked as INSTANCE/mail-apache for the
# tests.  When the tree was copied, the common-password list and maildrop.sh go with it.
apache_accounts() {
    local inst=$1 run=$2 tree=$3 conf="$2/lyre.conf"
    (umask 077 && cp "$(auth_key "$inst")" "$run/auth-key") || return 1
    mkdir -p "$run/mail"
    chmod 700 "$run/mail"
    ln -sfn "$run/mail" "$inst/mail-apache"
    if [ "$tree" != "$LYRE_ROOT" ]; then
        mkdir -p "$tree/data" "$tree/scripts"
        cp "$LYRE_ROOT/data/common-passwords.txt" "$tree/data/"
        cp "$LYRE_ROOT/scripts/maildrop.sh" "$tree/scripts/"
        chmod -R a+rX "$tree/data" "$tree/scripts"
    fi
    # Rewrite the three settings in place (libconfig refuses a setting given twice).
    (umask 077
     KEY=$(conf_string "$run/auth-key") WORDS=$(conf_string "$tree/data/common-passwords.txt") \
        SENDMAIL=$(conf_string "$tree/scripts/maildrop.sh $run/mail") awk '
        /^  key_file = /         { print "  key_file = " ENVIRON["KEY"] ";"; next }
        /^  common_passwords = / { print "  common_passwords = " ENVIRON["WORDS"] ";"; next }
        /^  sendmail = /         { print "  sendmail = " ENVIRON["SENDMAIL"] ";"; next }
        { print }
    ' "$conf" >"$conf.tmp") && mv -f "$conf.tmp" "$conf"
    [ "$(grep -c -e '^  key_file = ' -e '^  common_passwords = ' -e '^  sendmail = ' "$conf")" = 3 ] || {
        warn "$conf: the accounts settings were not where apache_accounts expects them"
        return 1
    }
}

# qos_lines: the lines that load mod_qos (per-address limits of etc/apache-lyre.conf).
# Debian's mod_qos calls pcre (1) without linking it, and Apache 2.4.5x+ is built on pcre2, so
# the library is loaded first.  Without the module the limits are skipped, with a warning.
qos_lines() {
    local pcre
    pcre=$(ldconfig -p 2>/dev/null | awk '$1 == "libpcre.so.3" { print $NF; exit }')
    if [ ! -f "$APACHE_MODULES/mod_qos.so" ] || [ -z "$pcre" ]; then
        warn "mod_qos or libpcre.so.3 is missing (scripts/deps.sh installs libapache2-mod-qos):" \
            "Apache runs without per-address limits"
        return 0
    fi
    printf 'LoadFile %s\nLoadModule qos_module %s/mod_qos.so\n' "$pcre" "$APACHE_MODULES"
}

# apache_start INSTANCE PORT BUILD DBPORT PASSWORD LOG
# Sets APACHE_RUN (the Apache user's directory, holding asan/ for sanitizer reports).
apache_start() {
    local inst=$1 port=$2 build=$3 dbport=$4 password=$5 log=$6
    local dir="$inst/apache" run tree bin_dir
    apache_stop "$inst"
    mkdir -p "$dir"
    run=$(apache_run_dir "$inst")
    APACHE_RUN=$run
    mkdir -p "$run/fcgid" "$run/asan"
    tree=$LYRE_ROOT
    bin_dir=$build
    if ! as_apache_user test -r "$LYRE_ROOT/templates/layout.xsl" -a -r "$LYRE_ROOT/htdocs/favicon.svg" \
        -a -x "$build/cgi/lyre-catalog"; then
        tree="$run/tree"
        bin_dir="$run/build"
        mkdir -p "$tree" "$bin_dir/cgi"
        cp -R "$LYRE_ROOT/templates" "$LYRE_ROOT/htdocs" "$tree/"
        cp "$build"/cgi/lyre-* "$bin_dir/cgi/"
        # The programs read the asset map beside their cgi/ (lib/assets.h).
        [ ! -d "$build/htdocs-hashed" ] || cp -R "$build/htdocs-hashed" "$bin_dir/"
        chmod -R a+rX "$tree" "$bin_dir"
    fi
    # Apache cannot check signed URLs: lyre-stream answers X-Sendfile (mod_xsendfile) instead.
    local media="$inst/media"
    if ! as_apache_user test -r "$media/audio" -a -x "$media/audio"; then
        media="$run/media"
        mkdir -p "$media"
        [ ! -d "$inst/media" ] || cp -R "$inst/media/." "$media/"
        chmod -R a+rX "$media"
    fi
    write_lyre_conf "$run/lyre.conf" "$inst" "$dbport" "$port" "$password" tcp "${LYRE_PAGE_SIZE:-50}" "$tree" \
        x-sendfile "$media"
    apache_accounts "$inst" "$run" "$tree" || return 1
    if [ "$(id -u)" -eq 0 ]; then
        chown -R "$APACHE_USER" "$run/fcgid" "$run/asan" "$run/mail" "$run/auth-key"
        # lyre-playlists stores uploaded covers in the media store.
        mkdir -p "$media/art" && chown -R "$APACHE_USER" "$media/art"
        chgrp "$APACHE_USER" "$run/lyre.conf"
        chmod 640 "$run/lyre.conf"
    fi
    local user_lines=""
    [ "$(id -u)" -ne 0 ] || user_lines="User $APACHE_USER
Group $APACHE_USER"
    cat >"$dir/httpd.conf" <<EOF
# Written by lyrectl: a private Apache for the instance in $inst.
ServerRoot "$dir"
DefaultRuntimeDir "$dir"
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error.log"
LogLevel warn
LogFormat "%h %l %u %t \"%r\" %>s %b %D" lyre
CustomLog "$dir/access.log" lyre
Listen 127.0.0.1:$port
ServerName 127.0.0.1
$user_lines
LoadModule mpm_event_module $APACHE_MODULES/mod_mpm_event.so
LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so
LoadModule alias_module $APACHE_MODULES/mod_alias.so
LoadModule mime_module $APACHE_MODULES/mod_mime.so
LoadModule headers_module $APACHE_MODULES/mod_headers.so
LoadModule rewrite_module $APACHE_MODULES/mod_rewrite.so
LoadModule fcgid_module $APACHE_MODULES/mod_fcgid.so
LoadModule xsendfile_module $APACHE_MODULES/mod_xsendfile.so
LoadModule setenvif_module $APACHE_MODULES/mod_setenvif.so
LoadModule unique_id_module $APACHE_MODULES/mod_unique_id.so
LoadModule reqtimeout_module $APACHE_MODULES/mod_reqtimeout.so
$(qos_lines)
TypesConfig /etc/mime.types
StartServers 1
ServerLimit 2
ThreadsPerChild 32
MaxRequestWorkers 64
FcgidProcessTableFile "$dir/fcgid_shm"
Include "$LYRE_ROOT/etc/apache-lyre.conf"
EOF
    run_logged "$log" env -i PATH="$PATH" LANG=C \
        LYRE_ROOT="$tree" LYRE_BUILD="$bin_dir" LYRE_CONF="$run/lyre.conf" LYRE_RUN="$run" \
        LYRE_MEDIA="$media" \
        LYRE_MAX_CONNS_PER_IP="${LYRE_MAX_CONNS_PER_IP:-128}" \
        LYRE_AUTH_POSTS_PER_MIN="${LYRE_AUTH_POSTS_PER_MIN:-300}" \
        LYRE_ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:log_path=$run/asan/asan}" \
        LYRE_UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:log_path=$run/asan/ubsan}" \
        apache2 -f "$dir/httpd.conf" -k start || return 1
    if ! wait_for 20 page_answers "http://127.0.0.1:$port/"; then
        warn "Apache on http://127.0.0.1:$port/ does not answer 200 (got $(http_status "http://127.0.0.1:$port/"))"
        tail -n 30 "$dir/error.log" 2>/dev/null | sed 's/^/    /' >&2
        return 1
    fi
}

# apache_stop INSTANCE: stop the private Apache and the FastCGI programs it started.
apache_stop() {
    stop_tree "$1/apache/httpd.pid" apache2 20
}

# apache_cleanup INSTANCE: remove the Apache user's directory when it lives outside var/.
apache_cleanup() {
    local f="$1/apache-run-dir" run
    [ -s "$f" ] || return 0
    run=$(cat "$f")
    case $run in /tmp/lyre-www.*) rm -rf "$run" ;; esac
}
