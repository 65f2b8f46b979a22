#!/bin/bash
# scripts/dev-instance.sh start|stop|restart-web DIR DBPORT HTTPPORT BUILD — a throwaway
# instance for working on one feature beside the others: MariaDB on DBPORT, lighttpd on
# HTTPPORT serving the programs of BUILD, a small demo catalog, mail in DIR/mail/.
# Same pieces as tests/run-all.sh; nothing is kept between starts.  Uses LYRE_ARGON2,
# LYRE_OIDC_ISSUER and LYRE_SESSION_RECHECK_MS like the test instance (scripts/instance.sh).
set -uo pipefail
LYRE_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export LYRE_ROOT
. "$LYRE_ROOT/scripts/lib.sh"
. "$LYRE_ROOT/scripts/instance.sh"

cmd=${1:?usage: dev-instance.sh start|stop|restart-web DIR DBPORT HTTPPORT BUILD}
INST=${2:?DIR}
DB_PORT=${3:-}
HTTP_PORT=${4:-}
BUILD=${5:-}
LOG="$INST.log"
case $cmd in
start)
    lighttpd_stop "$INST"; db_stop "$INST"; rm -rf "$INST"; mkdir -p "$INST/media"; : >"$LOG"
    db_start "$INST" "$DB_PORT" "$LOG" || exit 1
    password=$(instance_password "$INST")
    write_lyre_conf "$INST/lyre.conf" "$INST" "$DB_PORT" "$HTTP_PORT" "$password" socket 10
    admin "$BUILD" "$INST/lyre.conf" "$LOG" migrate || exit 1
    admin "$BUILD" "$INST/lyre.conf" "$LOG" demo --if-empty --artists 20 --albums 40 --tracks 300 --seed 1 || exit 1
    lighttpd_start "$INST" "$HTTP_PORT" "$BUILD" "$INST/lyre.conf" "$LOG" || exit 1
    echo "up: http://127.0.0.1:$HTTP_PORT  conf $INST/lyre.conf  mail $INST/mail  log $LOG"
    echo "sql: mariadb --defaults-file=$INST/my.cnf --user=root lyre"
    ;;
restart-web)
    lighttpd_start "$INST" "$HTTP_PORT" "$BUILD" "$INST/lyre.conf" "$LOG" || exit 1 ;;
stop)
    lighttpd_stop "$INST"; db_stop "$INST" ;;
*) echo "usage: dev-instance.sh start|stop|restart-web DIR DBPORT HTTPPORT BUILD" >&2; exit 2 ;;
esac
