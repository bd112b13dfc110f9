# Every stage is an executable of its own with --help (spec/outputs.md); an
# unknown option is a usage error (64).
. tests/e2e/lib.sh
for s in ingest merge indicators quality report dump pipeline-run; do
    check "$s --help prints its usage on stdout" sh -c "build/bin/$s --help | grep -q usage"
    expect_exit 64 "$s with an unknown option" build/bin/$s --no-such-option
done
# A number an option takes is a whole number, all of it ("2x" and "abc" used to pass as 2 and
# 0: --secrecy abc turned secrecy off without a word).
W="$TMP/w"
mkdir -p "$W"
expect_exit 64 "indicators --secrecy abc" build/bin/indicators --contracts "$W/c.rec" --kept "$W/k.rec" \
    --schemas schemas --outdir "$W" --observation-date 2024-12-31 --secrecy abc
check "the message says what --secrecy wants" grep -q "secrecy wants a whole number" "$TMP/stderr"
expect_exit 64 "indicators --secrecy 5x" build/bin/indicators --contracts "$W/c.rec" --kept "$W/k.rec" \
    --schemas schemas --outdir "$W" --observation-date 2024-12-31 --secrecy 5x
expect_exit 64 "indicators --rows -3" build/bin/indicators --contracts "$W/c.rec" --kept "$W/k.rec" \
    --schemas schemas --outdir "$W" --observation-date 2024-12-31 --rows -3
expect_exit 64 "merge --rows 10x" build/bin/merge --in "$W/c.rec" --out "$W/k.rec" --facts "$W/f.tsv" --rows 10x
expect_exit 64 "ingest --threads 2x" build/bin/ingest --kind contrats --schemas schemas --input "$W" \
    --out "$W/c.rec" --rejects "$W/r.tsv" --quality "$W/q.tsv" --threads 2x x.csv
finish
