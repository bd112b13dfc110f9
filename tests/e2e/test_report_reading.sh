# How report reads the CSV reports: once, several at a time (--threads), with
# the same workbook and the same log as one thread, the first failing table in
# sheet order named whichever thread read it, no data race (ThreadSanitizer);
# a table longer than BIG_TABLE (50 000 rows, constant_memory) read a second
# time as its sheet is written.
. tests/e2e/lib.sh
BIN=build/bin/report
OBS=2024-11-30
rep() { # rep DIR [OPTION...]
    rd=$1; shift
    "$BIN" --outdir "$rd" --schemas schemas --title T --observation-date $OBS "$@"
}
# the reports of a run on the samples: every table, charts, secret cells
$RUN -i samples/drop -o "$TMP/s" -c samples/config.yaml -q
mkdir -p "$TMP/in"
cp "$TMP/s/"*.csv.gz "$TMP/in/"
check "a run on the samples gives the report CSVs" test -s "$TMP/in/croissance_mensuelle.csv.gz"

# --- the same workbook and log on 1, 2, 3 and 8 threads ----------------------
# an unknown column in croissance (sheet 3) and in the larger croissance_mensuelle (sheet 4):
# the largest file is read first, yet the warnings come in sheet order
extra() { # extra FILE: FILE.csv.gz with a column "en_trop" added
    zcat "$1" | awk 'NR == 1 { print $0 ",en_trop"; next } { print $0 ",x" }' | gzip -n > "$1.new" &&
        mv "$1.new" "$1"
}
extra "$TMP/in/croissance.csv.gz"
extra "$TMP/in/croissance_mensuelle.csv.gz"
for n in 1 2 3 8; do
    mkdir -p "$TMP/t$n"
    cp "$TMP/in/"*.csv.gz "$TMP/t$n/"
    expect_exit 0 "$n thread(s)" rep "$TMP/t$n" --provenance "$TMP/s/manifest.yaml" --threads $n
    cp "$TMP/stderr" "$TMP/t$n.err"
done
for n in 2 3 8; do
    check "$n threads: the same workbook as one" cmp -s "$TMP/t1/bilan.xlsx" "$TMP/t$n/bilan.xlsx"
    check "$n threads: the same log as one" cmp -s "$TMP/t1.err" "$TMP/t$n.err"
done
warned=$(sed -n 's/^WARN report: \([^:]*\):1:[0-9]*: column en_trop .*/\1/p' "$TMP/t1.err" | tr '\n' ' ')
check "the warnings come in sheet order: croissance, then croissance_mensuelle" \
    test "$warned" = "croissance.csv.gz croissance_mensuelle.csv.gz "

# --- two bad tables: the first in sheet order is named, as one by one --------
mkdir -p "$TMP/bad"
cp "$TMP/in/"*.csv.gz "$TMP/bad/"
printf 'annee,region,region_libelle,opco,contrats,contrats_annee_precedente,evolution_pct,objectif,realisation_pct\n2024,11,IDF,TOTAL,douze,1,,,\n' |
    gzip -n > "$TMP/bad/croissance.csv.gz"
zcat "$TMP/in/croissance_mensuelle.csv.gz" | sed '3s/^2/x/' | gzip -n > "$TMP/bad/croissance_mensuelle.csv.gz"
for n in 1 4; do
    expect_exit 70 "two bad tables, $n thread(s): an internal error" rep "$TMP/bad" --threads $n
    cp "$TMP/stderr" "$TMP/bad$n.err"
done
check "the error names croissance.csv.gz, the first bad table in sheet order" \
    grep -q "^ERROR report: internal error: croissance.csv.gz, written by an earlier stage of this run, cannot be used (line 2, column 5)" "$TMP/bad1.err"
check "and not croissance_mensuelle.csv.gz" sh -c "! grep -q 'croissance_mensuelle.csv.gz, written' '$TMP/bad1.err'"
check "4 threads: the same log as one" cmp -s "$TMP/bad1.err" "$TMP/bad4.err"
check "no workbook after the error" test ! -e "$TMP/bad/bilan.xlsx"

expect_exit 64 "--threads 0" rep "$TMP/t1" --threads 0
expect_exit 64 "--threads 9" rep "$TMP/t1" --threads 9
expect_exit 64 "--threads 2x" rep "$TMP/t1" --threads 2x

# --- no data race: the same run under ThreadSanitizer --------------------------
if cc -std=c11 -O1 -g -fsanitize=thread -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -DAPP_VERSION='"tsan"' -Istages/lib $(pkg-config --cflags zlib yaml-0.1 libcrypto xlsxwriter minizip) \
    stages/report.c stages/lib/*.c $(pkg-config --libs zlib yaml-0.1 libcrypto xlsxwriter minizip) \
    -lcsv -lm -o "$TMP/report-tsan" 2>"$TMP/cc.txt"; then
    mkdir -p "$TMP/tsan"
    cp "$TMP/in/"*.csv.gz "$TMP/tsan/"
    TSAN_OPTIONS=exitcode=99 "$TMP/report-tsan" --outdir "$TMP/tsan" --schemas schemas --title T \
        --observation-date $OBS --provenance "$TMP/s/manifest.yaml" --facts "$TMP/tsan-facts.tsv" \
        --threads 4 2>"$TMP/tsan.txt"
    check "ThreadSanitizer finds no race" sh -c "! grep -q ThreadSanitizer '$TMP/tsan.txt'"
    check "ThreadSanitizer build gives the same workbook" cmp -s "$TMP/t1/bilan.xlsx" "$TMP/tsan/bilan.xlsx"
    check "and writes the facts" grep -q "^bilan.xlsx" "$TMP/tsan-facts.tsv"
else
    not_ok "ThreadSanitizer build of report"
    head -5 "$TMP/cc.txt"
fi

# --- a table longer than 50 000 rows: streamed, read again as it is written ------
mkdir -p "$TMP/big"
cp "$TMP/in/"*.csv.gz "$TMP/big/"
awk 'BEGIN {
    print "annee,mois,region,region_libelle,opco,contrats_mois,cumul,cumul_annee_precedente,evolution_cumul_pct"
    n = 0
    for (y = 2024; n < 50010; y--)
        for (m = 1; m <= 12; m++)
            for (r = 1; r <= 40; r++)
                for (o = 1; o <= 11; o++) {
                    reg = r == 40 ? "TOTAL" : sprintf("%02d", r)
                    opco = o == 11 ? "TOTAL" : "OPCO" o
                    c = (y * 7 + m * 13 + r * 3 + o) % 97
                    printf "%d,%02d,%s,Région %s,%s,%s,%d,%d,%.1f\n", y, m, reg, reg, opco,
                        c < 3 ? "s" : c, c * m, c * m + 5, (c % 40) - 20.5
                    n++
                }
}' | gzip -n > "$TMP/big/croissance_mensuelle.csv.gz"
expect_exit 0 "a croissance_mensuelle of more than 50 000 rows" rep "$TMP/big" --threads 2
check "the long table passes check_xlsx.py against its CSV" /usr/bin/python3 tests/e2e/check_xlsx.py \
    "$TMP/big/bilan.xlsx" "$TMP/big" --observation-date $OBS
finish
