# indicators sorts, counts, keeps and writes on several threads: every
# output (tables, facts, secrecy summary) must be the same, byte for byte,
# as with one thread: on the samples (events, secrecy, breakdowns; too few
# contracts to split the counting, but the tables are kept and written on
# several threads) and on 20 000 generated contracts (the counting split in
# ranges of apprentices), with and without secrecy.
. tests/e2e/lib.sh
KEY=$TMP/k.key
head -c 32 /dev/urandom >"$KEY"
chmod 600 "$KEY"
build/bin/generate --bench 20000 "$TMP/big" >/dev/null
$RUN -i samples/drop -o "$TMP/so" -c samples/config.yaml --keep-work "$TMP/sw" -q 2>/dev/null
$RUN -i "$TMP/big" -o "$TMP/bo" --key-file "$KEY" --observation-date 2025-01-15 --keep-work "$TMP/bw" -q 2>/dev/null
check "the samples' work files are kept" test -s "$TMP/sw/conserves.rec"
check "the 20 000 contracts' work files are kept" test -s "$TMP/bw/conserves.rec"
# ind BIN WORK OUT SECRECY THREADS: indicators alone on a kept work folder
ind() {
    rm -rf "$3" && mkdir -p "$3" &&
        "$1" --contracts "$2/contrats.rec" --kept "$2/conserves.rec" --schemas schemas --outdir "$3" \
            --observation-date 2025-01-15 --secrecy "$4" --facts "$3/facts.tsv" \
            --secrecy-summary "$3/secret.tsv" --events "$2/evenements.rec" \
            --participations "$2/participations.rec" --threads "$5" 2>"$3.log"
}
# same_dirs A B: the same files with the same bytes
same_dirs() { diff -r "$1" "$2" >/dev/null; }
for w in s b; do
    for thr in 0 5; do
        ind build/bin/indicators "$TMP/${w}w" "$TMP/$w-$thr-1" "$thr" 1
        check "$w drop, secrecy $thr, one thread: tables written" test -s "$TMP/$w-$thr-1/croissance_mensuelle.csv.gz"
        for t in 2 3 8; do
            ind build/bin/indicators "$TMP/${w}w" "$TMP/$w-$thr-$t" "$thr" "$t"
            check "$w drop, secrecy $thr, $t threads: same outputs as one" same_dirs "$TMP/$w-$thr-1" "$TMP/$w-$thr-$t"
        done
    done
done
# the figures of the run itself are those of one thread (the driver lets indicators pick)
check "the pipeline's croissance_mensuelle is the one-thread one" cmp -s "$TMP/bo/croissance_mensuelle.csv.gz" "$TMP/b-5-1/croissance_mensuelle.csv.gz"
check "the pipeline's ruptures is the one-thread one" cmp -s "$TMP/bo/ruptures.csv.gz" "$TMP/b-5-1/ruptures.csv.gz"
expect_exit 64 "indicators --threads 0 is a usage error" build/bin/indicators --contracts x --kept y --schemas schemas --outdir "$TMP" --observation-date 2025-01-15 --threads 0
expect_exit 64 "indicators --threads 9 is a usage error" build/bin/indicators --contracts x --kept y --schemas schemas --outdir "$TMP" --observation-date 2025-01-15 --threads 9
# no data race: the same run under ThreadSanitizer
if cc -std=c11 -O1 -g -fsanitize=thread -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -Istages/lib $(pkg-config --cflags zlib yaml-0.1 libcrypto minizip) stages/indicators.c stages/lib/*.c \
    $(pkg-config --libs zlib yaml-0.1 libcrypto minizip) -lcsv -lm -o "$TMP/indicators-tsan" 2>"$TMP/cc.txt"; then
    TSAN_OPTIONS=exitcode=99 ind "$TMP/indicators-tsan" "$TMP/bw" "$TMP/tsan-out" 5 3
    check "ThreadSanitizer finds no race" sh -c "! grep -q ThreadSanitizer '$TMP/tsan-out.log'"
    check "ThreadSanitizer build gives the same outputs" same_dirs "$TMP/b-5-1" "$TMP/tsan-out"
else
    not_ok "ThreadSanitizer build"
    head -5 "$TMP/cc.txt"
fi
finish
