# A new breakdown needs only a new YAML file (spec/indicators.md
# "Breakdowns"): copy the schemas, add ruptures by sexe and growth by NAF
# section, run, and check the new tables against the main ones.
. tests/e2e/lib.sh
cp -r schemas "$TMP/schemas"
sed -e 's/^table: ruptures_niveau/table: ruptures_sexe/' -e 's/^file: ruptures_niveau.csv.gz/file: ruptures_sexe.csv.gz/' \
    -e 's/^sheet: ruptures_niveau/sheet: ruptures_sexe/' -e 's/^breakdown: niveau/breakdown: sexe/' \
    -e 's/^keys: \[annee, niveau\]/keys: [annee, sexe]/' -e 's/^  - name: niveau$/  - name: sexe/' \
    -e '/^    labels:$/,/^    labels_heading:/d' -e 's/^    label: "Niveau"$/    label: "Sexe"/' \
    schemas/output/ruptures_niveau.yaml > "$TMP/schemas/output/ruptures_sexe.yaml"
cat > "$TMP/schemas/output/croissance_naf.yaml" <<'YAML'
table: croissance_naf
file: croissance_naf.csv.gz
sheet: croissance_naf
title: "Entrées en apprentissage par section NAF de l'employeur"
description: "Contrats débutés chaque année par section NAF (rév. 2) de l'employeur."
breakdown: section_naf
base: croissance
keys: [annee, section_naf]
columns:
  - {name: annee, label: "Année", format: year, definition: "Année de début du contrat."}
  - {name: section_naf, label: "Section NAF", format: text, definition: "Section NAF de l'employeur."}
  - {name: contrats, label: "Contrats", format: count, secret: true, definition: "Contrats débutés."}
  - {name: contrats_annee_precedente, label: "Année précédente", format: count, secret: true, definition: "Contrats débutés l'année précédente."}
  - {name: evolution_pct, label: "Évolution (%)", format: pct, denominator: contrats_annee_precedente, from: [contrats, contrats_annee_precedente], definition: "Évolution."}
YAML
printf 'schemas_dir: %s\npseudonymisation_key_file: %s\n' "$TMP/schemas" "$PWD/samples/sample.key" > "$TMP/config.yaml"
expect_exit 0 "run with two new breakdown schemas" $RUN -i samples/drop -o "$TMP/o" -c "$TMP/config.yaml" --no-secrecy -q
check "ruptures_sexe.csv.gz written" test -f "$TMP/o/ruptures_sexe.csv.gz"
check "croissance_naf.csv.gz written" test -f "$TMP/o/croissance_naf.csv.gz"
check "ruptures_sexe header" test "$(zcat "$TMP/o/ruptures_sexe.csv.gz" | head -1 | cut -d, -f1-4)" = "annee,sexe,contrats,ruptures"
# every year's TOTAL row equals the grand total of ruptures.csv.gz; H + F add up to it
ok_all=1 years=0
for y in $(zcat "$TMP/o/ruptures.csv.gz" | awk -F, 'NR > 1 && $2 == "TOTAL" && $4 == "TOTAL" {print $1}'); do
    years=$((years + 1))
    want=$(csv_row "$TMP/o/ruptures.csv.gz" "$y" TOTAL Ensemble TOTAL ruptures)
    got=$(csv_row "$TMP/o/ruptures_sexe.csv.gz" "$y" TOTAL ruptures)
    h=$(csv_row "$TMP/o/ruptures_sexe.csv.gz" "$y" H ruptures)
    f=$(csv_row "$TMP/o/ruptures_sexe.csv.gz" "$y" F ruptures)
    [ "$want" = "$got" ] && [ $(( ${h:-0} + ${f:-0} )) -eq "$want" ] || { ok_all=0; echo "    $y: total $want, breakdown TOTAL $got, H $h + F $f"; }
done
# the samples span several years: an empty list would make the loop pass
check "ruptures by sexe add up to the grand total every year ($years years)" test $ok_all -eq 1 -a $years -ge 3
ok_all=1 years=0
for y in $(zcat "$TMP/o/croissance.csv.gz" | awk -F, 'NR > 1 && $2 == "TOTAL" && $4 == "TOTAL" {print $1}'); do
    years=$((years + 1))
    want=$(csv_row "$TMP/o/croissance.csv.gz" "$y" TOTAL Ensemble TOTAL contrats)
    sum=$(zcat "$TMP/o/croissance_naf.csv.gz" | awk -F, -v y="$y" 'NR > 1 && $1 == y && $2 != "TOTAL" {s += $3} END {print s + 0}')
    [ "$want" = "$sum" ] || { ok_all=0; echo "    $y: croissance $want, sum of NAF sections $sum"; }
done
check "entries by NAF section add up to the grand total every year ($years years)" test $ok_all -eq 1 -a $years -ge 3
check "the workbook has the new sheets" /usr/bin/python3 -c "
import openpyxl, sys
wb = openpyxl.load_workbook('$TMP/o/bilan.xlsx')
sys.exit(0 if 'ruptures_sexe' in wb.sheetnames and 'croissance_naf' in wb.sheetnames else 1)"
check "the workbook with the new sheets passes check_xlsx.py" /usr/bin/python3 tests/e2e/check_xlsx.py \
    "$TMP/o/bilan.xlsx" "$TMP/o" --schemas "$TMP/schemas"
check "the Méthodologie sheet of a --no-secrecy run says secrecy was not applied" /usr/bin/python3 -c "
import openpyxl, sys
ws = openpyxl.load_workbook('$TMP/o/bilan.xlsx')['Méthodologie']
t = next(r[2].value for r in ws.iter_rows() if r[0].value == 'Secret statistique')
sys.exit(0 if t.startswith('Secret statistique non appliqué') else print(t) or 1)"
# a chart on a breakdown is a YAML edit too: bars of the 9-month rate by sexe, with labels
cat >> "$TMP/schemas/output/ruptures_sexe.yaml" <<'YAML'
chart:
  column: taux_rupture_9m_pct
  type: column
  cohort_window_months: 9
  title: "Taux de rupture à 9 mois selon le sexe"
YAML
sed -i 's/^  - name: sexe$/  - name: sexe\n    labels: {H: "Hommes", F: "Femmes"}\n    labels_heading: "Sexe (libellé)"/' \
    "$TMP/schemas/output/ruptures_sexe.yaml"
expect_exit 0 "run with a chart and labels on the sexe breakdown" $RUN -i samples/drop -o "$TMP/o" -c "$TMP/config.yaml" --no-secrecy -q
check "ruptures_sexe has its chart and labels (check_xlsx.py)" /usr/bin/python3 tests/e2e/check_xlsx.py \
    "$TMP/o/bilan.xlsx" "$TMP/o" --schemas "$TMP/schemas"
check "the chart of ruptures_sexe is on its sheet and on the Synthèse" /usr/bin/python3 -c "
import openpyxl, sys
wb = openpyxl.load_workbook('$TMP/o/bilan.xlsx')
ws = wb['ruptures_sexe']
ok = len(ws._charts) == 1 and ws['C2'].value == 'Sexe (libellé)' and ws['C3'].value in ('Hommes', 'Femmes')
ok = ok and any('selon le sexe, cohorte 2023' in str(c.value) for c in wb['Synthèse']['A'])
sys.exit(0 if ok else 1)"
finish
