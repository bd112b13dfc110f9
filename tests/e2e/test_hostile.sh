# Hostile and broken inputs (issue 13): a configuration of the wrong kinds, deep or huge YAML,
# a header of hundreds of long unknown columns, a gzip bomb, a Windows-1252 field that triples
# when decoded, a file name that is not UTF-8. Every run ends quickly with the spec's exit code
# and a message naming what to fix; none crashes.
. tests/e2e/lib.sh
KEY="$PWD/samples/sample.key"
mkdir -p "$TMP/in/contrats"
head -n 31 samples/drop/contrats/contrats_bretagne_2024-10-15.csv > "$TMP/in/contrats/c_20241015.csv"

# seconds since the epoch with a fraction, for the time bounds
now() { date +%s.%N; }
within() { # within SECONDS START: 0 when less than SECONDS passed since START
    awk -v s="$1" -v a="$2" -v b="$(now)" 'BEGIN { exit !(b - a < s) }'
}

# --- configuration: every key has one YAML kind -------------------------------------------
# these crashed the driver with a NULL dereference (exit 139)
for k in secrecy_threshold max_reject_rate pseudonymisation_key_file schemas_dir; do
    printf 'pseudonymisation_key_file: %s\n%s:\n  - x\n' "$KEY" "$k" > "$TMP/k.yaml"
    [ "$k" = pseudonymisation_key_file ] && printf '%s:\n  - x\n' "$k" > "$TMP/k.yaml"
    expect_exit 78 "$k given a list" $RUN -i "$TMP/in" -o "$TMP/o" -c "$TMP/k.yaml"
    check "$k: the message names file:line:column and the key" grep -q "k.yaml:[23]:3: '$k' must be a single value" "$TMP/stderr"
done
printf 'pseudonymisation_key_file: %s\nmax_expansion:\n  a: 1\n' "$KEY" > "$TMP/m.yaml"
expect_exit 78 "max_expansion given a mapping" $RUN -i "$TMP/in" -o "$TMP/o" -c "$TMP/m.yaml"
check "the message names file:line:column and the key" grep -q "m.yaml:3:3: 'max_expansion' must be a single value .*not a mapping" "$TMP/stderr"
printf 'pseudonymisation_key_file: %s\ndispositifs: APPR\n' "$KEY" > "$TMP/d.yaml"
expect_exit 78 "dispositifs given a single value" $RUN -i "$TMP/in" -o "$TMP/o" -c "$TMP/d.yaml"
check "the message names file:line:column and the key" grep -q "d.yaml:2:14: 'dispositifs' must be a list" "$TMP/stderr"

# --- YAML refused at once: deep nesting, more than 1 MiB --------------------------------------
# libyaml builds a 100 000-level document in over a minute: the depth is checked first
python3 -c "import sys; sys.stdout.write('targets: ' + '[' * 100000 + ']' * 100000 + '\n')" > "$TMP/deep.yaml"
t0=$(now)
expect_exit 78 "a configuration nested 100 000 levels deep" $RUN -i "$TMP/in" -o "$TMP/o" -c "$TMP/deep.yaml" --key-file "$KEY"
check "refused in less than 5 seconds" within 5 "$t0"
check "the message names file:line:column" grep -q "deep.yaml:1:73: nesting deeper than 64 levels" "$TMP/stderr"
python3 -c "import sys; sys.stdout.write('# x\n' * 262144 + 'years: 2021\n')" > "$TMP/big.yaml"
t0=$(now)
expect_exit 78 "a configuration over 1 MiB" $RUN -i "$TMP/in" -o "$TMP/o" -c "$TMP/big.yaml" --key-file "$KEY"
check "refused in less than 5 seconds" within 5 "$t0"
check "the message names the file" grep -q "big.yaml:1:1: larger than 1048576 bytes" "$TMP/stderr"
mkdir -p "$TMP/schemas" && cp -R schemas/input schemas/output schemas/referentiels "$TMP/schemas/"
{ cat schemas/input/contrats.yaml; python3 -c "import sys; sys.stdout.write('#' * 1048576 + '\n')"; } > "$TMP/schemas/input/contrats.yaml"
printf 'pseudonymisation_key_file: %s\nschemas_dir: %s\n' "$KEY" "$TMP/schemas" > "$TMP/s.yaml"
expect_exit 78 "an input schema over 1 MiB" $RUN -i "$TMP/in" -o "$TMP/o" -c "$TMP/s.yaml"
check "the message names the schema" grep -q "schemas/input/contrats.yaml:1:1: larger than 1048576 bytes" "$TMP/stderr"

# --- a header of 300 long unknown columns -------------------------------------------------------
# The list of ignored columns used to become one field over 65 536 bytes in qualite.csv.gz, which
# report then refused (exit 65, naming a staging file that no longer existed).
python3 - "$TMP/in/contrats/c_20241015.csv" "$TMP/wide/contrats/wide_20241015.csv" <<'EOF'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(os.path.dirname(dst), exist_ok=True)
lines = open(src, 'rb').read().split(b'\n')
names = [b'colonne_inconnue_%03d_' % i + b'x' * 1000 for i in range(300)]
out = [lines[0] + b'\t' + b'\t'.join(names)]
out += [l + b'\t' * 300 for l in lines[1:] if l]
open(dst, 'wb').write(b'\n'.join(out) + b'\n')
EOF
expect_exit 0 "300 unknown columns of 1 000 bytes: the run goes through report" $RUN -i "$TMP/wide" -o "$TMP/ow" -c samples/config.yaml
check "no error logged" sh -c "! grep -q '^ERROR' '$TMP/stderr'"
check "the workbook is written" test -s "$TMP/ow/bilan.xlsx"
ign=$(csv_row "$TMP/ow/qualite.csv.gz" contrats/wide_20241015.csv colonnes_ignorees)
check "colonnes_ignorees is capped (at most 2 100 bytes)" test "$(printf '%s' "$ign" | wc -c)" -le 2100
# the file's own "siret" (the training site's) comes first, then the long names cut at 100 bytes
check "colonnes_ignorees lists the names in order, cut with an ellipsis" sh -c "printf '%s' '$ign' | grep -q '^siret|colonne_inconnue_000_x*…|colonne_inconnue_001_'"
# each long name listed takes 103 bytes with its ellipsis, 104 with its '|': after "siret",
# 2 000 bytes hold 19 of them (5 + 19 x 104 = 1 981), so 281 are counted
check "colonnes_ignorees ends with the count of the names left out" sh -c "printf '%s' '$ign' | grep -q '|… (+281 autres)\$'"

# --- a gzip bomb ----------------------------------------------------------------------------------
# 500 gzip members of the same 10 MB of rows: 17 MB on disk, 5 GB decompressed, made here
mkdir -p "$TMP/bomb/contrats"
python3 - "$TMP/bomb/contrats/c_20240101.csv.gz" "$TMP/in/contrats/c_20241015.csv" <<'EOF'
import gzip, sys
lines = open(sys.argv[2], 'rb').read().split(b'\n')
block = (lines[1] + b'\n') * (10_000_000 // (len(lines[1]) + 1))
member = gzip.compress(block, 9)
with open(sys.argv[1], 'wb') as f:
    f.write(gzip.compress(lines[0] + b'\n'))
    for _ in range(500):
        f.write(member)
EOF
t0=$(now)
expect_exit 65 "a gzip file expanding 300 times (5 GB)" $RUN -i "$TMP/bomb" -o "$TMP/ob" -c samples/config.yaml
check "stopped in less than 30 seconds" within 30 "$t0"
check "the message names the file and max_expansion" grep -q "^ERROR ingest: contrats/c_20240101.csv.gz: gzip data expands to more than 100 times .*(max_expansion)" "$TMP/stderr"
check "nothing published" test ! -e "$TMP/ob"
# the configured bound reaches ingest: a real extract (ratio under 10) fails under 1.5
mkdir -p "$TMP/gz/contrats" && gzip -c "$TMP/in/contrats/c_20241015.csv" > "$TMP/gz/contrats/c_20241015.csv.gz"
printf 'pseudonymisation_key_file: %s\nmax_expansion: 1.5\n' "$KEY" > "$TMP/x.yaml"
expect_exit 65 "max_expansion: 1.5 refuses an ordinary gzip extract" $RUN -i "$TMP/gz" -o "$TMP/og" -c "$TMP/x.yaml"
check "the message gives the configured bound" grep -q "expands to more than 1.5 times" "$TMP/stderr"
expect_exit 0 "the default lets it through" $RUN -i "$TMP/gz" -o "$TMP/og" -c samples/config.yaml
check "the manifest lists max_expansion" grep -q "^  max_expansion: 100$" "$TMP/og/manifest.yaml"

# --- a Windows-1252 field of 65 536 bytes: 196 608 bytes once decoded ----------------------------
# ingest copied a contract number into a 65 537-byte buffer: a heap overflow (sanitized build)
mkdir -p "$TMP/cp/contrats" "$TMP/cpw"
python3 - "$TMP/cp/contrats/c_20240101.csv" <<'EOF'
import sys
hdr = b"numero_contrat;type_contrat;date_debut_contrat;date_fin_contrat;siret_employeur;code_postal_employeur;nom;prenom;date_naissance;sexe;uai_cfa\n"
row = b";11;01/09/2021;31/08/2023;73282932000074;14000;X;Y;01/01/2003;F;0751234J\n"
bomb = b"\x80" * 65536
# an accepted row with the long contract number; a row rejected for its long SIRET
bad = b"A2;11;01/09/2021;31/08/2023;" + bomb + b";14000;X;Y;01/01/2003;F;0751234J\n"
open(sys.argv[1], 'wb').write(hdr + bomb + row + bad)
EOF
expect_exit 0 "a 65 536-byte Windows-1252 contract number (sanitized ingest)" build/san/bin/ingest --kind contrats --schemas schemas --input "$TMP/cp" --out "$TMP/cpw/c.tsv" --rejects "$TMP/cpw/r.tsv" --quality "$TMP/cpw/q.tsv" --key-file "$KEY" --threads 1 contrats/c_20240101.csv
check "the row with the long contract number is accepted" test "$(sed -n 2p "$TMP/cpw/q.tsv" | cut -f 4-6)" = "$(printf '2\t1\t1')"
check "the long SIRET is rejected whole, decoded (196 608 bytes of €)" test "$(tail -n 1 "$TMP/cpw/r.tsv" | cut -f 5 | wc -c)" -eq 196609

# --- a file name that is not UTF-8 ---------------------------------------------------------------
# it goes into the reports, the manifest and the logs: it used to end in exit 74 naming the
# staging manifest ("File exists")
mkdir -p "$TMP/nu/contrats" && cp "$TMP/in/contrats/c_20241015.csv" "$TMP/nu/contrats/c_$(printf '\351')_20241015.csv"
expect_exit 65 "a file name that is not UTF-8" $RUN -i "$TMP/nu" -o "$TMP/on" -c samples/config.yaml
check "the message says to rename the file" grep -q "the file name is not UTF-8 text: rename the file" "$TMP/stderr"
finish
