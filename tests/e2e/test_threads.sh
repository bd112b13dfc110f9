# ingest checks contract rows on several threads: the output must be the
# same, byte for byte, as with one thread (samples: several files, both
# encodings, gzip, rejects; a generated file of 20 000 contracts).
. tests/e2e/lib.sh
files=$(cd samples/drop && ls contrats/*)
I() { build/bin/ingest --kind contrats --schemas schemas --key-file samples/sample.key "$@"; }
for t in 1 2 4; do
    I --input samples/drop --out "$TMP/c$t.tsv" --rejects "$TMP/r$t.tsv" --quality "$TMP/q$t.tsv" --threads $t $files 2>/dev/null
done
for t in 2 4; do
    check "samples, $t threads: same records as one" cmp -s "$TMP/c1.tsv" "$TMP/c$t.tsv"
    check "samples, $t threads: same rejects as one" cmp -s "$TMP/r1.tsv" "$TMP/r$t.tsv"
    check "samples, $t threads: same quality counts as one" cmp -s "$TMP/q1.tsv" "$TMP/q$t.tsv"
done
build/bin/generate --bench 20000 "$TMP/big" >/dev/null
for t in 1 3; do
    I --input "$TMP/big" --out "$TMP/b$t.tsv" --rejects "$TMP/br$t.tsv" --quality "$TMP/bq$t.tsv" --threads $t contrats/contrats_20250115.csv 2>/dev/null
done
check "20 000 contracts, 3 threads: same records as one" cmp -s "$TMP/b1.tsv" "$TMP/b3.tsv"
check "20 000 contracts: every row accounted for" test "$(build/bin/dump "$TMP/b3.tsv" | wc -l)" -eq "$(wc -l < "$TMP/big/contrats/contrats_20250115.csv")"
expect_exit 64 "--threads 0 is a usage error" I --input samples/drop --out "$TMP/x" --rejects "$TMP/y" --quality "$TMP/z" --threads 0 $files
# no data race: the same run under ThreadSanitizer
if cc -std=c11 -O1 -g -fsanitize=thread -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -Istages/lib $(pkg-config --cflags zlib yaml-0.1 libcrypto minizip) stages/ingest.c stages/lib/*.c \
    $(pkg-config --libs zlib yaml-0.1 libcrypto minizip) -lcsv -lm -o "$TMP/ingest-tsan" 2>"$TMP/cc.txt"; then
    TSAN_OPTIONS=exitcode=99 "$TMP/ingest-tsan" --kind contrats --schemas schemas --key-file samples/sample.key \
        --input "$TMP/big" --out "$TMP/t.tsv" --rejects "$TMP/tr.tsv" --quality "$TMP/tq.tsv" --threads 3 \
        contrats/contrats_20250115.csv 2>"$TMP/tsan.txt"
    check "ThreadSanitizer finds no race" sh -c "! grep -q ThreadSanitizer '$TMP/tsan.txt'"
    check "ThreadSanitizer build gives the same records" cmp -s "$TMP/b1.tsv" "$TMP/t.tsv"
else
    not_ok "ThreadSanitizer build"
    head -5 "$TMP/cc.txt"
fi
finish
