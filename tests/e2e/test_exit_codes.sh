# Exit codes of spec/outputs.md that this version implements.
. tests/e2e/lib.sh
expect_exit 64 "no -o" $RUN -i samples/drop
expect_exit 64 "unknown option" $RUN -i samples/drop -o "$TMP/o" --bogus
expect_exit 66 "no input folder" $RUN -i "$TMP/none" -o "$TMP/o" -c samples/config.yaml
mkdir -p "$TMP/empty/contrats"
expect_exit 66 "no contract file" $RUN -i "$TMP/empty" -o "$TMP/o" -c samples/config.yaml
expect_exit 78 "no key in the shipped configuration" $RUN -i samples/drop -o "$TMP/o"
printf 'observation_date: 2024-01-01\nfoo: 1\n' > "$TMP/bad.yaml"
expect_exit 78 "unknown configuration key" $RUN -i samples/drop -o "$TMP/o" -c "$TMP/bad.yaml" --key-file samples/sample.key
check "the message names file:line:column" grep -q "bad.yaml:2:1: unknown configuration key 'foo'" "$TMP/stderr"
printf 'pseudonymisation_key_file: %s\ntargets:\n  - {year: 2022, opco: NOPE, objectif: 10}\n' "$PWD/samples/sample.key" > "$TMP/t1.yaml"
expect_exit 78 "a target naming an unknown OPCO" $RUN -i samples/drop -o "$TMP/o" -c "$TMP/t1.yaml"
check "the message names file:line:column" grep -q "t1.yaml:3:5: unknown OPCO 'NOPE'" "$TMP/stderr"
printf 'pseudonymisation_key_file: %s\ntargets:\n  - {year: 2022, opco: AKTO, objectif: 10}\n  - {year: 2022, opco: Akto, region: TOTAL, objectif: 20}\n' "$PWD/samples/sample.key" > "$TMP/t2.yaml"
expect_exit 78 "two targets for one row (an alias and an explicit TOTAL)" $RUN -i samples/drop -o "$TMP/o" -c "$TMP/t2.yaml"
printf 'pseudonymisation_key_file: %s\nyears: 21\n' "$PWD/samples/sample.key" > "$TMP/y.yaml"
expect_exit 78 "years not YYYY[-YYYY]" $RUN -i samples/drop -o "$TMP/o" -c "$TMP/y.yaml"
expect_exit 64 "--years not YYYY[-YYYY]" $RUN -i samples/drop -o "$TMP/o" -c samples/config.yaml --years 2024-2021
printf 'short\n' > "$TMP/short.key"
expect_exit 78 "key shorter than 16 bytes" $RUN -i samples/drop -o "$TMP/o" --key-file "$TMP/short.key"
# a file-level error: unterminated quote, exit 65, nothing published
mkdir -p "$TMP/bad/contrats"
printf 'numero_contrat;type_contrat;date_debut_contrat;date_fin_contrat;siret_employeur;code_postal_employeur;nom;prenom;date_naissance;sexe;uai_cfa\nA;11;"01/09/2021;31/08/2023;73282932000074;14000;X;Y;01/01/2003;F;0751234J\n' > "$TMP/bad/contrats/c_20240101.csv"
expect_exit 65 "unterminated quote" $RUN -i "$TMP/bad" -o "$TMP/o2" -c samples/config.yaml
check "the message names file:line:column" grep -q "contrats/c_20240101.csv:2:6: unterminated quoted field" "$TMP/stderr"
check "nothing published" test ! -e "$TMP/o2"
check "no staging debris" sh -c "! ls -a '$TMP' | grep -q staging"
# foreign file in the output folder
mkdir -p "$TMP/o3" && echo x > "$TMP/o3/notes.txt"
expect_exit 73 "foreign file in the output folder" $RUN -i samples/drop -o "$TMP/o3" -c samples/config.yaml
check "foreign file kept" test -f "$TMP/o3/notes.txt"
finish
