#!/bin/sh
# scripts/maildrop.sh DIR — a sendmail stand-in for demo and test instances: reads one
# message on stdin (sendmail -t style, recipients in its headers) and keeps it as
# DIR/<time>-<pid>.eml.  Extra arguments (-t, -i, ...) are accepted and ignored.
set -eu
dir=${1:?usage: maildrop.sh DIR}
mkdir -p "$dir"
name="$dir/$(date +%s%N)-$$.eml"
cat >"$name.tmp"
mv -f "$name.tmp" "$name"
