# Personal data never leaves the first stage (spec/inputs.md): names and birth dates,
# and the personal columns of real DECA exports (e-mails, telephone, address,
# nationality, birth département: "Real DECA exports"). The pipeline runs keeping every
# intermediate, on the samples (whose contrats/deca_employeurs_20241115.csv has the real
# DECA column list) and on the hand-made DECA employer export of tests/e2e/deca; no such
# value may appear in any intermediate, output or log, and no record file or output table
# may have a column of those names (the short values, "12", "1", "014", are checked that way).
. tests/e2e/lib.sh
python3 tests/e2e/personal_values.py --columns >"$TMP/columns"
# personal_heads FILE: the cells of FILE's TAB-separated lines that name a personal column
personal_heads() { python3 -c '
import re, sys, unicodedata
def fold(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub("[^a-z0-9]", "", s)
personal = set(open(sys.argv[1]).read().split())
for line in open(sys.argv[2], encoding="utf-8"):
    for c in line.rstrip("\n").split("\t"):
        if fold(c) in personal:
            print(c)' "$TMP/columns" "$1" | sort -u | tr '\n' ' '; }
# leaks DROP NAME CONFIG: run keeping intermediates, collect what was written, look for the values
leaks() {
    drop=$1 name=$2 cfg=$3
    expect_exit 0 "$name: run keeping intermediates" $RUN -i "$drop" -o "$TMP/o-$name" -c "$cfg" \
        --keep-work "$TMP/w-$name" -v
    cp "$TMP/stderr" "$TMP/log-$name"
    python3 tests/e2e/personal_values.py "$drop" >"$TMP/values-$name"
    # everything the run wrote, decompressed; record files as bytes and as dump prints
    # them (dates are day numbers in the bytes)
    for f in "$TMP/w-$name"/* "$TMP/o-$name"/*; do
        case "$f" in
        *.gz) zcat "$f" ;;
        *.rec) cat "$f"; build/bin/dump "$f" ;;
        *.xlsx) unzip -p "$f" 2>/dev/null || python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); [sys.stdout.buffer.write(z.read(n)) for n in z.namelist()]" "$f" ;;
        *) cat "$f" ;;
        esac
    done >"$TMP/all-$name"
    cat "$TMP/log-$name" >>"$TMP/all-$name"
    check "$name: intermediates were kept" test -s "$TMP/w-$name/contrats.rec"
    l=$(grep -F -f "$TMP/values-$name" "$TMP/all-$name" | head -3)
    check "$name: no personal value in any intermediate, output or log" test -z "$l"
    [ -n "$l" ] && echo "$l" | cut -c1-200
    # the header of every record file (as dump prints it) and of every output table
    for f in "$TMP/w-$name"/*.rec; do build/bin/dump "$f" | head -1; done >"$TMP/heads-$name"
    for f in "$TMP/o-$name"/*.csv.gz; do zcat "$f" | head -1 | tr ',' '\t'; done >>"$TMP/heads-$name"
    check "$name: headers were collected" test "$(wc -l <"$TMP/heads-$name")" -gt 8
    bad=$(personal_heads "$TMP/heads-$name")
    check "$name: no record file or output table has a personal column ($bad)" test -z "$bad"
}
leaks samples/drop samples samples/config.yaml
v="$TMP/values-samples"
check "samples: found the names and birth dates" test "$(wc -l <"$v")" -gt 100
check "samples: found the DECA sample's e-mails" test "$(grep -c '@' "$v")" -gt 100
check "samples: found the DECA sample's telephone numbers" test "$(grep -cE '^0[1-9][0-9]{8}$' "$v")" -gt 100
check "samples: found the DECA sample's streets" test "$(grep -cE '^(rue|allée|chemin|impasse|place|boulevard|quai) ' "$v")" -gt 10
printf 'pseudonymisation_key_file: %s\nsecrecy_threshold: 0\n' "$PWD/samples/sample.key" >"$TMP/c.yaml"
leaks tests/e2e/deca/employeurs deca "$TMP/c.yaml"
v="$TMP/values-deca"
# the 13 rows of the hand-made export: 13 courriel, 13 courrielalternant (11 distinct
# people: the amended contracts' two rows are the same person), 2 courrielemployeur,
# telephones, 8 streets, names and birth dates
check "deca: found the e-mails of all three columns" \
    test "$(grep -c '@courriel.example$' "$v") $(grep -c '@alternant.example$' "$v") $(grep -c '^contact@\|^direction@' "$v")" = "11 11 2"
# the check must be able to fail: a copy of a personal value in the log is found
echo "INFO ingest: $(grep -m1 '@courriel.example$' "$v")" >>"$TMP/all-deca"
check "a planted e-mail is found (the check can fail)" grep -q -F -f "$v" "$TMP/all-deca"
printf 'fichier\tligne\tNationalité\n' >>"$TMP/heads-deca"
check "a planted personal column is found (the check can fail)" test "$(personal_heads "$TMP/heads-deca")" = "Nationalité "
finish
