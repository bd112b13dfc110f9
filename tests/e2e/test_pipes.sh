# A stage reads a pipe as well as a file (spec/outputs.md: "usable alone on
# files or pipes"): ingest spools it to TMPDIR for its two passes, merge and
# indicators read their records once.
. tests/e2e/lib.sh
f=contrats/export_paysdelaloire.csv.gz
I() { build/bin/ingest --kind contrats --schemas schemas --key-file samples/sample.key "$@"; }
I --input samples/drop --out "$TMP/c1.tsv" --rejects "$TMP/r1.tsv" --quality "$TMP/q1.tsv" "$f" 2>/dev/null
cat "samples/drop/$f" | I --input / --out "$TMP/c2.tsv" --rejects "$TMP/r2.tsv" --quality "$TMP/q2.tsv" dev/stdin 2>/dev/null
check "ingest from a pipe: exit 0" test $? -eq 0
check "ingest from a pipe: same records (but for the file name)" sh -c "[ \"\$(cut -f2- '$TMP/c1.tsv' | md5sum)\" = \"\$(cut -f2- '$TMP/c2.tsv' | md5sum)\" ]"
check "ingest from a pipe: same counts" sh -c "[ \"\$(cut -f2- '$TMP/q1.tsv' | md5sum)\" = \"\$(cut -f2- '$TMP/q2.tsv' | md5sum)\" ]"
check "no spool file left in TMPDIR" sh -c "! ls \"\${TMPDIR:-/tmp}\" | grep -q csvin-spool"
build/bin/merge --in "$TMP/c1.tsv" --out "$TMP/k1.tsv" --quality "$TMP/m1.tsv" --summary "$TMP/s1.tsv" 2>/dev/null
cat "$TMP/c1.tsv" | build/bin/merge --in - --out "$TMP/k2.tsv" --quality "$TMP/m2.tsv" --summary "$TMP/s2.tsv" 2>/dev/null
check "merge from a pipe: same kept versions" cmp -s "$TMP/k1.tsv" "$TMP/k2.tsv"
finish
