# How report reads the CSV reports and finishes the workbook: each CSV read
# once, its cells kept for the sheet; a table longer than BIG_TABLE (50 000
# rows, constant_memory) read a second time as its sheet is written; of two
# bad tables the first in sheet order is named; --facts written on a thread
# beside the workbook's fsync, without a data race (ThreadSanitizer).
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

# --- the workbook and its facts ------------------------------------------------
mkdir -p "$TMP/a"
cp "$TMP/in/"*.csv.gz "$TMP/a/"
expect_exit 0 "report on the samples' CSVs" rep "$TMP/a" --provenance "$TMP/s/manifest.yaml" \
    --facts "$TMP/a-facts.tsv"
printf 'fichier\toctets\tsha256\tsha256_contenu\tlignes\nbilan.xlsx\t%s\t%s\t\t\n' \
    "$(stat -c %s "$TMP/a/bilan.xlsx")" "$(sha256sum "$TMP/a/bilan.xlsx" | cut -d' ' -f1)" > "$TMP/want-facts.tsv"
check "the facts give the workbook's size and SHA-256" cmp -s "$TMP/want-facts.tsv" "$TMP/a-facts.tsv"
check "the workbook passes check_xlsx.py against its CSVs" /usr/bin/python3 tests/e2e/check_xlsx.py \
    "$TMP/a/bilan.xlsx" "$TMP/a" --observation-date $OBS

# --- two bad tables: the first in sheet order is named ------------------------
mkdir -p "$TMP/bad"
cp "$TMP/in/"*.csv.gz "$TMP/bad/"
printf 'annee,region,region_libelle,opco,contrats,contrats_annee_precedente,evolution_pct,objectif,realisation_pct\n2024,11,IDF,TOTAL,douze,1,,,\n' |
    gzip -n > "$TMP/bad/croissance.csv.gz"
zcat "$TMP/in/croissance_mensuelle.csv.gz" | sed '3s/^2/x/' | gzip -n > "$TMP/bad/croissance_mensuelle.csv.gz"
expect_exit 70 "two bad tables: an internal error" rep "$TMP/bad"
check "the error names croissance.csv.gz, the first bad table in sheet order" \
    grep -q "^ERROR report: internal error: croissance.csv.gz, written by an earlier stage of this run, cannot be used (line 2, column 5)" "$TMP/stderr"
check "and only it" sh -c "! grep -q 'croissance_mensuelle.csv.gz, written' '$TMP/stderr'"
check "no workbook after the error" test ! -e "$TMP/bad/bilan.xlsx"

# --- the facts' threads: no data race (ThreadSanitizer) ----------------------------
if cc -std=c11 -O1 -g -fsanitize=thread -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -DAPP_VERSION='"tsan"' -Istages/lib $(pkg-config --cflags zlib yaml-0.1 libcrypto xlsxwriter minizip) \
    stages/report.c stages/lib/*.c $(pkg-config --libs zlib yaml-0.1 libcrypto xlsxwriter minizip) \
    -lcsv -lm -o "$TMP/report-tsan" 2>"$TMP/cc.txt"; then
    mkdir -p "$TMP/tsan"
    cp "$TMP/in/"*.csv.gz "$TMP/tsan/"
    TSAN_OPTIONS=exitcode=99 "$TMP/report-tsan" --outdir "$TMP/tsan" --schemas schemas --title T \
        --observation-date $OBS --provenance "$TMP/s/manifest.yaml" --facts "$TMP/tsan-facts.tsv" \
        2>"$TMP/tsan.txt"
    check "ThreadSanitizer finds no race" sh -c "! grep -q ThreadSanitizer '$TMP/tsan.txt'"
    check "ThreadSanitizer build gives the same workbook" cmp -s "$TMP/a/bilan.xlsx" "$TMP/tsan/bilan.xlsx"
    check "and the same facts" cmp -s "$TMP/a-facts.tsv" "$TMP/tsan-facts.tsv"
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
expect_exit 0 "a croissance_mensuelle of more than 50 000 rows" rep "$TMP/big"
check "the long table passes check_xlsx.py against its CSV" /usr/bin/python3 tests/e2e/check_xlsx.py \
    "$TMP/big/bilan.xlsx" "$TMP/big" --observation-date $OBS
finish
