# Version ties decided each way (spec/inputs.md "Versions and exclusions"):
# same extraction date everywhere (30/06/2024), D_obs 31/12/2024.
#   TIE-1: no avenant in a_contrats.csv (Paris, 11) nor in b_contrats.csv (Caen, 28):
#          full tie, the one read last (b, by file name order) wins -> région 28.
#   TIE-2: twice in a_contrats.csv with the same avenant: the later line (Caen) wins -> 28.
#   TIE-3: a (Caen, avenant 01/03) read before b (Paris, avenant 01/02): the later
#          avenant wins although read first -> 28.
# So 3 contracts, all in Normandie (28); none in Île-de-France (11); 3 versions replaced:
#   replaced versions per file: a: TIE-1 (lost to b) + TIE-2 line 3 (lost to line 4) = 2;
#                               b: TIE-3 (lost to a) = 1.
. tests/e2e/lib.sh
printf 'pseudonymisation_key_file: %s\nsecrecy_threshold: 0\n' "$PWD/samples/sample.key" > "$TMP/c.yaml"
expect_exit 0 "run" $RUN -i tests/e2e/versions -o "$TMP/o" -c "$TMP/c.yaml" --observation-date 2024-12-31 -q
f="$TMP/o/croissance.csv.gz"
check "3 contracts in Normandie" test "$(csv_row "$f" 2023 28 Normandie AKTO contrats)" = 3
check "no Île-de-France row" test -z "$(csv_row "$f" 2023 11 "Île-de-France" AKTO contrats)"
q="$TMP/o/qualite.csv.gz"
check "a_contrats.csv: 2 versions replaced" test "$(zcat "$q" | python3 -c '
import csv, sys
r = csv.DictReader(sys.stdin)
print({x["fichier"]: x["versions_remplacees"] for x in r}["contrats/a_contrats.csv"])')" = 2
check "b_contrats.csv: 1 version replaced" test "$(zcat "$q" | python3 -c '
import csv, sys
r = csv.DictReader(sys.stdin)
print({x["fichier"]: x["versions_remplacees"] for x in r}["contrats/b_contrats.csv"])')" = 1
finish
