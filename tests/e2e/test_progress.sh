# Progress lines only when stderr is a terminal, and at -v INFO log lines every 10 seconds even
# on a pipe (spec/outputs.md). APP_PROGRESS_INTERVAL (a test hook, stages/lib/progress.h) makes
# the 10 seconds 0 so that the test need not wait.
. tests/e2e/lib.sh
if ! command -v script >/dev/null; then
    not_ok "script(1) available (util-linux)"
    finish
    exit 1
fi
build/bin/generate --bench 70000 "$TMP/drop" >/dev/null
script -qc "build/bin/pipeline-run -i '$TMP/drop' -o '$TMP/o1' --key-file samples/sample.key" /dev/null > "$TMP/tty.txt" 2>&1
check "on a terminal: ingest shows rows, rows/s and percent" grep -q -E "ingest: contrats/contrats_20250115.csv: [0-9]+ rows, [0-9]+ rows/s, [0-9]+%" "$TMP/tty.txt"
check "on a terminal: merge and indicators too" sh -c "grep -q 'merge: contrats.rec: 65536 rows' '$TMP/tty.txt' && grep -q 'indicators: contrats.rec: 65536 rows' '$TMP/tty.txt'"
build/bin/pipeline-run -i "$TMP/drop" -o "$TMP/o2" --key-file samples/sample.key 2> "$TMP/pipe.txt"
check "on a pipe: the run succeeds" test $? -eq 0
check "on a pipe: the run logs its stages" grep -q 'stage indicators exit=0' "$TMP/pipe.txt"
check "not on a pipe" sh -c "! grep -q 'rows/s' '$TMP/pipe.txt'"
APP_PROGRESS_INTERVAL=0 build/bin/pipeline-run -i "$TMP/drop" -o "$TMP/o3" -v --key-file samples/sample.key 2> "$TMP/verbose.txt"
check "-v on a pipe: ingest logs INFO lines with rows, rows/s and percent" grep -q -E "^INFO ingest: contrats/contrats_20250115.csv: [0-9]+ rows, [0-9]+ rows/s, [0-9]+%$" "$TMP/verbose.txt"
check "-v on a pipe: merge and indicators too" sh -c "grep -q -E '^INFO merge: contrats.rec: [0-9]+ rows, [0-9]+ rows/s, [0-9]+%$' '$TMP/verbose.txt' && grep -q -E '^INFO indicators: contrats.rec: [0-9]+ rows, [0-9]+ rows/s, [0-9]+%$' '$TMP/verbose.txt'"
check "-v on a pipe: no terminal line (no carriage return)" sh -c "! grep -q \"\$(printf '\\r')\" '$TMP/verbose.txt'"
build/bin/pipeline-run -i "$TMP/drop" -o "$TMP/o4" -v --key-file samples/sample.key 2> "$TMP/verbose10.txt"
check "-v: no progress line in a run shorter than 10 seconds" sh -c "! grep -q 'rows/s' '$TMP/verbose10.txt'"
APP_PROGRESS_INTERVAL=0 build/bin/pipeline-run -i "$TMP/drop" -o "$TMP/o5" --key-file samples/sample.key 2> "$TMP/quiet.txt"
check "without -v: no progress line on a pipe, whatever the interval" sh -c "! grep -q 'rows/s' '$TMP/quiet.txt'"
finish
