# No leak and no memory error under valgrind: the driver and every stage, on
# the samples.
. tests/e2e/lib.sh
if ! command -v valgrind >/dev/null; then
    not_ok "valgrind installed (make test installs it)"
    finish
    exit 1
fi
VG="valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 -q"
expect_exit 0 "every stage clean under valgrind on the samples" \
    env APP_STAGE_WRAPPER="$VG" $VG build/bin/pipeline-run -i samples/drop -o "$TMP/o" -c samples/config.yaml -q
[ "$fail" -gt 0 ] && sed 's/^/    /' "$TMP/stderr" | head -30
finish
