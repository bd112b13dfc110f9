# Real DECA exports (issue 11; spec/inputs.md, "Real DECA exports" and "Versions and
# exclusions"), on the hand-made drops of tests/e2e/deca/ (README.md there has every row).
# All contracts start in 2023 with an AKTO employer (IDCC 1979, no opco column); one
# extraction, 2023-11-30, from the file name; D_obs 2023-12-31; no secrecy.
#
# employeurs/: the employer export, header exactly the issue's 41 DECA columns, 13 rows:
#   counted (apprenticeship, in force): DECA-APPR-01 (APPR), DECA-APPR-02 (dispositif empty:
#     apprenticeship), DECA-AV-01 and DECA-AV-02 (amendment ties, below) ........... 4
#   exclus_dispositif: DECA-PROF-01 (14000), DECA-PROF-02 (35000) .................... 2
#   exclus_annules: DECA-SUPPR (date_suppression only), DECA-STSUP (Supprimé),
#     DECA-ANN (Annulé), DECA-PROF-SUP (PROF and deleted: deletion first) .......... 4
#   exclus_rupture_avant_debut: DECA-RAD (rupture_avant_debut=true, no rupture date). 1
#   versions_remplacees: the second rows of DECA-AV-01 and DECA-AV-02 ................ 2
#   4 + 2 + 4 + 1 + 2 = 13 rows.
#   Amendment ties (same file, same extraction date, same date_effet_avenant 2023-10-01):
#     DECA-AV-01: noavenant 2 at 14000 read first, noavenant 1 at 35000 read last: 2 wins
#     (read order alone would say 35000, Bretagne).
#     DECA-AV-02: noavenant 0 at 14000 read first, noavenant empty at 35000 read last: 0
#     wins (missing is lowest; missing read as 0 would tie and the last read would win).
#   adressecodepostal is the employer's postcode here (the header has siretemployeur):
#     every counted contract's employer is at 14000 (Calvados): croissance 2023, 28
#     Normandie, AKTO = 4; no Bretagne (53) row.
#   With dispositifs [APPR, PROF]: DECA-PROF-01 (28) and DECA-PROF-02 (53) are counted:
#     28 = 5, 53 = 1, exclus_dispositif 0; DECA-PROF-SUP stays excluded (deleted).
# centres/: the training-centre export: same columns less siretemployeur, so adressecodepostal
#   is the apprentice's home and there is no employer postcode: exit 65, naming the file
#   and the missing code_postal_employeur.
# deux_cp/: the employer export with a codepostalemployeur column too: that column is the
#   employer's postcode (14000 on both rows) and adressecodepostal (35000 on DECA-CP-01) is
#   an ignored column: 28 = 2, no 53.
# mesure/: the issue's measurement, a 33-row file in that exact layout: 20 apprenticeship
#   contracts (11 at 14000, 9 at 35000), one amended twice in the file (amendment 3 at 14000
#   read first, amendment 2 at 35000 read last), 6 PROF (3 + 3), 3 deleted (date_suppression
#   only; 2 + 1), 2 broken before the start (DECA's flag only; 1 + 1): 33 rows, 32 contracts.
#   Published: 21 = 12 in Normandie (11 + the amended one) + 9 in Bretagne, where before the
#   rules 32 were, with the amended contract in Bretagne.
. tests/e2e/lib.sh
D=tests/e2e/deca
printf 'pseudonymisation_key_file: %s\nsecrecy_threshold: 0\n' "$PWD/samples/sample.key" >"$TMP/c.yaml"
run() { # run DROP OUT: the whole chain
    $RUN -i "$D/$1" -o "$TMP/$2" -c "$TMP/c.yaml" --observation-date 2023-12-31 -q
}
# quality FILE COLUMN: the column of the file's row of qualite.csv.gz (OUT in $Q)
quality() { zcat "$Q" | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    if r["fichier"] == sys.argv[1]:
        print(r[sys.argv[2]])' "$1" "$2"; }
# tsv_col FILE FICHIER COLUMN: a column of merge's per-file counts (TSV)
tsv_col() { python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    if r["fichier"] == sys.argv[2]:
        print(r[sys.argv[3]])' "$@"; }

# ---------------------------------------------------------------- the employer export
E=contrats/deca_employeurs_20231130.csv
check "the employer export's header is the issue's column list" test "$(head -1 "$D/employeurs/$E")" = \
    "adressecodepostal,adressenumero,adressevoie,codediplome,codeidcc,courriel,courrielalternant,courrielemployeur,datedebutcontrat,datedebutformation,dateeffetavenant,dateeffetrupture,datefincontrat,datefinformation,datenaissance,datesuppression,denomination,departementnaissance,derniereclasse,dispositif,flagcorrection,handicap,intituleouqualification,naf,nationalite,noavenant,nocontrat,nom,nombredesalaries,prenom,rncp,rupture_avant_debut,sexe,siret,siretcfa,siretemployeur,statut,telephone,typecontrat,typediplome,uaicfa"
expect_exit 0 "employer export: run" run employeurs e
f="$TMP/e/croissance.csv.gz"
Q="$TMP/e/qualite.csv.gz"
check "employer export: 4 contracts in Normandie (adressecodepostal is the employer's)" \
    test "$(csv_row "$f" 2023 28 Normandie AKTO contrats)" = 4
check "employer export: no Bretagne row (amendment numbers, not read order)" \
    test -z "$(csv_row "$f" 2023 53 Bretagne AKTO contrats)"
check "employer export: 4 in all" test "$(csv_row "$f" 2023 TOTAL Ensemble AKTO contrats)" = 4
check "employer export: 13 rows accepted" test "$(quality "$E" lignes_acceptees)" = 13
check "employer export: 2 versions replaced" test "$(quality "$E" versions_remplacees)" = 2
check "employer export: exclus_annules 4 (date_suppression, Supprimé, Annulé, PROF deleted)" \
    test "$(quality "$E" exclus_annules)" = 4
check "employer export: exclus_rupture_avant_debut 1 (DECA's flag alone)" \
    test "$(quality "$E" exclus_rupture_avant_debut)" = 1
check "employer export: exclus_dispositif 2" test "$(quality "$E" exclus_dispositif)" = 2
ign=$(quality "$E" colonnes_ignorees)
check "employer export: the 16 other DECA columns are listed as ignored" test "$ign" = \
    "adressenumero|adressevoie|courriel|courrielalternant|courrielemployeur|datedebutformation|datefinformation|denomination|departementnaissance|derniereclasse|flagcorrection|intituleouqualification|nationalite|siret|telephone|typediplome"

# A real export's own name carries a time stamp, not a date (README, "Real DECA exports"):
# with no date_extraction column either, the file is refused, not given a wrong date.
mkdir -p "$TMP/ts/contrats"
cp "$D/employeurs/$E" "$TMP/ts/contrats/Export_Init_LBA_202310191045.csv"
expect_exit 65 "an export named with a time stamp (no date) is refused" \
    $RUN -i "$TMP/ts" -o "$TMP/t" -c "$TMP/c.yaml" -q
check "the message says to add a date" grep -q "Export_Init_LBA_202310191045.csv:1:1: no date_extraction column and no date" "$TMP/stderr"

# ---------------------------------------------------------------- the training-centre export
C=contrats/deca_cfa_20231130.csv
expect_exit 65 "training-centre export: refused" run centres c
check "training-centre export: the message names the file" grep -q "$C:1:1:" "$TMP/stderr"
check "training-centre export: the message names the missing employer postcode" \
    grep -q "missing required columns.*'code_postal_employeur'" "$TMP/stderr"
check "training-centre export: the message says why adressecodepostal was not taken" \
    grep -q "only beside a 'siretemployeur' column" "$TMP/stderr"
check "training-centre export: nothing published" test ! -e "$TMP/c/croissance.csv.gz"

# ---------------------------------------------------------------- both postcode columns
expect_exit 0 "employer export with codepostalemployeur: run" run deux_cp d
f="$TMP/d/croissance.csv.gz"
Q="$TMP/d/qualite.csv.gz"
check "codepostalemployeur wins: 2 in Normandie" test "$(csv_row "$f" 2023 28 Normandie AKTO contrats)" = 2
check "codepostalemployeur wins: no Bretagne row" test -z "$(csv_row "$f" 2023 53 Bretagne AKTO contrats)"
ign=$(quality "$E" colonnes_ignorees)
check "adressecodepostal is then an ignored column" test "${ign%%|*}" = adressecodepostal

# ---------------------------------------------------------------- the issue's measurement
M=contrats/deca_lba_20231130.csv
check "measurement file: 33 rows in the issue's layout" test "$(tail -n +2 "$D/mesure/$M" | wc -l)" = 33
check "measurement file: same header as the employer export" \
    test "$(head -1 "$D/mesure/$M")" = "$(head -1 "$D/employeurs/$E")"
expect_exit 0 "measurement: run" run mesure m
f="$TMP/m/croissance.csv.gz"
Q="$TMP/m/qualite.csv.gz"
check "measurement: 21 apprenticeship contracts published for 2023" \
    test "$(csv_row "$f" 2023 TOTAL Ensemble AKTO contrats)" = 21
check "measurement: 12 in Normandie (the amended contract with them)" \
    test "$(csv_row "$f" 2023 28 Normandie AKTO contrats)" = 12
check "measurement: 9 in Bretagne" test "$(csv_row "$f" 2023 53 Bretagne AKTO contrats)" = 9
check "measurement: 6 professionalisation contracts excluded" test "$(quality "$M" exclus_dispositif)" = 6
check "measurement: 3 deleted contracts excluded" test "$(quality "$M" exclus_annules)" = 3
check "measurement: 2 broken before the start excluded" \
    test "$(quality "$M" exclus_rupture_avant_debut)" = 2
check "measurement: 1 version replaced" test "$(quality "$M" versions_remplacees)" = 1

# ---------------------------------------------------------------- merge --dispositifs APPR,PROF
# The rule through the stages directly (ingest, merge --dispositifs, indicators); the whole
# chain with the configuration key follows.
mkdir -p "$TMP/s/out"
build/bin/ingest --kind contrats --schemas schemas --key-file samples/sample.key --input "$D/employeurs" \
    --out "$TMP/s/c.rec" --rejects "$TMP/s/r.tsv" --quality "$TMP/s/q.tsv" "$E" 2>"$TMP/stderr"
check "stages: ingest exit 0" test $? -eq 0
for disp in APPR APPR,PROF; do
    build/bin/merge --in "$TMP/s/c.rec" --out "$TMP/s/k-$disp.rec" --facts "$TMP/s/m-$disp.tsv" \
        --dispositifs "$disp" 2>"$TMP/stderr"
    check "stages: merge --dispositifs $disp exit 0" test $? -eq 0
    mkdir -p "$TMP/s/o-$disp"
    build/bin/indicators --contracts "$TMP/s/c.rec" --kept "$TMP/s/k-$disp.rec" --schemas schemas \
        --outdir "$TMP/s/o-$disp" --observation-date 2023-12-31 --secrecy 0 2>"$TMP/stderr"
    check "stages: indicators after --dispositifs $disp exit 0" test $? -eq 0
done
f="$TMP/s/o-APPR/croissance.csv.gz"
check "merge --dispositifs APPR (the default): 4 in Normandie" \
    test "$(csv_row "$f" 2023 28 Normandie AKTO contrats)" = 4
check "merge --dispositifs APPR: exclus_dispositif 2, conserves 4" \
    test "$(tsv_col "$TMP/s/m-APPR.tsv" "$E" exclus_dispositif) $(tsv_col "$TMP/s/m-APPR.tsv" "$E" conserves)" = "2 4"
f="$TMP/s/o-APPR,PROF/croissance.csv.gz"
check "merge --dispositifs APPR,PROF: DECA-PROF-01 counted, 5 in Normandie" \
    test "$(csv_row "$f" 2023 28 Normandie AKTO contrats)" = 5
check "merge --dispositifs APPR,PROF: DECA-PROF-02 counted, 1 in Bretagne" \
    test "$(csv_row "$f" 2023 53 Bretagne AKTO contrats)" = 1
m="$TMP/s/m-APPR,PROF.tsv"
check "merge --dispositifs APPR,PROF: exclus_dispositif 0, conserves 6, PROF-SUP still deleted" \
    test "$(tsv_col "$m" "$E" exclus_dispositif) $(tsv_col "$m" "$E" conserves) $(tsv_col "$m" "$E" exclus_annules)" = "0 6 4"
expect_exit 64 "merge: a malformed list of dispositifs is a usage error" \
    build/bin/merge --in "$TMP/s/c.rec" --out "$TMP/s/x.rec" --facts "$TMP/s/x.tsv" --dispositifs "APPR,,PROF"

# ---------------------------------------------------------------- dispositifs: [APPR, PROF] (whole chain)
# The configuration key through pipeline/run -c (the whole chain).
printf 'pseudonymisation_key_file: %s\nsecrecy_threshold: 0\ndispositifs: [APPR, PROF]\n' \
    "$PWD/samples/sample.key" >"$TMP/cp.yaml"
$RUN -i "$D/employeurs" -o "$TMP/p" -c "$TMP/cp.yaml" --observation-date 2023-12-31 -q 2>"$TMP/stderr"
check "dispositifs: [APPR, PROF]: run exit 0" test $? -eq 0
f="$TMP/p/croissance.csv.gz"
Q="$TMP/p/qualite.csv.gz"
check "dispositifs: [APPR, PROF]: 5 in Normandie" test "$(csv_row "$f" 2023 28 Normandie AKTO contrats)" = 5
check "dispositifs: [APPR, PROF]: 1 in Bretagne" test "$(csv_row "$f" 2023 53 Bretagne AKTO contrats)" = 1
check "dispositifs: [APPR, PROF]: exclus_dispositif 0" test "$(quality "$E" exclus_dispositif)" = 0
check "dispositifs: [APPR, PROF]: the manifest records it" grep -q "PROF" "$TMP/p/manifest.yaml"
finish
