# The whole chain built with AddressSanitizer and UndefinedBehaviorSanitizer
# (make SANITIZE=1 all, done by make test) on the samples and on the ingest
# corpus: no report, and the same outputs as the normal build.
. tests/e2e/lib.sh
S=build/san/bin/pipeline-run
if [ ! -x "$S" ]; then
    not_ok "sanitizer build present (make SANITIZE=1 all)"
    finish
    exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
expect_exit 0 "sanitized chain on the samples" $S -i samples/drop -o "$TMP/san" -c samples/config.yaml -q
check "no sanitizer report" sh -c "! grep -q -E 'Sanitizer|runtime error' '$TMP/stderr'"
expect_exit 0 "normal build on the samples" $RUN -i samples/drop -o "$TMP/std" -c samples/config.yaml -q
for f in $(cd "$TMP/std" && ls *.csv.gz); do
    check "$f identical with and without sanitizers" cmp -s "$TMP/std/$f" "$TMP/san/$f"
done
finish
