# The pipeline on the committed samples: the published figures of
# spec/published-figures.md, and byte-identical reports on a rerun.
. tests/e2e/lib.sh
# the committed drop is what the generator writes (samples/README.md), byte for byte
build/bin/generate --samples "$TMP/gen" >/dev/null 2>&1
check "samples/drop is what build/bin/generate --samples writes" diff -r "$TMP/gen" samples/drop
expect_exit 0 "pipeline runs on the samples" $RUN -i samples/drop -o "$TMP/a" -c samples/config.yaml -q
f="$TMP/a/croissance.csv.gz"
check "AKTO Normandie 2021: 3071 contracts" test "$(csv_row "$f" 2021 28 Normandie AKTO contrats)" = 3071
check "AKTO Normandie 2021: 2173 the year before" test "$(csv_row "$f" 2021 28 Normandie AKTO contrats_annee_precedente)" = 2173
check "AKTO Normandie 2021: +41.3 %" test "$(csv_row "$f" 2021 28 Normandie AKTO evolution_pct)" = 41.3
check "AKTO 2022 target 110000" test "$(csv_row "$f" 2022 TOTAL Ensemble AKTO objectif)" = 110000
# realisation_pct recomputed independently from the row's own count
n=$(csv_row "$f" 2022 TOTAL Ensemble AKTO contrats)
want=$(python3 -c "from decimal import Decimal, ROUND_HALF_UP; print(Decimal(100*$n/110000).quantize(Decimal('0.1'), ROUND_HALF_UP))")
check "AKTO 2022 realisation_pct = 100*$n/110000" test "$(csv_row "$f" 2022 TOTAL Ensemble AKTO realisation_pct)" = "$want"
# the meeting figures of the AKTO press release (spec/published-figures.md)
r="$TMP/a/reunions.csv.gz"
check "AKTO 2021: 200 company meetings" test "$(csv_row "$r" 2021 TOTAL Ensemble AKTO reunion_entreprises evenements)" = 200
check "AKTO 2021: 5000 companies" test "$(csv_row "$r" 2021 TOTAL Ensemble AKTO reunion_entreprises structures)" = 5000
check "AKTO Normandie 2021: 26 company meetings" test "$(csv_row "$r" 2021 28 Normandie AKTO reunion_entreprises evenements)" = 26
check "AKTO Normandie 2021: 493 companies" test "$(csv_row "$r" 2021 28 Normandie AKTO reunion_entreprises structures)" = 493
check "AKTO 2021: 500 meetings with training organisations" test "$(csv_row "$r" 2021 TOTAL Ensemble AKTO reunion_organismes evenements)" = 500
check "AKTO 2021: 2500 organisations" test "$(csv_row "$r" 2021 TOTAL Ensemble AKTO reunion_organismes structures)" = 2500
check "AKTO 2021: 70 fairs" test "$(csv_row "$r" 2021 TOTAL Ensemble AKTO salon evenements)" = 70
check "AKTO Normandie 2021: 5 fairs" test "$(csv_row "$r" 2021 28 Normandie AKTO salon evenements)" = 5
# the workbook read back by an independent reader: charts where a reader finds them
# (the Synthèse: monthly entries, ruptures by région, the curve, meetings, and the bars by
# sector and by employer size)
want="{'Synthèse': 6, 'Croissance mensuelle': 1, 'Ruptures': 1, 'Courbe des ruptures': 1, 'Réunions': 1, 'ruptures_section_naf': 1, 'ruptures_tranche_effectif': 1, 'ruptures_departement': 0}"
check "charts: 6 on the Synthèse, 1 on each source sheet" /usr/bin/python3 -c "
import openpyxl, sys
wb = openpyxl.load_workbook('$TMP/a/bilan.xlsx')
want = $want
n = {s: len(wb[s]._charts) for s in want}
sys.exit(0 if n == want else print(n) or 1)"
# the rupture curve repeats the 9- and 12-month columns of ruptures (with secrecy)
check "courbe_ruptures months 09 and 12 equal ruptures' columns on the samples" python3 - "$TMP/a" <<'PY'
import csv, gzip, sys
def rows(n):
    with gzip.open("%s/%s.csv.gz" % (sys.argv[1], n), "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
cur = {(r["annee"], r["region"], r["mois"]): r for r in rows("courbe_ruptures")}
bad = n = 0
for r in rows("ruptures"):
    if r["opco"] != "TOTAL":
        continue
    for m, o, k in (("09", "observables_9m", "ruptures_9m"), ("12", "observables_12m", "ruptures_12m")):
        c = cur.get((r["annee"], r["region"], m))
        got = (c["observables"], c["ruptures"]) if c else ("0", "0")
        n += 1
        if got != (r[o], r[k]):
            bad += 1
            print("    ", r["annee"], r["region"], m, got, (r[o], r[k]))
sys.exit(1 if bad or not n else 0)
PY
check "bilan.xlsx passes check_xlsx.py against the CSV reports" /usr/bin/python3 tests/e2e/check_xlsx.py "$TMP/a/bilan.xlsx" "$TMP/a"
# the Méthodologie sheet quotes the configured threshold (samples/config.yaml: 5), which report
# reads from the run's manifest
check "Méthodologie quotes secrecy_threshold 5 of samples/config.yaml" /usr/bin/python3 -c "
import openpyxl, sys
ws = openpyxl.load_workbook('$TMP/a/bilan.xlsx')['Méthodologie']
t = next(r[2].value for r in ws.iter_rows() if r[0].value == 'Secret statistique')
sys.exit(0 if 'compris entre 1 et 4 (seuil de secret statistique de cette exécution : 5,' in t else print(t) or 1)"
# the independent reading of the drop agrees
check "samples/check_figures.py finds the same figures" python3 samples/check_figures.py
expect_exit 0 "second run into another folder" $RUN -i samples/drop -o "$TMP/b" -c samples/config.yaml -q
for x in $(cd "$TMP/a" && ls); do
    check "$x byte-identical across runs" cmp -s "$TMP/a/$x" "$TMP/b/$x"
done
check "gzip reports have no name and mtime 0" python3 -c "
import sys
for x in ['croissance','croissance_mensuelle','qualite','rejets']:
    b = open('$TMP/a/%s.csv.gz' % x, 'rb').read(10)
    assert b[:3] == b'\x1f\x8b\x08' and b[3] == 0 and b[4:8] == b'\0\0\0\0', x
"
# the monthly table agrees with the yearly one (December cumul = contrats)
check "December cumul equals the yearly count" test "$(csv_row "$TMP/a/croissance_mensuelle.csv.gz" 2021 12 28 Normandie AKTO cumul)" = 3071
finish
