# The quality stage alone: both conservation checks can fire, and
# max_reject_rate is enforced per file (spec/indicators.md "Conservation",
# spec/outputs.md "max_reject_rate").
. tests/e2e/lib.sh
T=$(printf '\t')
head="fichier${T}encodage${T}separateur${T}lignes_lues${T}lignes_acceptees${T}lignes_rejetees${T}COLONNES${T}REQUIS${T}DATE${T}DATES${T}SIRET${T}UAI${T}ENUM${T}CODE_POSTAL${T}AGE${T}ENCODAGE${T}OPCO${T}DOUBLON${T}EVENEMENT_INCONNU${T}valeurs_invalides${T}colonnes_ignorees${T}doublons_participations${T}date_extraction_max"
qrow() { # fichier read accepted rejected requis
    printf '%s\tUTF-8\t;\t%s\t%s\t%s\t0\t%s\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t\t\t2024-01-31\n' "$1" "$2" "$3" "$4" "$5"
}
mq_head="fichier${T}versions_acceptees${T}versions_remplacees${T}exclus_annules${T}exclus_rupture_avant_debut${T}exclus_dispositif${T}conserves${T}uai_inconnus${T}region_nd${T}opco_nd${T}date_extraction_max"
setup() { # read accepted rejected replaced kept [excluded for another dispositif]
    { echo "$head"; qrow contrats/a.csv "$1" "$2" "$3" "$3"; } > "$TMP/q.tsv"
    { echo "$mq_head"
      printf 'contrats/a.csv\t%s\t%s\t0\t0\t%s\t%s\t\t0\t0\t2024-01-31\n' "$2" "$4" "${6:-0}" "$5"
    } > "$TMP/mq.tsv"
    { printf 'fichier\tligne\tcode\tcolonne\tvaleur\n'
      i=0; while [ $i -lt "$3" ]; do i=$((i + 1)); printf 'contrats/a.csv\t%s\tREQUIS\tnom\t***\n' $((i + 1)); done
    } > "$TMP/r.tsv"
    mkdir -p "$TMP/out"
}
Q() { build/bin/quality --schemas schemas --outdir "$TMP/out" --merge "$TMP/mq.tsv" --contrats "$TMP/q.tsv" --rejects "$TMP/r.tsv" "$@"; }

# 20 rows read, 18 accepted = 15 kept + 3 replaced, 2 rejected (10 %, not above 0.10)
setup 20 18 2 3 15
expect_exit 0 "consistent counts, 2 of 20 rejected (exactly 10 %)" Q
check "qualite row: 20 read, 18 accepted, 2 rejected, 3 replaced" \
    test "$(zcat "$TMP/out/qualite.csv.gz" | sed -n 2p | cut -d, -f1,4,5,6,8,22)" = "contrats/a.csv,20,18,2,2,3"
check "rejets.csv.gz holds the 2 rejects" test "$(zcat "$TMP/out/rejets.csv.gz" | wc -l)" -eq 3
# 18 accepted = 13 kept + 3 replaced + 2 of another dispositif
setup 20 18 2 3 13 2
expect_exit 0 "exclus_dispositif counts in the conservation check" Q
check "qualite row: 2 excluded for their dispositif" \
    test "$(csv_row "$TMP/out/qualite.csv.gz" contrats/a.csv exclus_dispositif)" = 2
setup 20 18 2 3 15 2
expect_exit 65 "exclus_dispositif counted twice breaks the check" Q
# accepted contract rows (18) != kept (16) + replaced (3)
setup 20 18 2 3 16
expect_exit 65 "conservation over the contract files broken" Q
check "the message says which check" grep -q "conservation broken over the contract files" "$TMP/stderr"
# lignes_lues (20) != accepted (17) + rejected (2)
setup 20 17 2 2 15
expect_exit 65 "conservation per file broken" Q
check "the message names the file" grep -q "conservation broken for contrats/a.csv" "$TMP/stderr"
# 3 of 20 rejected: 15 % > 10 %
setup 20 17 3 2 15
expect_exit 65 "reject rate above max_reject_rate" Q
check "the first rejects of the file are logged" grep -q "contrats/a.csv:2: REQUIS nom" "$TMP/stderr"
expect_exit 0 "a higher max_reject_rate lets it pass" Q --max-reject-rate 0.2
# fewer than 20 rows: no rate check
setup 19 10 9 0 10
expect_exit 0 "a file of 19 rows is not rate-checked" Q
# 0.29 x 100 = 29 rejects exactly: within the limit (a floating-point product, 28.999999999999996,
# used to fail it)
setup 100 71 29 0 71
expect_exit 0 "29 of 100 rejected with max_reject_rate 0.29 (exactly the limit)" Q --max-reject-rate 0.29
expect_exit 65 "29 of 100 rejected with max_reject_rate 0.28" Q --max-reject-rate 0.28
expect_exit 64 "--max-reject-rate nan is not a fraction" Q --max-reject-rate nan
# rejets.csv.gz follows its schema: columns reordered in a copy of the schemas
setup 20 18 2 3 15
cp -R schemas "$TMP/schemas"
python3 - "$TMP/schemas/output/rejets.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
head, cols = s.split("columns:\n", 1)
items = ["  - name:" + c for c in cols.split("  - name:")[1:]]
open(p, "w", encoding="utf-8").write(head + "columns:\n" + "".join(items[::-1]))
PY
expect_exit 0 "a rejets schema with its columns in reverse order" Q --schemas "$TMP/schemas"
check "rejets.csv.gz has the schema's order" \
    test "$(zcat "$TMP/out/rejets.csv.gz" | sed -n 1,2p | tr '\n' '|')" = "valeur,colonne,code,ligne,fichier|***,nom,REQUIS,2,contrats/a.csv|"
sed -i 's/^  - name: colonne$/  - name: champ/' "$TMP/schemas/output/rejets.yaml"
expect_exit 78 "a rejets column that is no field of the rejects" Q --schemas "$TMP/schemas"
check "the message names the schema and the column" grep -q "rejets.yaml: column 'champ' is not a field of the rejects" "$TMP/stderr"
# the records are the pipeline's own files: a fault in them is an internal error (70) named by the
# file's name, never by its path (a temporary folder in a run)
setup 20 18 2 3 15
printf 'contrats/a.csv\t1\n' >> "$TMP/r.tsv"
expect_exit 70 "a broken rejects record: an internal error" Q
check "the message names the file and line, not its path" sh -c "grep -q '^ERROR quality: internal error: r.tsv, an intermediate file of this run, cannot be read: line 4: ' '$TMP/stderr' && ! grep -q '$TMP' '$TMP/stderr'"
setup 20 18 2 3 15
cut -f1-3 "$TMP/q.tsv" > "$TMP/q3.tsv" && mv "$TMP/q3.tsv" "$TMP/q.tsv"
expect_exit 70 "a quality record without its count columns: an internal error (it read out of bounds)" Q
check "the message names the missing column" grep -q "q.tsv, an intermediate file of this run, cannot be read: no column 'lignes_lues'" "$TMP/stderr"
setup 20 18 2 3 15
expect_exit 70 "a missing record: an internal error" Q --contrats "$TMP/none.tsv"
finish
