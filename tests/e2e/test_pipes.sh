# A stage reads a pipe as well as a file (spec/outputs.md: "usable alone on
# files or pipes"): ingest spools it to TMPDIR for its two passes, merge and
# indicators read their records once.
. tests/e2e/lib.sh
f=contrats/export_paysdelaloire.csv.gz
I() { build/bin/ingest --kind contrats --schemas schemas --key-file samples/sample.key "$@"; }
mkdir -p "$TMP/spool"
I --input samples/drop --out "$TMP/c1.rec" --rejects "$TMP/r1.tsv" --quality "$TMP/q1.tsv" "$f" 2>/dev/null
cat "samples/drop/$f" | TMPDIR="$TMP/spool" I --input / --out "$TMP/c2.rec" --rejects "$TMP/r2.tsv" \
    --quality "$TMP/q2.tsv" dev/stdin 2>/dev/null
check "ingest from a pipe: exit 0" test $? -eq 0
build/bin/dump "$TMP/c1.rec" >"$TMP/c1.tsv"
build/bin/dump "$TMP/c2.rec" >"$TMP/c2.tsv"
check "ingest from a pipe: some records" test "$(wc -l <"$TMP/c1.tsv")" -gt 1000
check "ingest from a pipe: same records (but for the file name)" sh -c "[ \"\$(cut -f2- '$TMP/c1.tsv' | md5sum)\" = \"\$(cut -f2- '$TMP/c2.tsv' | md5sum)\" ]"
check "ingest from a pipe: same counts" sh -c "[ \"\$(cut -f2- '$TMP/q1.tsv' | md5sum)\" = \"\$(cut -f2- '$TMP/q2.tsv' | md5sum)\" ]"
# the spool is unlinked as soon as it is created, so an empty folder proves
# little; that the pipe goes through TMPDIR shows when TMPDIR is not there
cat "samples/drop/$f" | TMPDIR="$TMP/nowhere" I --input / --out "$TMP/c3.rec" --rejects "$TMP/r3.tsv" \
    --quality "$TMP/q3.tsv" dev/stdin 2>"$TMP/spool.err"
check "ingest from a pipe without TMPDIR: exit 74" test $? -eq 74
check "ingest from a pipe without TMPDIR: the message names the spool folder" \
    grep -q "cannot spool the pipe to $TMP/nowhere/" "$TMP/spool.err"
build/bin/merge --in "$TMP/c1.rec" --out "$TMP/k1.rec" --facts "$TMP/m1.tsv" 2>/dev/null
cat "$TMP/c1.rec" | build/bin/merge --in - --out "$TMP/k2.rec" --facts "$TMP/m2.tsv" 2>/dev/null
check "merge from a pipe: exit 0" test $? -eq 0
check "merge from a pipe: same kept versions" cmp -s "$TMP/k1.rec" "$TMP/k2.rec"
check "merge from a pipe: same counts" cmp -s "$TMP/m1.tsv" "$TMP/m2.tsv"
mkdir -p "$TMP/o1" "$TMP/o2"
build/bin/indicators --contracts "$TMP/c1.rec" --kept "$TMP/k1.rec" --schemas schemas \
    --outdir "$TMP/o1" --observation-date 2024-11-30 2>/dev/null
cat "$TMP/c1.rec" | build/bin/indicators --contracts - --kept "$TMP/k1.rec" --schemas schemas \
    --outdir "$TMP/o2" --observation-date 2024-11-30 2>/dev/null
check "indicators from a pipe: exit 0" test $? -eq 0
zcat "$TMP/o1/croissance.csv.gz" >"$TMP/g1.csv"
zcat "$TMP/o2/croissance.csv.gz" >"$TMP/g2.csv"
check "indicators from a pipe: same growth table" cmp -s "$TMP/g1.csv" "$TMP/g2.csv"
finish
