# Secondary suppression and its audit (spec/indicators.md, "Secondary suppression"), end to
# end. Four hand-made drops in tests/e2e/secrecy/ (synthetic, invented names; threshold 5;
# every contract starts on the date given, none is broken, and every apprentice is born on
# 1 Jun 2004, so the breakdown tables hold one value equal to their TOTAL and the ruptures
# table only repeats contrats). Their primary cells and the lines that force complements were
# worked out by hand below. For each drop:
#   - the cells the hand computation says must be hidden are "s", the totals it says may stay
#     are shown;
#   - tests/e2e/attack_secrecy.py (an outsider written independently of the C code, solving the
#     same relations exactly) recovers nothing from the published files;
#   - with the test hook APP_TEST_SECRECY_PRIMARY_ONLY=1 (indicators skips the secondary cells)
#     the run fails with exit 70 and names the cell the hand computation predicts, with its value;
#   - where the protection rests on a figure published in two places, the output is doctored
#     (that one copy written back with its true value) and the attacker then recovers the
#     primary cell the hand computation predicts: the complement was needed.
# Then the samples, a generated drop and --years runs: the attacker finds nothing; on a
# primary-only version of the samples (built here from the --no-secrecy files) it finds what
# issue 10 reported, so it can fail; the manifest's counts agree with the files.
. tests/e2e/lib.sh
D=tests/e2e/secrecy
KEY=samples/sample.key
ATTACK=tests/e2e/attack_secrecy.py

# run NAME DROP DOBS [options]: one run into $TMP/NAME, sets O; expects exit 0
run() {
    name=$1 drop=$2 dobs=$3
    shift 3
    O=$TMP/$name
    $RUN -i "$D/$drop" -o "$O" -c "$D/config.yaml" --key-file "$KEY" --observation-date "$dobs" -q "$@" \
        >/dev/null 2>"$TMP/$name.err"
    rc=$?
    if [ $rc -eq 0 ]; then ok "$name: run exits 0"; else
        not_ok "$name: run exits $rc"; sed 's/^/    /' "$TMP/$name.err" | head -5; fi
}
# cell FILE COL=V;... KEY=V,...: the named cells of the row matching the keys
cell() {
    python3 - "$@" <<'EOF' > "$TMP/cell.out" 2>&1
import csv, gzip, sys
path, want, keys = sys.argv[1:4]
ks = [kv.split("=", 1) for kv in keys.split(",")]
with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))
h = rows[0]
row = next((r for r in rows[1:] if all(r[h.index(k)] == v for k, v in ks)), None)
for c, v in (p.split("=", 1) for p in want.split(";")):
    got = None if row is None else row[h.index(c)]
    print(("ok - " if got == v else "not ok - ") + path.split("/")[-1] + " [" + keys + "] " + c +
          " = '" + v + "'" + ("" if got == v else ": got '%s'" % got))
EOF
    while IFS= read -r l; do
        case $l in "ok - "*) ok "${l#ok - }" ;; "not ok - "*) not_ok "${l#not ok - }" ;; *) echo "    $l" ;; esac
    done < "$TMP/cell.out"
}
# nothing DIR: the attacker recovers no hidden cell
nothing() {
    python3 "$ATTACK" "$1" > "$TMP/attack.out" 2>&1
    check "$2: the attacker recovers nothing ($(tail -1 "$TMP/attack.out"))" test $? -eq 0
}
# hook NAME DROP DOBS MESSAGE [options]: the primary-only run fails with 70 and names MESSAGE
hook() {
    name=$1 drop=$2 dobs=$3 msg=$4
    shift 4
    APP_TEST_SECRECY_PRIMARY_ONLY=1 $RUN -i "$D/$drop" -o "$TMP/$name" -c "$D/config.yaml" \
        --key-file "$KEY" --observation-date "$dobs" -q "$@" >/dev/null 2>"$TMP/$name.err"
    rc=$?
    check "$name: without secondary cells the audit fails (exit $rc, 70 expected)" test $rc -eq 70
    check "$name: the audit names $msg" grep -qF "$msg" "$TMP/$name.err"
    check "$name: nothing is published" test ! -e "$TMP/$name"
}
# doctor DIR TABLE KEYS COL VALUE: a copy of DIR in $TMP/doctored with one cell written back
doctor() {
    rm -rf "$TMP/doctored" && cp -r "$1" "$TMP/doctored"
    python3 - "$TMP/doctored/$2.csv.gz" "$3" "$4" "$5" <<'EOF'
import csv, gzip, io, sys
path, keys, col, val = sys.argv[1:]
ks = [kv.split("=", 1) for kv in keys.split(",")]
with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))
h = rows[0]
n = 0
for r in rows[1:]:
    if all(r[h.index(k)] == v for k, v in ks):
        assert r[h.index(col)] == "s", r
        r[h.index(col)] = val
        n += 1
assert n == 1, n
out = io.StringIO()
csv.writer(out, lineterminator="\n").writerows(rows)
with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
    f.write(out.getvalue())
EOF
}
# recovers WHAT: the attacker, on the doctored copy, recovers the line WHAT ("keys col = v")
recovers() {
    python3 "$ATTACK" "$TMP/doctored" -v > "$TMP/attack.out" 2>&1
    check "doctored: the attacker recovers '$1'" grep -qF "  $1" "$TMP/attack.out"
}

# =============================================================================
# (a) ligne: one hidden cell in a line needs a complement. D_obs 31 Mar 2024, all 21
#   contracts start 15 Jan 2024:  (11, AKTO) 3   (11, ATLAS) 6   (11, TOTAL) 9
#                                  (28, AKTO) 7   (28, ATLAS) 5   (28, TOTAL) 12
#                                  (TOTAL, AKTO) 10  (TOTAL, ATLAS) 11  (TOTAL, TOTAL) 21
#   Primary: (11, AKTO) = 3 (contrats, and its copies: ruptures' contrats, March's cumul, and
#   January's entries and cumul, equal through February and March without entries).
#   Alone it is 10 - 7. Lines, in the order the engine builds them (over regions, then over
#   OPCOs): AKTO over regions, 3 + 7 = 10, one hidden cell -> its detail (28, AKTO) 7 (a
#   detail before the total 10); region 11 over OPCOs, 3 + 6 = 9 -> (11, ATLAS) 6; region 28,
#   7 + 5 = 12, now one hidden -> (28, ATLAS) 5. ATLAS over regions then has two. Every line
#   has 0 or 2 hidden cells, and +1 on (11, AKTO) and (28, ATLAS), -1 on the two others keeps
#   every total: nothing is determined, the totals stay shown. The months repeat it: each
#   group's January entries are its cumul of January = February = March = contrats.
# =============================================================================
run ligne ligne 2024-03-31
for k in 11,AKTO 11,ATLAS 28,AKTO 28,ATLAS; do
    cell "$O/croissance.csv.gz" "contrats=s" "annee=2024,region=${k%,*},opco=${k#*,}"
    cell "$O/ruptures.csv.gz" "contrats=s" "annee=2024,region=${k%,*},opco=${k#*,}"
    cell "$O/croissance_mensuelle.csv.gz" "contrats_mois=s;cumul=s" "annee=2024,mois=01,region=${k%,*},opco=${k#*,}"
    cell "$O/croissance_mensuelle.csv.gz" "contrats_mois=0;cumul=s" "annee=2024,mois=03,region=${k%,*},opco=${k#*,}"
done
cell "$O/croissance.csv.gz" "contrats=9" "annee=2024,region=11,opco=TOTAL"
cell "$O/croissance.csv.gz" "contrats=12" "annee=2024,region=28,opco=TOTAL"
cell "$O/croissance.csv.gz" "contrats=10" "annee=2024,region=TOTAL,opco=AKTO"
cell "$O/croissance.csv.gz" "contrats=11" "annee=2024,region=TOTAL,opco=ATLAS"
cell "$O/croissance.csv.gz" "contrats=21" "annee=2024,region=TOTAL,opco=TOTAL"
cell "$O/croissance_mensuelle.csv.gz" "contrats_mois=21;cumul=21" "annee=2024,mois=01,region=TOTAL,opco=TOTAL"
# a rate over a hidden count is hidden (0 ruptures of s contracts), over a shown one it is not
cell "$O/ruptures.csv.gz" "ruptures=0;taux_rupture_pct=s" "annee=2024,region=11,opco=AKTO"
cell "$O/ruptures.csv.gz" "ruptures=0;taux_rupture_pct=0.0" "annee=2024,region=11,opco=TOTAL"
nothing "$O" ligne
check "ligne: the manifest reports 1 primary and 3 secondary cells in croissance" python3 -c "
import sys
t = open('$O/manifest.yaml').read()
sys.exit(0 if '- table: croissance\n  primary_cells: 1\n  secondary_cells: 3\n  audit: passed\n' in t else 1)"
hook ligne-hook ligne 2024-03-31 "croissance row 2024,11,AKTO column contrats: the hidden count is determined by the published cells (= 3)"
# published once more, (28, AKTO)'s 7 gives (11, AKTO) back: 10 - 7
doctor "$O" croissance annee=2024,region=28,opco=AKTO contrats 7
recovers "2024 11 AKTO contrats = 3"

# =============================================================================
# (b) double: the same figure published in other tables is hidden with it. D_obs 30 Apr
#   2024, all 33 contracts start 1 Feb 2024: (11, AKTO) 12, (11, CONSTRUCTYS) 8,
#   (28, AKTO) 9, (28, CONSTRUCTYS) 4; totals (11) 20, (28) 13, AKTO 21, CONSTRUCTYS 12, 33.
#   Primary: (28, CONSTRUCTYS) = 4. Lines: CONSTRUCTYS over regions, 8 + 4 = 12 ->
#   (11, CONSTRUCTYS) 8; region 11, 12 + 8 = 20 -> (11, AKTO) 12; region 28, 9 + 4 = 13 ->
#   (28, AKTO) 9. The complement (11, CONSTRUCTYS) = 8 is also ruptures' contrats and the
#   cumul of February to April in croissance_mensuelle (and February's entries): all hidden.
#   Were ruptures to show its 8, (28, CONSTRUCTYS) would be 12 - 8 = 4 again.
# =============================================================================
run double double 2024-04-30
for k in 11,AKTO 11,CONSTRUCTYS 28,AKTO 28,CONSTRUCTYS; do
    cell "$O/croissance.csv.gz" "contrats=s" "annee=2024,region=${k%,*},opco=${k#*,}"
    cell "$O/ruptures.csv.gz" "contrats=s" "annee=2024,region=${k%,*},opco=${k#*,}"
    cell "$O/croissance_mensuelle.csv.gz" "contrats_mois=s;cumul=s" "annee=2024,mois=02,region=${k%,*},opco=${k#*,}"
    cell "$O/croissance_mensuelle.csv.gz" "cumul=s" "annee=2024,mois=04,region=${k%,*},opco=${k#*,}"
done
cell "$O/croissance.csv.gz" "contrats=12" "annee=2024,region=TOTAL,opco=CONSTRUCTYS"
cell "$O/croissance.csv.gz" "contrats=33" "annee=2024,region=TOTAL,opco=TOTAL"
nothing "$O" double
hook double-hook double 2024-04-30 "column contrats: the hidden count is determined by the published cells (= 4)"
doctor "$O" ruptures annee=2024,region=11,opco=CONSTRUCTYS contrats 8
recovers "2024 28 CONSTRUCTYS contrats = 4"
doctor "$O" croissance_mensuelle annee=2024,mois=04,region=11,opco=CONSTRUCTYS cumul 8
recovers "2024 28 CONSTRUCTYS contrats = 4"

# =============================================================================
# (c) cumul: through the months' cumulative sums. D_obs 29 Feb 2024 (months 01-02):
#                 entries Jan  entries Feb  cumul Feb (= contrats)
#   (11, AKTO)        10           2            12
#   (11, ATLAS)        0           6             6
#   (28, AKTO)         0           7             7
#   (28, ATLAS)       10          10            20
#   totals: January 10, 10, 10, 10, 20 (11, 28, AKTO, ATLAS, all); February entries 8, 17, 9,
#   16, 25; cumul 18, 27, 19, 26, 45. No yearly count is under 5: croissance has no primary
#   cell. Primary: February's entries of (11, AKTO) = 2, which is also cumul Feb - cumul Jan
#   = 12 - 10 (issue 10's commonest leak). Lines: February's entries over regions, AKTO:
#   2 + 7 = 9 -> (28, AKTO) 7; over OPCOs, region 11: 2 + 6 = 8 -> (11, ATLAS) 6; region 28:
#   7 + 10 = 17 -> (28, ATLAS) 10. Months: (11, AKTO) 12 = 10 + s needs one of its cumuls
#   hidden; (11, ATLAS) and (28, AKTO) have no January entry, so their February cumul is
#   their February entries (a line of two cells): hidden, and it is croissance's contrats
#   6 and 7, which croissance's lines then pair with (11, AKTO) and (28, ATLAS).
# =============================================================================
run cumul cumul 2024-02-29
cell "$O/croissance_mensuelle.csv.gz" "contrats_mois=s" "annee=2024,mois=02,region=11,opco=AKTO"
for k in 11,ATLAS 28,AKTO 28,ATLAS; do
    cell "$O/croissance_mensuelle.csv.gz" "contrats_mois=s" "annee=2024,mois=02,region=${k%,*},opco=${k#*,}"
done
for k in 11,ATLAS 28,AKTO; do
    cell "$O/croissance_mensuelle.csv.gz" "cumul=s" "annee=2024,mois=02,region=${k%,*},opco=${k#*,}"
    cell "$O/croissance.csv.gz" "contrats=s" "annee=2024,region=${k%,*},opco=${k#*,}"
done
check "cumul: (11, AKTO)'s January or February cumul is hidden" python3 -c "
import csv, gzip, sys
rows = list(csv.reader(gzip.open('$O/croissance_mensuelle.csv.gz', 'rt')))
h = rows[0]
c = [r[h.index('cumul')] for r in rows[1:] if r[2] == '11' and r[4] == 'AKTO']
sys.exit(0 if 's' in c[:2] else 1)"
cell "$O/croissance_mensuelle.csv.gz" "contrats_mois=25;cumul=45" "annee=2024,mois=02,region=TOTAL,opco=TOTAL"
cell "$O/croissance.csv.gz" "contrats=45" "annee=2024,region=TOTAL,opco=TOTAL"
nothing "$O" cumul
hook cumul-hook cumul 2024-02-29 "croissance_mensuelle row 2024,02,11,AKTO column contrats_mois: the hidden count is determined by the published cells (= 2)"
# with both cumuls of (11, AKTO) published, February's entries are their difference
doctor "$O" croissance_mensuelle annee=2024,mois=01,region=11,opco=AKTO cumul 10
python3 - "$TMP/doctored/croissance_mensuelle.csv.gz" <<'EOF'
import csv, gzip, io, sys
rows = list(csv.reader(gzip.open(sys.argv[1], "rt")))
h = rows[0]
for r in rows[1:]:
    if r[:2] == ["2024", "02"] and r[2] == "11" and r[4] == "AKTO" and r[h.index("cumul")] == "s":
        r[h.index("cumul")] = "12"
out = io.StringIO()
csv.writer(out, lineterminator="\n").writerows(rows)
gzip.open(sys.argv[1], "wt").write(out.getvalue())
EOF
recovers "2024 02 11 AKTO contrats_mois = 2"

# =============================================================================
# (d) precedente: a hidden figure of the year before comes back as contrats_annee_precedente.
#   D_obs 31 Mar 2024; 2023 (15 Jan) as drop (a): (11, AKTO) 3, (11, ATLAS) 6, (28, AKTO) 7,
#   (28, ATLAS) 5; 2024 (15 Jan): 8, 9, 10, 11 (totals 17, 21, 18, 20, 38).
#   2023: as (a), the four detail cells are hidden. contrats_annee_precedente of 2024 is 2023's
#   contrats (the same figure): the same four cells hidden, and their evolution_pct; the totals'
#   are shown: (11, TOTAL) 100 x (17 - 9)/9 = 88.9, (TOTAL, TOTAL) 100 x 17/21 = 81.0.
#   With --years 2024, 2023 is not written but its figures are: contrats_annee_precedente
#   (11, AKTO) = 3 is primary in 2024, and the 2024 lines over that column force the same three
#   complements (7 of AKTO's 10, 6 of region 11's 9, then 5).
# =============================================================================
run precedente precedente 2024-03-31
for k in 11,AKTO 11,ATLAS 28,AKTO 28,ATLAS; do
    cell "$O/croissance.csv.gz" "contrats=s" "annee=2023,region=${k%,*},opco=${k#*,}"
    cell "$O/croissance.csv.gz" "contrats_annee_precedente=s;evolution_pct=s" "annee=2024,region=${k%,*},opco=${k#*,}"
    cell "$O/croissance_mensuelle.csv.gz" "cumul_annee_precedente=s;evolution_cumul_pct=s" "annee=2024,mois=03,region=${k%,*},opco=${k#*,}"
done
cell "$O/croissance.csv.gz" "contrats=8" "annee=2024,region=11,opco=AKTO"
cell "$O/croissance.csv.gz" "contrats=17;contrats_annee_precedente=9;evolution_pct=88.9" "annee=2024,region=11,opco=TOTAL"
cell "$O/croissance.csv.gz" "contrats=38;contrats_annee_precedente=21;evolution_pct=81.0" "annee=2024,region=TOTAL,opco=TOTAL"
nothing "$O" precedente
hook precedente-hook precedente 2024-03-31 "croissance row 2023,11,AKTO column contrats: the hidden count is determined by the published cells (= 3)"
# 2024's contrats_annee_precedente of (28, AKTO) published gives 2023's (11, AKTO) back
doctor "$O" croissance annee=2024,region=28,opco=AKTO contrats_annee_precedente 7
recovers "2023 11 AKTO contrats = 3"
run precedente-2024 precedente 2024-03-31 --years 2024
check "precedente --years 2024: no 2023 row" sh -c "! zcat '$O/croissance.csv.gz' | grep -q '^2023,'"
for k in 11,AKTO 11,ATLAS 28,AKTO 28,ATLAS; do
    cell "$O/croissance.csv.gz" "contrats_annee_precedente=s" "annee=2024,region=${k%,*},opco=${k#*,}"
done
cell "$O/croissance.csv.gz" "contrats_annee_precedente=21;evolution_pct=81.0" "annee=2024,region=TOTAL,opco=TOTAL"
nothing "$O" "precedente --years 2024"
hook precedente-2024-hook precedente 2024-03-31 "croissance row 2024,11,AKTO column contrats_annee_precedente: the hidden count is determined by the published cells (= 3)" --years 2024

# =============================================================================
# The samples, a generated drop, --years
# =============================================================================
expect_exit 0 "samples" $RUN -i samples/drop -o "$TMP/samples" -c samples/config.yaml -q
expect_exit 0 "samples --no-secrecy" $RUN -i samples/drop -o "$TMP/samples-ns" -c samples/config.yaml --no-secrecy -q
python3 "$ATTACK" "$TMP/samples" --truth "$TMP/samples-ns" > "$TMP/attack.out" 2>&1
check "samples: the attacker recovers nothing ($(tail -1 "$TMP/attack.out"))" test $? -eq 0
# a primary-only version of the samples, made here from the --no-secrecy files: every count
# from 1 to 4 written s (the attacker reads counts only). Issue 10 measured 1 300 recoverable
# cells, among them 2020 / 11 / AKTO contrats = 3 read from the 2020 / 11 / TOTAL row.
rm -rf "$TMP/weak" && cp -r "$TMP/samples-ns" "$TMP/weak"
python3 - "$TMP/weak" <<'EOF'
import csv, gzip, io, os, sys
from importlib import util
spec = util.spec_from_file_location("a", "tests/e2e/attack_secrecy.py")
a = util.module_from_spec(spec); spec.loader.exec_module(a)
for f in os.listdir(sys.argv[1]):
    if not f.endswith(".csv.gz") or f[:-7] in a.NOT_INDICATORS:
        continue
    p = os.path.join(sys.argv[1], f)
    rows = list(csv.reader(gzip.open(p, "rt", encoding="utf-8")))
    for r in rows[1:]:
        for i, c in enumerate(rows[0]):
            if c in a.COUNTS and r[i].isdigit() and 0 < int(r[i]) < 5:
                r[i] = "s"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    gzip.open(p, "wt", encoding="utf-8").write(out.getvalue())
EOF
python3 "$ATTACK" "$TMP/weak" --truth "$TMP/samples-ns" -v > "$TMP/attack.out" 2>&1
check "primary-only samples: the attacker can fail (it recovers cells: $(tail -1 "$TMP/attack.out"))" test $? -eq 1
check "primary-only samples: 2020 11 AKTO contrats = 3 is among them" grep -qF "  2020 11 AKTO contrats = 3" "$TMP/attack.out"
check "primary-only samples: over 1 000 cells recovered, each equal to the truth" python3 -c "
import re, sys
t = open('$TMP/attack.out').read()
m = re.search(r'total: (\d+) hidden, (\d+) recovered, (\d+) determined but not equal', t)
sys.exit(0 if m and int(m.group(2)) > 1000 else 1)"
# the manifest's counts, checked against the files: primary = counts from 1 to 4 in the
# --no-secrecy files, secondary = the other count cells written s
check "samples: the manifest's primary and secondary cells agree with the files" python3 - "$TMP/samples" "$TMP/samples-ns" <<'EOF'
import csv, gzip, os, re, sys
from importlib import util
spec = util.spec_from_file_location("a", "tests/e2e/attack_secrecy.py")
a = util.module_from_spec(spec); spec.loader.exec_module(a)
sec, ns = sys.argv[1:]
man = open(os.path.join(sec, "manifest.yaml")).read()
bad = 0
for f in sorted(os.listdir(sec)):
    t = f[:-7]
    if not f.endswith(".csv.gz") or t in a.NOT_INDICATORS:
        continue
    s = list(csv.reader(gzip.open(os.path.join(sec, f), "rt", encoding="utf-8")))
    n = list(csv.reader(gzip.open(os.path.join(ns, f), "rt", encoding="utf-8")))
    prim = secd = 0
    for rs, rn in zip(s[1:], n[1:]):
        for i, c in enumerate(s[0]):
            if c in a.COUNTS and rs[i] == "s":
                if 0 < int(rn[i]) < 5:
                    prim += 1
                else:
                    secd += 1
    want = "- table: %s\n  primary_cells: %d\n  secondary_cells: %d\n  audit: passed\n" % (t, prim, secd)
    if want not in man:
        print("manifest lacks:", want)
        bad += 1
sys.exit(bad)
EOF
APP_TEST_SECRECY_PRIMARY_ONLY=1 $RUN -i samples/drop -o "$TMP/samples-hook" -c samples/config.yaml -q >/dev/null 2>"$TMP/stderr"
check "samples with the test hook: exit 70 (an invariant broken)" test $? -eq 70
check "samples with the test hook: the log says the audit failed" grep -q "ERROR indicators: secrecy audit failed: .* row .* column .*: the hidden count is determined" "$TMP/stderr"
expect_exit 0 "samples --years 2021-2022" $RUN -i samples/drop -o "$TMP/samples-y" -c samples/config.yaml --years 2021-2022 -q
nothing "$TMP/samples-y" "samples --years 2021-2022"
mkdir -p "$TMP/gen"
build/bin/generate --bench 4000 "$TMP/gen" >/dev/null 2>&1
expect_exit 0 "a generated drop of 4 000 contracts" $RUN -i "$TMP/gen" -o "$TMP/gen-out" --key-file "$KEY" -q
nothing "$TMP/gen-out" "generated drop"
finish
