# scripts/build.sh — configure and build out of tree.  Sourced after lib.sh.

# build_tree DIR LOG [CONFIGURE ARGS...]: autoreconf when the checkout has no configure
# yet (a fresh clone), configure DIR when it is new or its arguments changed, then make.
build_tree() {
    local dir=$1 log=$2
    shift 2
    local args="$*"
    if [ ! -x "$LYRE_ROOT/configure" ]; then
        say "Generating configure (autoreconf -fi)"
        # m4/ holds only generated macros (ignored by git), but aclocal wants it to exist.
        mkdir -p "$LYRE_ROOT/m4"
        (cd "$LYRE_ROOT" && run_logged "$log" autoreconf -fi) || return 1
    fi
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ] || [ "$(cat "$dir/.lyre-configure-args" 2>/dev/null)" != "$args" ]; then
        say "Configuring $(basename "$dir")/ ${args:+($args)}"
        rm -f "$dir/.lyre-configure-args"
        (cd "$dir" && run_logged "$log" "$LYRE_ROOT/configure" "$@") || return 1
        printf '%s' "$args" >"$dir/.lyre-configure-args"
    fi
    say "Building in $(basename "$dir")/ (log: ${log#"$LYRE_ROOT"/})"
    run_logged "$log" make -C "$dir" -j2
}
