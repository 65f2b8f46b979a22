# scripts/instance.sh — one Lyre instance: a directory under var/ holding its MariaDB
# (through scripts/db-server.sh), its lyre.conf and its lighttpd.  Sourced after lib.sh.
#
# An instance directory holds: mysql/ mysql.sock my.cnf (db-server.sh), db-password,
# lyre.conf, stream-secret, auth-key, mail/, media/, lighttpd.pid, lighttpd-*.log, programs.log, catalog.sock, stream.sock,
# asan/ (test builds).

DB_SERVER="$LYRE_ROOT/scripts/db-server.sh"
DB_NAME=lyre
DB_USER=lyre

# instance_password DIR: the database password of the instance, made once and kept, so a
# second `lyrectl up` finds its data and its user unchanged.
instance_password() {
    local f="$1/db-password"
    if [ ! -s "$f" ]; then
        (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$f")
    fi
    cat "$f"
}

# stream_secret DIR: the file of the key that signs media URLs (lyre.conf stream.secret_file,
# read by lyre-stream and by lighttpd's etc/stream.lua), made once and kept, so URLs handed
# out stay valid across restarts.
stream_secret() {
    local f="$1/stream-secret"
    if [ ! -s "$f" ]; then
        (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f.tmp" && mv -f "$f.tmp" "$f")
    fi
    echo "$f"
}

# auth_key DIR: the 32-byte key (64 hex digits) that seals TOTP secrets and app passwords
# (lyre.conf auth.key_file), made once and kept: losing it loses every second factor.
auth_key() {
    local f="$1/auth-key"
    if [ ! -s "$f" ]; then
        (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f.tmp" && mv -f "$f.tmp" "$f")
    fi
    echo "$f"
}

# The accounts part of lyre.conf.  Mail goes to INSTANCE/mail/*.eml through
# scripts/maildrop.sh (no mail server on a demo or test machine).  Environment:
#   LYRE_ARGON2="TIME MEMORY_KIB LANES"  argon2id cost (default: etc/lyre.conf's)
#   LYRE_OIDC_ISSUER=URL                 adds the providers "test" (RS256) and "test-es" (ES256)
#                                        with client ids lyre-rs / lyre-es at that issuer
#   LYRE_SESSION_RECHECK_MS=N            session.recheck_ms (default 1000)
accounts_conf() {
    local inst=$1 key t=2 m=57344 p=1
    key=$(auth_key "$inst")
    mkdir -p "$inst/mail"
    [ -z "${LYRE_ARGON2:-}" ] || read -r t m p <<<"$LYRE_ARGON2"
    cat <<EOF
auth: {
  argon2_time_cost = $t;
  argon2_memory_kib = $m;
  argon2_parallelism = $p;
  common_passwords = $(conf_string "$LYRE_ROOT/data/common-passwords.txt");
  key_file = $(conf_string "$key");
};
session: {
  recheck_ms = ${LYRE_SESSION_RECHECK_MS:-1000};
};
mail: {
  sendmail = $(conf_string "$LYRE_ROOT/scripts/maildrop.sh $inst/mail");
  from = "Lyre <lyre@localhost>";
};
EOF
    # Payments against a local stand-in of Stripe's API (tests/stripe): set LYRE_STRIPE_BASE.
    # The secrets stay in the file here (a test instance); real sites use the environment.
    if [ -n "${LYRE_STRIPE_BASE:-}" ]; then
        cat <<EOF
billing: {
  provider = "stripe";
  stripe_api_base = $(conf_string "$LYRE_STRIPE_BASE");
  stripe_secret_key = $(conf_string "${LYRE_TEST_STRIPE_KEY:-sk_test_lyre_0123456789abcdef}");
  stripe_webhook_secret = $(conf_string "${LYRE_TEST_STRIPE_WHSEC:-whsec_lyre_test_current_0123456789}");
  stripe_webhook_secret_previous = $(conf_string "${LYRE_TEST_STRIPE_WHSEC_OLD:-whsec_lyre_test_previous_0123456789}");
  stripe_timeout_ms = 2000;
  stripe_retries = 2;
  grace_days = 7;
};
EOF
    fi
    if [ -n "${LYRE_OIDC_ISSUER:-}" ]; then
        cat <<EOF
oidc: {
  providers = (
    { name = "test"; title = "Lyre Test ID"; issuer = $(conf_string "$LYRE_OIDC_ISSUER");
      client_id = "lyre-rs"; client_secret = "lyre-rs-secret"; },
    { name = "test-es"; title = "Lyre Test ID (ES256)"; issuer = $(conf_string "$LYRE_OIDC_ISSUER");
      client_id = "lyre-es"; client_secret = "lyre-es-secret"; }
  );
};
EOF
    fi
}

# write_lyre_conf FILE INSTANCE DBPORT HTTPPORT PASSWORD VIA [PAGE_SIZE [TREE [STREAM_MODE [MEDIA]]]]
# VIA is "socket" (the private socket inside the instance) or "tcp" (127.0.0.1:DBPORT, for
# programs running as another user who cannot enter the private instance directory).
# STREAM_MODE is "redirect" (lighttpd, the default) or "x-sendfile" (Apache); MEDIA is the
# media store (default INSTANCE/media).
write_lyre_conf() {
    local file=$1 inst=$2 dbport=$3 port=$4 password=$5 via=$6 page_size=${7:-50} tree=${8:-$LYRE_ROOT}
    local stream_mode=${9:-redirect} media=${10:-$inst/media} secret
    local socket="$inst/mysql.sock" host=localhost
    secret=$(stream_secret "$inst")
    if [ "$via" = tcp ]; then
        socket=""
        host=127.0.0.1
    fi
    (umask 077 && cat >"$file.tmp" <<EOF
# Written by lyrectl for the instance in $inst; rewritten on every start.
site: {
  name = "Lyre";
  base_url = $(conf_string "http://127.0.0.1:$port");
  static_url = "/static";
};
database: {
  host = $(conf_string "$host");
  port = $dbport;
  socket = $(conf_string "$socket");
  user = $(conf_string "$DB_USER");
  password = $(conf_string "$password");
  name = $(conf_string "$DB_NAME");
  connect_timeout = 2;
  read_timeout = 10;
  retry_after = 5;
};
# Below the web servers' own limits (etc/lighttpd.conf, etc/apache-lyre.conf), so the
# program's 414/431/413 pages are what a client sees for requests just over these.
http: {
  max_url_bytes = 8192;
  max_header_bytes = 16384;
  max_body_bytes = 65536;
};
paths: {
  templates = $(conf_string "$tree/templates");
  migrations = $(conf_string "$LYRE_ROOT/db");
  media = $(conf_string "$media");
};
log: {
  level = "info";
};
catalog: {
  page_size = $page_size;
  search_limit = 20;
};
stream: {
  public = 1;
  mode = $(conf_string "$stream_mode");
  secret_file = $(conf_string "$secret");
  url_ttl = 21600;
};
EOF
    accounts_conf "$inst" >>"$file.tmp"
    ) && mv -f "$file.tmp" "$file"
}

# db_start INSTANCE DBPORT LOG: start (creating on first use) the instance's MariaDB and
# make its database and user.
db_start() {
    local inst=$1 dbport=$2 log=$3 password
    mkdir -p "$inst"
    run_logged "$log" bash "$DB_SERVER" start "$inst" "$dbport" || return 1
    password=$(instance_password "$inst")
    run_logged "$log" bash "$DB_SERVER" bootstrap "$inst" "$DB_NAME" "$DB_USER" "$password"
}

db_stop() {
    local inst=$1
    [ -d "$inst/mysql" ] || return 0
    bash "$DB_SERVER" status "$inst" >/dev/null 2>&1 || return 0
    bash "$DB_SERVER" stop "$inst" >/dev/null
}

# lighttpd_start INSTANCE PORT BUILD CONF LOG: (re)start lighttpd on 127.0.0.1:PORT serving
# the programs of BUILD, and wait until / answers 200.
lighttpd_start() {
    local inst=$1 port=$2 build=$3 conf=$4 log=$5
    lighttpd_stop "$inst"
    # Sanitizer reports of the programs it spawns go to INSTANCE/asan/ (test builds).
    [ -z "${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}" ] || mkdir -p "$inst/asan"
    run_logged "$log" env LYRE_INSTANCE="$inst" LYRE_PORT="$port" LYRE_BUILD="$build" \
        LYRE_CONF="$conf" LYRE_STREAM_SECRET_FILE="$(stream_secret "$inst")" \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:log_path=$inst/asan/asan}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:log_path=$inst/asan/ubsan}" \
        lighttpd -f "$LYRE_ROOT/etc/lighttpd.conf" || return 1
    if ! wait_for 20 page_answers "http://127.0.0.1:$port/"; then
        warn "http://127.0.0.1:$port/ does not answer 200 (got $(http_status "http://127.0.0.1:$port/"))"
        warn "last lines of $inst/lighttpd-error.log:"
        tail -n 30 "$inst/lighttpd-error.log" 2>/dev/null | sed 's/^/    /' >&2
        return 1
    fi
}

page_answers() { [ "$(http_status "$1")" = 200 ]; }

# lighttpd_stop INSTANCE: stop it and the FastCGI programs it spawned.
lighttpd_stop() {
    stop_tree "$1/lighttpd.pid" lighttpd 20
}

# admin BUILD CONF LOG ARGS...: run lyre-admin against an instance.
admin() {
    local build=$1 conf=$2 log=$3
    shift 3
    run_logged "$log" "$build/tools/lyre-admin" -c "$conf" "$@"
}
