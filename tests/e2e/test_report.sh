# The report stage alone (build/bin/report, built beforehand): a workbook
# from small hand-written CSV reports, checked by check_xlsx.py; byte-identical
# reruns; exit codes; no workbook after a bad input.
. tests/e2e/lib.sh
BIN=${REPORT:-build/bin/report}
CHECK=tests/e2e/check_xlsx.py
SCHEMAS=schemas
if [ ! -x "$BIN" ]; then
    not_ok "$BIN is not built (make $BIN)"
    finish
    exit 1
fi
PY=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || not_ok "no python3 with openpyxl (apt-get install python3-openpyxl)"

# --- fixtures: a few rows each, a secret "s" cell and TOTAL rows ----------
mkdir -p "$TMP/in" "$TMP/a" "$TMP/b"
printf '%s\n' \
    'annee,region,region_libelle,opco,contrats,contrats_annee_precedente,evolution_pct,objectif,realisation_pct' \
    '2023,11,Île-de-France,OPCO_EP,12,0,,,' \
    '2023,11,Île-de-France,TOTAL,12,0,,,' \
    '2023,TOTAL,Ensemble,OPCO_EP,15,0,,,' \
    '2023,TOTAL,Ensemble,TOTAL,15,0,,,' \
    '2024,11,Île-de-France,OPCO_EP,3071,12,25491.7,4000,76.8' \
    '2024,11,Île-de-France,TOTAL,s,12,s,,' \
    '2024,TOTAL,Ensemble,OPCO_EP,3080,15,20433.3,,' \
    '2024,TOTAL,Ensemble,TOTAL,3080,15,20433.3,,' | gzip -n > "$TMP/in/croissance.csv.gz"
printf '%s\n' \
    'annee,mois,region,region_libelle,opco,contrats_mois,cumul,cumul_annee_precedente,evolution_cumul_pct' \
    '2024,01,11,Île-de-France,TOTAL,10,10,8,25.0' \
    '2024,01,TOTAL,Ensemble,TOTAL,10,10,8,25.0' \
    '2024,02,11,Île-de-France,TOTAL,s,12,s,s' \
    '2024,02,TOTAL,Ensemble,TOTAL,s,13,s,s' \
    '2024,03,TOTAL,Ensemble,TOTAL,1200,1213,900,34.8' | gzip -n > "$TMP/in/croissance_mensuelle.csv.gz"
printf '%s\n' \
    'fichier,encodage,separateur,lignes_lues,lignes_acceptees,lignes_rejetees,COLONNES,REQUIS,DATE,DATES,SIRET,UAI,ENUM,CODE_POSTAL,AGE,ENCODAGE,OPCO,DOUBLON,EVENEMENT_INCONNU,valeurs_invalides,colonnes_ignorees,versions_remplacees,exclus_annules,exclus_rupture_avant_debut,exclus_dispositif,uai_inconnus,region_nd,opco_nd,doublons_participations' \
    'contrats/extraction_20240131.csv.gz,UTF-8,;,12345,12000,345,1,2,3,4,5,6,7,8,9,10,0,0,0,11,"ancienne colonne|(vide)",12,13,14,17,,15,16,' \
    'evenements/evenements.csv,Windows-1252,tab,30,30,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,,,,,,,,' | gzip -n > "$TMP/in/qualite.csv.gz"
printf 'software: apprentissage 1.0\nparameters:\n  observation_date: 2024-12-31\n  note: "données d'"'"'essai"\n' > "$TMP/manifest.yaml"
cp "$TMP/in/"*.csv.gz "$TMP/a/" && cp "$TMP/in/"*.csv.gz "$TMP/b/"

run() { # run DIR [extra options]
    run_dir=$1; shift
    "$BIN" --outdir "$run_dir" --schemas "$SCHEMAS" --title "Bilan de l'apprentissage" \
        --observation-date 2024-12-31 "$@"
}

# --- (1) exit 0, nothing on stdout, no temporary left ----------------------
run "$TMP/a" --provenance "$TMP/manifest.yaml" >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
check "report exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/    /' "$TMP/stderr" | head -5
check "nothing on stdout" test ! -s "$TMP/stdout"
check "bilan.xlsx written" test -s "$TMP/a/bilan.xlsx"
check "no bilan.xlsx.tmp left" test ! -e "$TMP/a/bilan.xlsx.tmp"

# --- (2) byte-identical reruns, whatever the time zone and locale -----------
TZ=Pacific/Kiritimati LC_ALL=fr_FR.UTF-8 LC_NUMERIC=fr_FR.UTF-8 \
    run "$TMP/b" --provenance "$TMP/manifest.yaml" >/dev/null 2>&1
check "second run exits 0" test -s "$TMP/b/bilan.xlsx"
check "two runs give byte-identical workbooks" cmp -s "$TMP/a/bilan.xlsx" "$TMP/b/bilan.xlsx"

# --- (3) the workbook against the CSV reports and the schemas --------------
if [ -n "$PY" ]; then
    if "$PY" "$CHECK" "$TMP/a/bilan.xlsx" "$TMP/a" --schemas "$SCHEMAS" \
        --observation-date 2024-12-31 >"$TMP/check.out" 2>&1; then
        ok "check_xlsx.py: $(tail -n 1 "$TMP/check.out")"
    else
        not_ok "check_xlsx.py"
        sed 's/^/    /' "$TMP/check.out" | head -20
    fi
    check "Provenance repeats the manifest line by line" "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Provenance"]
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
got = [ws.cell(row=4 + i, column=1).value for i in range(len(lines))]
sys.exit(got != lines)' "$TMP/a/bilan.xlsx" "$TMP/manifest.yaml"
    check "Synthèse quotes the grand total, secret-free figure of 2024" "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Synthèse"]
text = " ".join(str(c.value) for c in ws["A"] if c.value)
sys.exit("3\u00a0080 contrats" not in text or "+20\u00a0433,3\u00a0%" not in text)' "$TMP/a/bilan.xlsx"
fi

# --- every table and every chart --------------------------------------------
mkdir -p "$TMP/full"
cp "$TMP/in/"*.csv.gz "$TMP/full/"
printf '%s\n' \
    'annee,region,region_libelle,opco,contrats,ruptures,taux_rupture_pct,ruptures_45j,taux_rupture_45j_pct,observables_9m,ruptures_9m,taux_rupture_9m_pct,observables_12m,ruptures_12m,taux_rupture_12m_pct,ruptures_suivies_nouveau_contrat,ruptures_sans_nouveau_contrat,taux_sans_nouveau_contrat_pct,duree_mediane_avant_rupture_j' \
    '2023,11,Île-de-France,OPCO_EP,100,20,20.0,5,5.0,100,18,18.0,100,20,20.0,6,10,10.0,120' \
    '2023,11,Île-de-France,TOTAL,100,20,20.0,5,5.0,100,18,18.0,100,20,20.0,6,10,10.0,120' \
    '2023,84,Auvergne-Rhône-Alpes,TOTAL,40,s,s,0,0.0,40,s,s,40,s,s,0,s,s,s' \
    '2023,TOTAL,Ensemble,TOTAL,140,24,17.1,5,3.6,140,21,15.0,140,24,17.1,6,13,9.3,118' \
    '2024,11,Île-de-France,TOTAL,90,9,10.0,6,6.7,0,0,,0,0,,0,0,0.0,40' \
    '2024,TOTAL,Ensemble,TOTAL,90,9,10.0,6,6.7,0,0,,0,0,,0,0,0.0,40' | gzip -n > "$TMP/full/ruptures.csv.gz"
printf '%s\n' \
    'annee,region,region_libelle,opco,type_evenement,evenements,participations,structures,participants_par_evenement,visiteurs,entreprises,entreprises_nouvelles,entreprises_converties,taux_conversion_pct' \
    '2024,11,Île-de-France,AKTO,reunion_entreprises,6,60,50,10.0,,45,20,9,20.0' \
    '2024,TOTAL,Ensemble,AKTO,reunion_entreprises,6,60,50,10.0,,45,20,9,20.0' \
    '2024,TOTAL,Ensemble,OPCO_EP,reunion_entreprises,s,30,25,s,,25,s,s,s' \
    '2024,TOTAL,Ensemble,OPCO_EP,salon,5,500,400,100.0,12000,350,200,40,11.4' \
    '2024,TOTAL,Ensemble,TOTAL,reunion_entreprises,9,90,75,10.0,,70,24,12,17.1' | gzip -n > "$TMP/full/reunions.csv.gz"
printf '%s\n' \
    'annee,niveau,contrats,ruptures,taux_rupture_pct,ruptures_45j,taux_rupture_45j_pct,observables_9m,ruptures_9m,taux_rupture_9m_pct,observables_12m,ruptures_12m,taux_rupture_12m_pct,ruptures_suivies_nouveau_contrat,ruptures_sans_nouveau_contrat,taux_sans_nouveau_contrat_pct,duree_mediane_avant_rupture_j' \
    '2023,3,100,20,20.0,5,5.0,100,18,18.0,100,20,20.0,6,10,10.0,120' \
    '2023,ND,s,s,s,0,s,s,0,s,s,0,s,0,0,s,' \
    '2023,TOTAL,103,20,19.4,5,4.9,103,18,17.5,103,20,19.4,6,10,9.7,120' | gzip -n > "$TMP/full/ruptures_niveau.csv.gz"
# the rupture curve: cohorts 2022 and 2023 of the four up to 2023 (the cohort quoted, D_obs
# 31 Dec 2024), a secret point (a gap), 2024 and 2019 outside the chart
printf '%s\n' \
    'annee,region,region_libelle,opco,mois,observables,ruptures,taux_rupture_cumule_pct' \
    '2019,TOTAL,Ensemble,TOTAL,01,50,5,10.0' \
    '2022,TOTAL,Ensemble,TOTAL,01,100,5,5.0' \
    '2022,TOTAL,Ensemble,TOTAL,02,100,9,9.0' \
    '2023,11,Île-de-France,TOTAL,01,100,3,3.0' \
    '2023,TOTAL,Ensemble,TOTAL,01,140,4,2.9' \
    '2023,TOTAL,Ensemble,TOTAL,02,140,s,s' \
    '2023,TOTAL,Ensemble,TOTAL,03,120,10,8.3' \
    '2024,TOTAL,Ensemble,TOTAL,01,90,6,6.7' | gzip -n > "$TMP/full/courbe_ruptures.csv.gz"
# a breakdown with a chart: bars in the order of the schema's labels (0-4, 5-9, 10-49), then
# ND, then TOTAL, for the cohort 2023; the secret rate of ND is a gap
printf '%s\n' \
    'annee,tranche_effectif,contrats,ruptures,taux_rupture_pct,ruptures_45j,taux_rupture_45j_pct,observables_9m,ruptures_9m,taux_rupture_9m_pct,observables_12m,ruptures_12m,taux_rupture_12m_pct,ruptures_suivies_nouveau_contrat,ruptures_sans_nouveau_contrat,taux_sans_nouveau_contrat_pct,duree_mediane_avant_rupture_j' \
    '2022,0-4,50,10,20.0,5,10.0,50,9,18.0,50,10,20.0,3,5,10.0,100' \
    '2023,0-4,60,15,25.0,5,8.3,60,14,23.3,60,15,25.0,6,8,13.3,110' \
    '2023,10-49,30,5,16.7,0,0.0,30,5,16.7,30,5,16.7,0,5,16.7,200' \
    '2023,5-9,49,6,12.2,s,s,49,6,12.2,49,6,12.2,s,5,10.2,150' \
    '2023,ND,s,s,s,0,s,s,s,s,s,s,s,0,0,s,' \
    '2023,TOTAL,142,27,19.0,6,4.2,142,26,18.3,142,27,19.0,7,18,12.7,120' | gzip -n > "$TMP/full/ruptures_tranche_effectif.csv.gz"
expect_exit 0 "all tables" run "$TMP/full"
if [ -n "$PY" ]; then
    if "$PY" "$CHECK" "$TMP/full/bilan.xlsx" "$TMP/full" --schemas "$SCHEMAS" >"$TMP/check.out" 2>&1; then
        ok "check_xlsx.py, all tables and charts: $(tail -n 1 "$TMP/check.out")"
    else
        not_ok "check_xlsx.py, all tables and charts"
        sed 's/^/    /' "$TMP/check.out" | head -20
    fi
fi

if [ -n "$PY" ]; then
    check "Synthèse: the curve and the 9-month rate quote the cohort 2023, the breakdown chart too" "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Synthèse"]
text = " ".join(str(c.value) for c in ws["A"] if c.value)
sys.exit(not ("Taux de rupture à 9 mois de la cohorte 2023" in text and "15,0\u00a0%" in text
              and "Courbe des ruptures des cohortes 2022 à 2023" in text
              and "selon la taille de l\x27employeur, cohorte 2023" in text
              and "le plus élevé : 0 à 4 salariés (23,3\u00a0%)" in text
              and "le plus faible : 5 à 9 salariés (12,2\u00a0%)" in text))' "$TMP/full/bilan.xlsx"
    check "Synthèse: a libellé beside reunion_entreprises" "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Synthèse"]
text = " ".join(str(c.value) for c in ws["A"] if c.value)
sys.exit(not ("Réunions d\x27information entreprises en 2024" in text
              and "reunion_entreprises (Réunions d\x27information entreprises)" in text))' "$TMP/full/bilan.xlsx"
fi

# --- a chart without points: a warning naming the file by its name, not by its path (in a
# run, the staging folder the operator never sees)
mkdir -p "$TMP/noreu"
cp "$TMP/full/"*.csv.gz "$TMP/noreu/"
zcat "$TMP/full/reunions.csv.gz" | head -n 1 | gzip -n > "$TMP/noreu/reunions.csv.gz"
expect_exit 0 "reunions without rows" run "$TMP/noreu"
check "the warning names reunions.csv.gz by its name" \
    grep -q "^WARN report: reunions.csv.gz: no row for the year or cohort shown" "$TMP/stderr"

# --- a secret figure of the Synthèse is spelled out, never quoted as a number -
mkdir -p "$TMP/secret"
cp "$TMP/full/"*.csv.gz "$TMP/secret/"
zcat "$TMP/full/ruptures.csv.gz" | sed 's/^2023,TOTAL,Ensemble,TOTAL,140,24,17.1,5,3.6,140,21,15.0,/2023,TOTAL,Ensemble,TOTAL,140,24,17.1,5,3.6,140,s,s,/' |
    gzip -n > "$TMP/secret/ruptures.csv.gz"
expect_exit 0 "a secret 9-month rate for the cohort quoted" run "$TMP/secret"
if [ -n "$PY" ]; then
    if "$PY" "$CHECK" "$TMP/secret/bilan.xlsx" "$TMP/secret" --schemas "$SCHEMAS" >"$TMP/check.out" 2>&1; then
        ok "check_xlsx.py, secret 9-month rate: $(tail -n 1 "$TMP/check.out")"
    else
        not_ok "check_xlsx.py, secret 9-month rate"
        sed 's/^/    /' "$TMP/check.out" | head -20
    fi
    check "the secret rate reads 'non diffusable', not 15,0 %" "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Synthèse"]
p = next(str(c.value) for c in ws["A"] if str(c.value).startswith("Taux de rupture à 9 mois de la cohorte 2023"))
sys.exit(not ("OPCO : non diffusable (secret statistique) (ruptures dans les 9 mois : non diffusable" in p
              and "15,0" not in p))' "$TMP/secret/bilan.xlsx"
    check "the Synthèse says what « s » covers, secondary cells included" "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Synthèse"]
p = next(str(c.value) for c in ws["A"] if str(c.value).startswith("« s » :"))
sys.exit(not ("entre 1 et le seuil moins 1" in p and "secret secondaire" in p and "recalculé" in p))' "$TMP/secret/bilan.xlsx"
fi

# --- libellés from a reference table dropped for the run (--input) -----------
mkdir -p "$TMP/drop/referentiels"
sed 's/^AKTO,"Akto, /AKTO,"Akto Services, /' schemas/referentiels/opco.csv > "$TMP/drop/referentiels/opco.csv"
expect_exit 0 "--input with a dropped opco.csv" run "$TMP/full" --input "$TMP/drop"
if [ -n "$PY" ]; then
    check "the OPCO's name comes from the dropped table" "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Réunions"]
names = [ws.cell(row=r, column=5).value for r in range(3, ws.max_row + 1)
         if ws.cell(row=r, column=4).value == "AKTO"]
sys.exit(not names or any(n != "Akto Services" for n in names))' "$TMP/full/bilan.xlsx"
fi
expect_exit 0 "rerun without --input" run "$TMP/full"

# --- (4) usage errors --------------------------------------------------------
expect_exit 64 "missing --outdir" "$BIN" --schemas "$SCHEMAS" --title T --observation-date 2024-12-31
expect_exit 64 "unknown option" run "$TMP/a" --bogus
expect_exit 64 "impossible observation date" "$BIN" --outdir "$TMP/a" --schemas "$SCHEMAS" --title T --observation-date 2023-02-29
expect_exit 0 "--help" "$BIN" --help
check "--help prints the usage on stdout" sh -c "'$BIN' --help | grep -q '^usage: report'"

# --- (5) a corrupt or wrong input: non-zero exit, no workbook ---------------
mkdir -p "$TMP/bad"
cp "$TMP/in/"*.csv.gz "$TMP/bad/"
head -c 60 "$TMP/in/croissance.csv.gz" > "$TMP/bad/croissance.csv.gz"
"$BIN" --outdir "$TMP/bad" --schemas "$SCHEMAS" --title T --observation-date 2024-12-31 \
    >/dev/null 2>"$TMP/stderr"
rc=$?
check "corrupt croissance.csv.gz: non-zero exit ($rc)" test "$rc" -ne 0
check "corrupt croissance.csv.gz: no bilan.xlsx" test ! -e "$TMP/bad/bilan.xlsx"
check "corrupt croissance.csv.gz: no temporary left" test ! -e "$TMP/bad/bilan.xlsx.tmp"
check "the message is an ERROR line naming the file" grep -q "^ERROR report: .*croissance.csv.gz" "$TMP/stderr"

printf '%s\n' 'annee,mois,region,region_libelle,opco,contrats_mois,cumul,cumul_annee_precedente,evolution_cumul_pct' \
    '2024,01,TOTAL,Ensemble,TOTAL,10,dix,8,25.0' | gzip -n > "$TMP/bad/croissance_mensuelle.csv.gz"
cp "$TMP/in/croissance.csv.gz" "$TMP/bad/"
# the report CSVs are the pipeline's own files: a fault in them is an internal error (70), named
# by the file's name and place, never by its path (in a run, the staging folder)
expect_exit 70 "a word in a count column: an internal error" run "$TMP/bad"
check "the message names the file, line and column" grep -q "^ERROR report: internal error: croissance_mensuelle.csv.gz, written by an earlier stage of this run, cannot be used (line 2, column 7): column cumul" "$TMP/stderr"
check "the message does not name the folder's path" sh -c "! grep -q '$TMP/bad' '$TMP/stderr'"
check "no bilan.xlsx after a data error" test ! -e "$TMP/bad/bilan.xlsx"

cp -R "$SCHEMAS" "$TMP/schemas"
sed 's/^    format: pct$/    format: percent/' "$SCHEMAS/output/croissance.yaml" > "$TMP/schemas/output/croissance.yaml"
expect_exit 78 "unknown format in a schema" "$BIN" --outdir "$TMP/a" --schemas "$TMP/schemas" --title T --observation-date 2024-12-31
check "the schema error names file:line:column" grep -q "croissance.yaml:[0-9]*:[0-9]*: unknown format" "$TMP/stderr"
cp "$SCHEMAS/output/croissance.yaml" "$TMP/schemas/output/croissance.yaml"
sed 's/^    labels: opco$/    labels: opcos/' "$SCHEMAS/output/ruptures.yaml" > "$TMP/schemas/output/ruptures.yaml"
expect_exit 78 "labels naming no reference table" "$BIN" --outdir "$TMP/a" --schemas "$TMP/schemas" --title T --observation-date 2024-12-31
check "the labels error names file:line:column and the tables" \
    grep -q "ruptures.yaml:[0-9]*:[0-9]*: labels: a mapping, or one of opco, regions, departements, naf_sections: opcos" "$TMP/stderr"
cp "$SCHEMAS/output/ruptures.yaml" "$TMP/schemas/output/ruptures.yaml"
sed 's/^  type: bar$/  type: pie/' "$SCHEMAS/output/ruptures_section_naf.yaml" > "$TMP/schemas/output/ruptures_section_naf.yaml"
expect_exit 78 "a breakdown chart of an unknown type" "$BIN" --outdir "$TMP/a" --schemas "$TMP/schemas" --title T --observation-date 2024-12-31
check "the chart error names file:line:column" grep -q "ruptures_section_naf.yaml:[0-9]*:[0-9]*: chart: type is column or bar, not pie" "$TMP/stderr"
expect_exit 66 "no report folder" run "$TMP/none"

# --- (6) the Méthodologie sheet quotes the run's secrecy threshold, read from the manifest -----
# rule DIR: the text beside « Secret statistique » on the Méthodologie sheet of DIR/bilan.xlsx
rule() { "$PY" -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Méthodologie"]
print(next(r[2].value for r in ws.iter_rows() if r[0].value == "Secret statistique"))' "$1/bilan.xlsx"; }
# has TEXT STRING...: every STRING is in TEXT
has() { t=$1; shift; for w in "$@"; do case $t in *"$w"*) ;; *) echo "    missing: $w"; return 1 ;; esac; done; }
hasnt() { case $1 in *"$2"*) echo "    present: $2"; return 1 ;; esac; }
manifest() { # manifest FILE THRESHOLD: a manifest as the driver writes its parameters
    printf 'software: apprentissage-indicateurs\nparameters:\n  observation_date: "2024-12-31"\n  secrecy_threshold: %s\n' "$2" > "$1"; }
if [ -n "$PY" ]; then
    manifest "$TMP/m7.yaml" 7
    expect_exit 0 "a manifest with secrecy_threshold 7" run "$TMP/a" --provenance "$TMP/m7.yaml"
    t=$(rule "$TMP/a")
    check "threshold 7: counts from 1 to 6 are hidden, and rates over them" has "$t" \
        "« s » remplace tout effectif compris entre 1 et 6 (seuil de secret statistique de cette exécution : 7," \
        "dont le dénominateur est compris entre 1 et 6 ou qui est calculé"
    check "threshold 7: no default threshold quoted" hasnt "$t" "5 par défaut"
    manifest "$TMP/m2.yaml" 2
    expect_exit 0 "a manifest with secrecy_threshold 2" run "$TMP/a" --provenance "$TMP/m2.yaml"
    check "threshold 2: counts equal to 1" has "$(rule "$TMP/a")" \
        "« s » remplace tout effectif égal à 1 (seuil de secret statistique de cette exécution : 2," \
        "dont le dénominateur est égal à 1 ou"
    manifest "$TMP/m0.yaml" 0
    expect_exit 0 "a manifest with secrecy_threshold 0 (--no-secrecy)" run "$TMP/a" --provenance "$TMP/m0.yaml"
    t=$(rule "$TMP/a")
    check "threshold 0: the rule says secrecy was not applied" has "$t" \
        "Secret statistique non appliqué" "option --no-secrecy" "aucune cellule n'est remplacée par « s »"
    check "threshold 0: no hidden range quoted" hasnt "$t" "compris entre 1 et"
    expect_exit 0 "no manifest" run "$TMP/a"
    check "no manifest: the rule quotes no threshold of its own and says why" has "$(rule "$TMP/a")" \
        "compris entre 1 et le seuil moins 1 (seuil non indiqué : ce classeur a été produit sans le manifeste"
    check "no manifest: no warning (the Provenance sheet says it)" sh -c "! grep -q WARN '$TMP/stderr'"
    # the first manifest of this test has no secrecy_threshold: the same text, with a warning
    expect_exit 0 "a manifest without secrecy_threshold" run "$TMP/a" --provenance "$TMP/manifest.yaml"
    check "without secrecy_threshold: no threshold quoted" has "$(rule "$TMP/a")" "(seuil non indiqué"
    check "without secrecy_threshold: a warning names the file" \
        grep -q "^WARN report: $TMP/manifest.yaml: no parameters.secrecy_threshold" "$TMP/stderr"
    manifest "$TMP/mx.yaml" 5x
    expect_exit 0 "a manifest whose secrecy_threshold is not a number" run "$TMP/a" --provenance "$TMP/mx.yaml"
    check "a threshold that is not a number is not quoted" has "$(rule "$TMP/a")" "(seuil non indiqué"
fi
# --- --wait-provenance: the manifest put in place while report runs ----------
# (the driver writes it beside report: the other sheets are built first)
mkdir -p "$TMP/w"
cp "$TMP/a"/*.csv.gz "$TMP/w/"
rm -f "$TMP/w/prov.yaml"
run "$TMP/w" --provenance "$TMP/w/prov.yaml" --wait-provenance >/dev/null 2>"$TMP/w.err" &
wpid=$!
sleep 0.3
check "report waits for its provenance manifest" test ! -e "$TMP/w/bilan.xlsx"
cp "$TMP/manifest.yaml" "$TMP/w/prov.part" && mv "$TMP/w/prov.part" "$TMP/w/prov.yaml"
wait "$wpid"
check "report exits 0 once the manifest is in place" test "$?" -eq 0
check "the same workbook as with the manifest there from the start" cmp -s "$TMP/b/bilan.xlsx" "$TMP/w/bilan.xlsx"
expect_exit 64 "--wait-provenance without --provenance is a usage error" run "$TMP/w" --wait-provenance
# the driver gone while report waits: report gives up instead of waiting
# forever; its parent, a shell, ends after 0.5 s (report's code then goes to
# nobody: its message and its end are what can be seen)
rm -f "$TMP/w/bilan.xlsx" "$TMP/w/never.yaml" "$TMP/w.pid"
sh -c "$BIN --outdir '$TMP/w' --schemas '$SCHEMAS' --title t --observation-date 2024-12-31 \
    --provenance '$TMP/w/never.yaml' --wait-provenance 2>'$TMP/w.orphan' & echo \$! >'$TMP/w.pid'; sleep 0.5"
opid=$(cat "$TMP/w.pid")
i=0
while kill -0 "$opid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "report ends when its parent ends" sh -c "! kill -0 $opid 2>/dev/null"
kill "$opid" 2>/dev/null
check "it says why, as an error" grep -q "ERROR report: .*ended first" "$TMP/w.orphan"
check "no workbook then" test ! -e "$TMP/w/bilan.xlsx" -a ! -e "$TMP/w/bilan.xlsx.tmp"
finish
