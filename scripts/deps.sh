#!/bin/bash
# scripts/deps.sh — install the Debian packages Lyre needs to build, run and test.
# Idempotent: asks dpkg what is there and runs apt-get only for what is missing, so a
# second run costs a fraction of a second and needs no network.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES="build-essential autoconf automake libtool pkg-config
  libfcgi-dev libmariadb-dev libxml2-dev libxslt1-dev libgnutls28-dev libmp3lame-dev
  libconfig-dev check
  mariadb-server mariadb-client lighttpd lighttpd-modules-lua apache2 libapache2-mod-fcgid
  libapache2-mod-xsendfile libapache2-mod-qos
  curl wrk xsltproc libxml2-utils chromium ffmpeg openssl sox lame jq"
# The demo library (about 300 MB to download): only `deps.sh --demo` (./lyrectl up) wants it;
# the tests make their own audio.
[ "${1:-}" = "--demo" ] && PACKAGES="$PACKAGES wesnoth-music"

# Node >= 18 runs playwright-core and html-validate.  A newer node from elsewhere (with its
# own npm) is kept: Debian's nodejs/npm would downgrade or conflict with it.
NODE_MIN_MAJOR=18

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# Build dependencies are named once, in configure.ac (LYRE_NEED_PKG's third argument: the
# Debian packages to install); read them from there so the two never drift apart.
CONFIGURE_PACKAGES=$(sed -n 's/^LYRE_NEED_PKG(\[[^]]*\], *\[[^]]*\], *\[\([^]]*\)\]).*/\1/p' \
    "$LYRE_ROOT/configure.ac" 2>/dev/null | tr '\n' ' ')

missing=""
for p in $PACKAGES $CONFIGURE_PACKAGES; do
    case " $missing " in *" $p "*) continue ;; esac
    installed "$p" || missing="$missing $p"
done
node_major=0
if command -v node >/dev/null 2>&1; then
    node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
fi
if [ "$node_major" -lt "$NODE_MIN_MAJOR" ]; then
    installed nodejs || missing="$missing nodejs"
fi
if ! command -v npm >/dev/null 2>&1; then
    missing="$missing npm"
fi

if [ -z "$missing" ]; then
    say "Debian packages: all present"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || die "missing packages:$missing (run as root, or install them yourself)"
say "Installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
log="$LYRE_VAR/apt.log"
# Debian starts the services it installs; Lyre never uses the system's MariaDB, lighttpd or
# Apache (it runs private ones on its own ports), and lighttpd and Apache would fight over
# port 80 and fail the install.  policy-rc.d (exit 101) tells the packages not to start them.
policy=/usr/sbin/policy-rc.d
own_policy=""
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# written by lyre scripts/deps.sh during apt-get install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=yes
    trap 'rm -f "$policy"' EXIT
fi
run_logged "$log" apt-get update
# shellcheck disable=SC2086
run_logged "$log" apt-get install -y $missing
[ -z "$own_policy" ] || { rm -f "$policy"; trap - EXIT; }
