# Progress lines only when stderr is a terminal (spec/outputs.md).
. tests/e2e/lib.sh
if ! command -v script >/dev/null; then
    not_ok "script(1) available (util-linux)"
    finish
    exit 1
fi
build/bin/generate --bench 70000 "$TMP/drop" >/dev/null
script -qc "build/bin/pipeline-run -i '$TMP/drop' -o '$TMP/o1' --key-file samples/sample.key" /dev/null > "$TMP/tty.txt" 2>&1
check "on a terminal: ingest shows rows, rows/s and percent" grep -q -E "ingest: contrats/contrats_20250115.csv: 65536 rows, [0-9]+ rows/s, [0-9]+%" "$TMP/tty.txt"
check "on a terminal: merge and indicators too" sh -c "grep -q 'merge: contrats.rec: 65536 rows' '$TMP/tty.txt' && grep -q 'indicators: contrats.rec: 65536 rows' '$TMP/tty.txt'"
build/bin/pipeline-run -i "$TMP/drop" -o "$TMP/o2" --key-file samples/sample.key 2> "$TMP/pipe.txt"
check "on a pipe: the run succeeds" test $? -eq 0
check "on a pipe: the run logs its stages" grep -q 'stage indicators exit=0' "$TMP/pipe.txt"
check "not on a pipe" sh -c "! grep -q 'rows/s' '$TMP/pipe.txt'"
finish
