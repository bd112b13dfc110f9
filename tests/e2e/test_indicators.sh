# Indicators end to end, against figures worked out BY HAND from
# spec/indicators.md (windows, observability, follow-up, median, totals,
# which rows exist, rounding, reunions, secrecy), spec/outputs.md (columns,
# sorting) and spec/inputs.md (versions and exclusions).
#
# The drops are in tests/e2e/indicators/ (synthetic, invented names):
#   fenetres    45-day window, 9-month observability (31 Jan), month-end clamping
#               in a common year (31 May 2022), rupture after D_obs, medians
#   bissextile  31 May 2023 + 9 months = 29 Feb 2024; 29 Feb 2024 + 12 months = 28 Feb 2025
#   suivi       follow-up of a broken contract by a new contract (6 months)
#   totaux      TOTAL rows, zero rows, rounding half away from zero, medians,
#               targets, breakdown by tranche_age, --years; then secrecy
#   versions    merge of versions and exclusions
#   reunions    meetings and fairs; then secrecy (threshold 5, then 3)
# and, generated at run time, "arrondis" (about 8000 contracts) for exact rounding
# (12.35 -> 12.4, -0.05 -> -0.1, -0.049 -> 0.0); finally the same figures in three
# time zones. Every expected value below was written before running the pipeline
# (one reading corrected afterwards, said where: the CONSTRUCTYS target row); the
# arithmetic is in the comments. Row values are given in the order of the
# table's columns, leaving out the key columns and region_libelle:
#   croissance:  contrats,contrats_annee_precedente,evolution_pct,objectif,realisation_pct
#   mensuelle:   contrats_mois,cumul,cumul_annee_precedente,evolution_cumul_pct
#   ruptures:    contrats,ruptures,taux_rupture_pct,ruptures_45j,taux_rupture_45j_pct,
#                observables_9m,ruptures_9m,taux_rupture_9m_pct,observables_12m,ruptures_12m,
#                taux_rupture_12m_pct,ruptures_suivies_nouveau_contrat,
#                ruptures_sans_nouveau_contrat,taux_sans_nouveau_contrat_pct,
#                duree_mediane_avant_rupture_j
#   reunions:    evenements,participations,structures,participants_par_evenement,visiteurs,
#                entreprises,entreprises_nouvelles,entreprises_converties,taux_conversion_pct
#   courbe:      opco,observables,ruptures,taux_rupture_cumule_pct
. tests/e2e/lib.sh
D=tests/e2e/indicators
KEY=samples/sample.key
CFG=$D/config.yaml

# --- helpers ------------------------------------------------------------------
cat > "$TMP/cells.py" <<'EOF'
# cells.py MODE LABEL FILE.csv.gz ARGS...: prints "ok - ..." / "not ok - ..." lines.
#   row    KEYSPEC VALUES  VALUES (comma-separated) are the row's columns but the
#                          keys named in KEYSPEC and region_libelle, in order
#   cells  KEYSPEC COL=V;COL=V...
#   absent KEYSPEC         no row matches (a KEYSPEC may name only some keys)
#   keys   COLS EXPECTED   the sequence of COLS over the file, rows as "a b c|a b c|..."
#   nrows  N               number of data rows
#   sorted COLS            rows sorted by COLS as byte strings, TOTAL after every other value
import csv, gzip, sys
mode, label, path = sys.argv[1:4]
args = sys.argv[4:]
with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f))
head, data = rows[0], rows[1:]
def spec(s):
    return [kv.split("=", 1) for kv in s.split(",")] if s else []
def find(ks):
    for r in data:
        if all(r[head.index(k)] == v for k, v in ks):
            return r
    return None
def res(good, what, detail=""):
    print(("ok - " if good else "not ok - ") + label + " " + what + ("" if good else ": " + detail))
if mode in ("row", "cells", "absent"):
    ks = spec(args[0])
    where = "[" + " ".join(v for _, v in ks) + "]"
    r = find(ks)
    if mode == "absent":
        res(r is None, where + " has no row", "found " + ",".join(r or []))
        sys.exit()
    if r is None:
        res(False, where, "no such row")
        sys.exit()
    if mode == "row":
        cols = [c for c in head if c not in dict(ks) and c != "region_libelle"]
        exp = args[1].split(",")
        if len(exp) != len(cols):
            res(False, where, "bad expectation: %d values for %d columns" % (len(exp), len(cols)))
            sys.exit()
        pairs = zip(cols, exp)
    else:
        pairs = [kv.split("=", 1) for kv in args[1].split(";")]
    for c, e in pairs:
        g = r[head.index(c)]
        res(g == e, where + " " + c + " = '" + e + "'", "got '" + g + "'")
elif mode == "keys":
    cols = args[0].split(",")
    got = "|".join(" ".join(r[head.index(c)] for c in cols) for r in data)
    res(got == args[1], "rows (" + ",".join(cols) + ") as expected",
        "\n    got:      " + got + "\n    expected: " + args[1])
elif mode == "nrows":
    res(len(data) == int(args[0]), "has %s rows" % args[0], "got %d" % len(data))
elif mode == "sorted":
    cols = args[0].split(",")
    def k(r):
        return [(1, b"") if r[head.index(c)] == "TOTAL" else (0, r[head.index(c)].encode()) for c in cols]
    res(all(k(a) <= k(b) for a, b in zip(data, data[1:])), "rows sorted by " + ",".join(cols))
EOF
cells() { # cells MODE LABEL FILE ARGS...: run cells.py, count its ok/not ok lines
    if [ ! -f "$3" ]; then not_ok "$2: $3 missing"; return; fi
    python3 "$TMP/cells.py" "$@" > "$TMP/cells.out" 2>&1 || echo "not ok - $2: cells.py failed" >> "$TMP/cells.out"
    while IFS= read -r line; do
        case $line in
            "ok - "*) ok "${line#ok - }" ;;
            "not ok - "*) not_ok "${line#not ok - }" ;;
            *) echo "    $line" ;;
        esac
    done < "$TMP/cells.out"
}
# shorthands on the current run $O, labelled $L
CR() { cells row "$L croissance" "$O/croissance.csv.gz" "annee=$1,region=$2,opco=$3" "$4"; }
MR() { cells row "$L mensuelle" "$O/croissance_mensuelle.csv.gz" "annee=$1,mois=$2,region=$3,opco=$4" "$5"; }
RR() { cells row "$L ruptures" "$O/ruptures.csv.gz" "annee=$1,region=$2,opco=$3" "$4"; }
UR() { cells row "$L reunions" "$O/reunions.csv.gz" "annee=$1,region=$2,opco=$3,type_evenement=$4" "$5"; }
CU() { cells row "$L courbe" "$O/courbe_ruptures.csv.gz" "annee=$1,region=$2,mois=$3" "$4"; }
# the curve's months 09 and 12 repeat the 9- and 12-month columns of ruptures (OPCO TOTAL),
# and a (year, région) with no contract observable at m has no row m (spec "Rupture curve")
curve_vs_ruptures() {
    check "$L: courbe_ruptures months 09 and 12 equal ruptures' 9- and 12-month columns" \
        python3 - "$O/ruptures.csv.gz" "$O/courbe_ruptures.csv.gz" <<'PY'
import csv, gzip, sys
def rows(p):
    with gzip.open(p, "rt", encoding="utf-8", newline="") as f:
        r = list(csv.DictReader(f))
    return r
rup = rows(sys.argv[1]); cur = rows(sys.argv[2])
curve = {(r["annee"], r["region"], r["mois"]): r for r in cur}
bad = [r for r in cur if r["opco"] != "TOTAL"]
n = 0
for r in rup:
    if r["opco"] != "TOTAL":
        continue
    for m, o, k in (("09", "observables_9m", "ruptures_9m"), ("12", "observables_12m", "ruptures_12m")):
        c = curve.get((r["annee"], r["region"], m))
        if r[o] == "0":
            if c is not None:
                bad.append(c)
        elif c is None or (c["observables"], c["ruptures"]) != (r[o], r[k]):
            bad.append((r["annee"], r["region"], m, r[o], r[k], c))
        n += 1
for b in bad[:5]:
    print("    mismatch:", b)
sys.exit(1 if bad or n == 0 else 0)
PY
}
# run NAME DROP DOBS [options]: one pipeline run into $TMP/NAME, sets O and L
run() {
    name=$1 drop=$2 dobs=$3
    shift 3
    O=$TMP/$name L=$name
    if [ -n "$dobs" ]; then set -- --observation-date "$dobs" "$@"; fi
    $RUN -i "$D/$drop" -o "$O" -c "$CFG" --key-file "$KEY" -q "$@" >/dev/null 2>"$TMP/$name.err"
    rc=$?
    if [ $rc -eq 0 ]; then ok "$L: run exits 0"; else
        not_ok "$L: run exits $rc"; sed 's/^/    /' "$TMP/$name.err" | head -5; fi
}
# every input row accepted (a rejected row would make the hand figures wrong)
no_rejects() {
    n=$(zcat "$O/rejets.csv.gz" 2>/dev/null | sed 1d | wc -l)
    check "$L: no rejected input row (got $n)" test "$n" -eq 0
    [ "$n" -eq 0 ] || zcat "$O/rejets.csv.gz" | sed 's/^/    /' | head -5
}
sorted_all() {
    cells sorted "$L croissance" "$O/croissance.csv.gz" annee,region,opco
    cells sorted "$L mensuelle" "$O/croissance_mensuelle.csv.gz" annee,mois,region,opco
    cells sorted "$L ruptures" "$O/ruptures.csv.gz" annee,region,opco
    cells sorted "$L reunions" "$O/reunions.csv.gz" annee,region,opco,type_evenement
}
Z=0,0,,0,,0,0,,0,0,,0,0,, # a ruptures row with no contract: counts 0, every rate empty

# =============================================================================
# 1. fenetres: 45 days, 9-month observability, clamping in a common year,
#    rupture after D_obs. Region 11 (75001) but K1; one OPCO per case.
#   (11, OPCO_EP) cohort 2022: M1, M2 started 31 May 2022, broken 27 Feb / 28 Feb 2023
#   (11, AKTO)    cohort 2023: F1, F2 started 1 Mar 2023, broken 14 Apr / 15 Apr 2023
#   (11, ATLAS)   cohort 2023: G1..G4 started 31 Jan 2023; G1 never broken,
#                 G2 broken 31 Oct, G3 broken 15 Dec (after D_obs), G4 broken 30 Oct 2023
#   (28, OPCO2I)  cohort 2023: K1 started 20 Oct 2023, broken 2 Nov 2023 (day 13, but after
#                 D_obs: no rupture, not within 45 days either)
# =============================================================================
run fenetres-31oct fenetres 2023-10-31 --no-secrecy
no_rejects
sorted_all
# M1, M2: 45 days: 31 May 2022 + 45 days = 15 Jul 2022, Feb 2023 is later -> 0.
#   +9 months = 28 Feb 2023 (31 Feb clamped, 2023 common) <= D_obs -> observables_9m 2;
#   M1 27 Feb < 28 Feb within, M2 28 Feb not < 28 Feb -> ruptures_9m 1, 1/2 = 50.0.
#   +12 months = 31 May 2023 <= D_obs -> 2 observable, both broken before -> 2, 100.0.
#   follow-up: R + 6 months = 27 Aug / 28 Aug 2023 <= D_obs, no new contract -> sans 2, 100.0.
#   median: 31 May 2022 -> 31 Jan 2023 = 30+31+31+30+31+30+31+31 = 245 days,
#   M1 = 245 + 27 = 272, M2 = 273; even count: (272 + 273) / 2 = 272.5 -> 273 (half up).
RR 2022 11 OPCO_EP 2,2,100.0,0,0.0,2,1,50.0,2,2,100.0,0,2,100.0,273
RR 2022 11 TOTAL 2,2,100.0,0,0.0,2,1,50.0,2,2,100.0,0,2,100.0,273
RR 2022 TOTAL TOTAL 2,2,100.0,0,0.0,2,1,50.0,2,2,100.0,0,2,100.0,273
# (11, AKTO) and (11, ATLAS) have contracts in 2023 only: zero rows in 2022
RR 2022 11 AKTO $Z
RR 2022 11 ATLAS $Z
RR 2022 TOTAL ATLAS $Z
# F1, F2: 1 Mar + 45 days = 15 Apr (31 days of March + 14). F1 14 Apr < 15 Apr (day 44):
#   within; F2 15 Apr (day 45): not -> ruptures_45j 1, 1/2 = 50.0.
#   +9 months = 1 Dec 2023 > 31 Oct -> 0 observable; +12 months 1 Mar 2024 -> 0.
#   R + 6 months = 14 Oct / 15 Oct 2023 <= D_obs: sans 2 -> 100.0.
#   median (44 + 45) / 2 = 44.5 -> 45.
RR 2023 11 AKTO 2,2,100.0,1,50.0,0,0,,0,0,,0,2,100.0,45
# G1..G4: 31 Jan + 9 months = 31 Oct 2023 <= D_obs 31 Oct -> observables_9m 4.
#   ruptures on or before D_obs: G2 (31 Oct), G4 (30 Oct); G3 (15 Dec) is after D_obs:
#   no rupture -> ruptures 2, 2/4 = 50.0. 45 days: 31 Jan + 45 = 17 Mar -> 0, 0.0.
#   within 9 months (< 31 Oct): G4 only (G2's 31 Oct is not < 31 Oct) -> 1, 1/4 = 25.0.
#   +12 months = 31 Jan 2024 > D_obs -> 0.
#   follow-up: 30 Oct + 6 months = 30 Apr 2024, 31 Oct + 6 = 30 Apr 2024 > D_obs -> not
#   known -> sans 0, 0/4 = 0.0.
#   median: G4 = 272 days (31 Jan -> 31 Oct = 28+31+30+31+30+31+31+30+31 = 273, minus 1),
#   G2 = 273; (272 + 273) / 2 = 272.5 -> 273. (G3, 318 days, is not in it: with it the
#   median would be (273 + 318) / 2 = 295.5 -> 296.)
RR 2023 11 ATLAS 4,2,50.0,0,0.0,4,1,25.0,0,0,,0,0,0.0,273
RR 2023 11 OPCO_EP $Z
# region TOTAL 2023 = F1, F2, G1..G4: 6 contracts; 4 broken: 400/6 = 66.67 -> 66.7;
#   45 days 1: 100/6 = 16.67 -> 16.7; observables_9m 0 + 4 = 4, ruptures_9m 1 -> 25.0;
#   sans 2: 200/6 = 33.3; median over {44, 45, 272, 273}: (45 + 272) / 2 = 158.5 -> 159
#   (recomputed: not a mean of the groups' medians).
RR 2023 11 TOTAL 6,4,66.7,1,16.7,4,1,25.0,0,0,,0,2,33.3,159
RR 2023 TOTAL AKTO 2,2,100.0,1,50.0,0,0,,0,0,,0,2,100.0,45
RR 2023 TOTAL OPCO_EP $Z
# K1: 1 contract, its rupture (2 Nov) is after D_obs -> 0 broken, 0 within 45 days;
#   20 Oct + 9 months = 20 Jul 2024 > D_obs -> 0 observable.
RR 2023 28 OPCO2I 1,0,0.0,0,0.0,0,0,,0,0,,0,0,0.0,
RR 2022 28 OPCO2I $Z
# grand total 2023 = region 11's 6 + K1 = 7; broken 4: 400/7 = 57.14 -> 57.1; 45 days 1:
#   100/7 = 14.29 -> 14.3; 9 months 4 / 1 -> 25.0; sans 2: 200/7 = 28.57 -> 28.6; median 159.
RR 2023 TOTAL TOTAL 7,4,57.1,1,14.3,4,1,25.0,0,0,,0,2,28.6,159
# rows: years 2022-2023 x (4 pairs + 2 region totals + 4 OPCO totals + grand total) = 22
cells nrows "$L ruptures" "$O/ruptures.csv.gz" 22
# croissance: OPCO_EP 2 in 2022, 0 in 2023: (0 - 2)/2 = -100.0; grand 2023: 7 vs 2:
#   100 x 5 / 2 = 250.0; 2022 has no year before with data: 0, evolution empty.
CR 2022 11 OPCO_EP 2,0,,,
CR 2023 11 OPCO_EP 0,2,-100.0,,
CR 2023 TOTAL TOTAL 7,2,250.0,,
# monthly: G1..G4 in January 2023 (4), F1, F2 in March (2), K1 in October (1 in region 28),
#   M1, M2 in May 2022 (2).
#   2023-05 OPCO_EP: 0 this month, cumul 0, cumul 2022 Jan-May 2 -> -100.0
#   2023-05 grand: cumul 4 + 2 = 6 vs 2 -> 200.0; 2023-04 grand: 6 vs 0 (Jan-Apr 2022) -> empty
MR 2023 01 11 ATLAS 4,4,0,
MR 2023 05 11 OPCO_EP 0,0,2,-100.0
MR 2023 05 TOTAL TOTAL 0,6,2,200.0
MR 2023 04 TOTAL TOTAL 0,6,0,
MR 2023 10 28 OPCO2I 1,1,0,
MR 2023 10 TOTAL TOTAL 1,7,2,250.0
# months stop at the month of D_obs (10) in 2023: (12 + 10 months) x 11 rows = 242
cells nrows "$L mensuelle" "$O/croissance_mensuelle.csv.gz" 242
cells absent "$L mensuelle" "$O/croissance_mensuelle.csv.gz" "annee=2023,mois=11"
# courbe_ruptures (D_obs 31 Oct 2023), all OPCOs of a région together:
#   cohort 2022, région 11: M1, M2 started 31 May 2022; + 17 months = 31 Oct 2023 <= D_obs,
#   + 18 months = 30 Nov 2023 > D_obs -> observable for m = 1..17, no row 18.
#   M1 broken 27 Feb 2023: + 8 months = 31 Jan 2023 is not after it, + 9 months = 28 Feb 2023
#   is -> within m months from m = 9; M2 (28 Feb) from m = 10.
CU 2022 11 01 TOTAL,2,0,0.0
CU 2022 11 08 TOTAL,2,0,0.0
CU 2022 11 09 TOTAL,2,1,50.0
CU 2022 11 10 TOTAL,2,2,100.0
CU 2022 11 17 TOTAL,2,2,100.0
cells absent "$L courbe" "$O/courbe_ruptures.csv.gz" "annee=2022,region=11,mois=18"
#   cohort 2023, région 11: G1..G4 (31 Jan) observable for m <= 9 (31 Oct), F1, F2 (1 Mar)
#   for m <= 7 (1 Oct; 1 Nov is after D_obs). F1 (14 Apr), F2 (15 Apr): 1 Apr is not after
#   them, 1 May is -> from m = 2. G4 (30 Oct): 30 Sep (31 Sep clamped) is not after it,
#   31 Oct is -> m = 9; G2 (31 Oct) would need m = 10; G3 is broken after D_obs.
#   m = 1: 6, 0; m = 2..7: 6, 2 -> 33.3; m = 8: G only, 4, 0; m = 9: 4, 1 -> 25.0.
CU 2023 11 01 TOTAL,6,0,0.0
CU 2023 11 02 TOTAL,6,2,33.3
CU 2023 11 07 TOTAL,6,2,33.3
CU 2023 11 08 TOTAL,4,0,0.0
CU 2023 11 09 TOTAL,4,1,25.0
cells absent "$L courbe" "$O/courbe_ruptures.csv.gz" "annee=2023,region=11,mois=10"
#   K1 (région 28, 20 Oct 2023): + 1 month = 20 Nov > D_obs: never observable, no row;
#   the grand total is région 11's.
cells absent "$L courbe" "$O/courbe_ruptures.csv.gz" "annee=2023,region=28"
CU 2023 TOTAL 09 TOTAL,4,1,25.0
CU 2022 TOTAL 10 TOTAL,2,2,100.0
#   rows: 2022: 17 (région 11) + 17 (TOTAL); 2023: 9 + 9 -> 52
cells nrows "$L courbe" "$O/courbe_ruptures.csv.gz" 52
cells sorted "$L courbe" "$O/courbe_ruptures.csv.gz" annee,region,mois
curve_vs_ruptures

# the same drop one day earlier: D_obs = 30 Oct 2023
run fenetres-30oct fenetres 2023-10-30 --no-secrecy
# M1, M2 and F1, F2 unchanged (28 Feb 2023, 31 May 2023 <= 30 Oct; 14/15 Oct <= 30 Oct).
RR 2022 11 OPCO_EP 2,2,100.0,0,0.0,2,1,50.0,2,2,100.0,0,2,100.0,273
RR 2023 11 AKTO 2,2,100.0,1,50.0,0,0,,0,0,,0,2,100.0,45
# G1..G4: 31 Jan + 9 months = 31 Oct > 30 Oct: not observable -> 0, 0, rate empty.
#   G2 (31 Oct) is now after D_obs: only G4 broken -> 1, 1/4 = 25.0; median 272 (odd count).
#   G4 was broken within 9 months, but it is not observable: ruptures_9m counts observable
#   contracts only -> 0.
RR 2023 11 ATLAS 4,1,25.0,0,0.0,0,0,,0,0,,0,0,0.0,272
# region TOTAL: 6 contracts, 3 broken (F1, F2, G4) -> 50.0; 45 days 1 -> 16.7;
#   observables_9m 0; sans 2 -> 33.3; median of {44, 45, 272} = 45.
RR 2023 11 TOTAL 6,3,50.0,1,16.7,0,0,,0,0,,0,2,33.3,45
# grand total: + K1 (not broken): 7; 3 broken: 42.86 -> 42.9; 14.3; sans 28.6; median 45.
RR 2023 TOTAL TOTAL 7,3,42.9,1,14.3,0,0,,0,0,,0,2,28.6,45
cells nrows "$L mensuelle" "$O/croissance_mensuelle.csv.gz" 242

# =============================================================================
# 2. bissextile: region 28 (14000), AKTO.
#   cohort 2023: L1 (never broken), L2 (broken 28 Feb 2024), L3 (broken 29 Feb 2024),
#                all started 31 May 2023: + 9 months = 29 Feb 2024 (2024 is a leap year),
#                + 12 months = 31 May 2024, + 45 days = 15 Jul 2023.
#   cohort 2024: P1 (never broken), P2 (broken 27 Feb 2025), P3 (broken 28 Feb 2025),
#                all started 29 Feb 2024: + 12 months = 28 Feb 2025, + 9 months = 29 Nov 2024.
#   durations: L2 = 245 (31 May -> 31 Jan) + 28 = 273, L3 = 274,
#              P2 = 366 (29 Feb 2024 -> 1 Mar 2025) - 2 = 364, P3 = 365.
# =============================================================================
run bissextile-20240228 bissextile 2024-02-28 --no-secrecy
no_rejects
# D_obs 28 Feb 2024: 29 Feb 2024 > D_obs -> observables_9m 0; L3 broken after D_obs -> only
#   L2: 1, 1/3 = 33.3; median 273. L2: 28 Feb + 6 months = 28 Aug 2024 > D_obs: unknown.
RR 2023 28 AKTO 3,1,33.3,0,0.0,0,0,,0,0,,0,0,0.0,273
run bissextile-20240229 bissextile 2024-02-29 --no-secrecy
# D_obs 29 Feb 2024: 29 Feb <= 29 Feb -> observables_9m 3; broken L2, L3 -> 2, 66.7;
#   within 9 months (< 29 Feb): L2 only -> 1, 1/3 = 33.3; median (273 + 274)/2 = 273.5 -> 274.
RR 2023 28 AKTO 3,2,66.7,0,0.0,3,1,33.3,0,0,,0,0,0.0,274
# cohort 2024 on its first day: P1..P3 started 29 Feb = D_obs; P2, P3 broken after D_obs.
RR 2024 28 AKTO 3,0,0.0,0,0.0,0,0,,0,0,,0,0,0.0,
run bissextile-20250227 bissextile 2025-02-27 --no-secrecy
curve_vs_ruptures
# cohort 2023 from then on: 12 months: 31 May 2024 <= D_obs, 3 observable, L2 and L3
#   before 31 May 2024 -> 2, 66.7; R + 6 months = 28 Aug / 29 Aug 2024 <= D_obs -> sans 2, 66.7.
RR 2023 28 AKTO 3,2,66.7,0,0.0,3,1,33.3,3,2,66.7,0,2,66.7,274
# cohort 2024, D_obs 27 Feb 2025: 28 Feb 2025 > D_obs -> observables_12m 0; P3 after D_obs ->
#   ruptures 1 (P2), 33.3; 9 months: 29 Nov 2024 <= D_obs -> 3, none before -> 0, 0.0;
#   P2: 27 Feb 2025 + 6 months = 27 Aug 2025 > D_obs: unknown; median 364.
RR 2024 28 AKTO 3,1,33.3,0,0.0,3,0,0.0,0,0,,0,0,0.0,364
run bissextile-20250228 bissextile 2025-02-28 --no-secrecy
RR 2023 28 AKTO 3,2,66.7,0,0.0,3,1,33.3,3,2,66.7,0,2,66.7,274
# cohort 2024, D_obs 28 Feb 2025: observables_12m 3; P2 27 Feb < 28 Feb within 12 months,
#   P3 28 Feb not -> 1, 33.3; ruptures 2, 66.7; median (364 + 365)/2 = 364.5 -> 365.
RR 2024 28 AKTO 3,2,66.7,0,0.0,3,0,0.0,3,1,33.3,0,0,0.0,365
RR 2024 TOTAL TOTAL 3,2,66.7,0,0.0,3,0,0.0,3,1,33.3,0,0,0.0,365
# D_obs 31 Dec 2023: years are capped at the year of D_obs -> no 2024 row although P1..P3
#   started in 2024; cohort 2023: no rupture on or before D_obs, 29 Feb 2024 > D_obs -> 0
#   observable; 2023 x (1 pair + 1 region total + 1 OPCO total + grand total) = 4 rows.
run bissextile-20231231 bissextile 2023-12-31 --no-secrecy
RR 2023 28 AKTO 3,0,0.0,0,0.0,0,0,,0,0,,0,0,0.0,
cells absent "$L ruptures" "$O/ruptures.csv.gz" annee=2024
cells absent "$L croissance" "$O/croissance.csv.gz" annee=2024
cells nrows "$L ruptures" "$O/ruptures.csv.gz" 4

# =============================================================================
# 3. suivi: follow-up. Cohort 2022 in (11, AKTO), all started 1 Sep 2022 but F0:
#   A1 broken 31 Dec 2022; A2 (same name, first name, birth date) starts 30 Jun 2023 in
#      (52, ATLAS): 31 Dec 2022 + 6 months = 30 Jun 2023 (31 Jun clamped) -> followed
#   C1 broken 31 Dec 2022; C2 starts 1 Jul 2023 = R + 6 months + 1 day -> not followed
#   E1 broken 31 Dec 2022; E2 has E's names but another birth date: another apprentice
#   F0 started 3 Jan 2022, never broken; F1 (same apprentice) broken 31 Dec 2022: F0 began
#      before F1, so it does not follow it
#   G1 broken 31 Dec 2022; G2 (1 Feb 2023) is Annulé: excluded, follows nothing
#   H1 broken 31 Dec 2022 ("Vérnassol", "Élodiane-Marie"); H2 "VERNASSOL", "ELODIANE MARIE"
#      starts 1 Mar 2023: the same pseudonym -> followed
#   B1 broken 15 Mar 2023; B2 starts 16 Sep 2023 = 15 Sep + 1 day in (53, OPCO_EP)
#      -> not followed; known only when 15 Sep 2023 <= D_obs
#   J1 broken 30 Nov 2023; J2 (same apprentice) starts 1 Mar 2023 in (52, ATLAS): while
#      D_obs < 30 Nov 2023, J1 is not broken (not followed either); at 31 Dec 2023 it is
#      broken and followed (1 Mar 2023 is after 1 Sep 2022 and before 30 May 2024)
# 9 contracts in cohort 2022 (A1, C1, E1, F0, F1, B1, G1, H1, J1).
# durations: 1 Sep -> 31 Dec 2022 = 30+31+30+30 = 121 (A1, C1, E1, F1, G1, H1);
#   B1: 1 Sep 2022 -> 15 Mar 2023 = 122 + 31 + 28 + 14 = 195;
#   J1: 1 Sep 2022 -> 1 Sep 2023 = 365, + 30 + 31 = 426 (1 Nov), + 29 = 455.
# 9 months: 1 Jun 2023 (F0: 3 Oct 2022), 12 months: 1 Sep 2023 (F0: 3 Jan 2023), all <= D_obs.
# =============================================================================
run suivi-20230914 suivi 2023-09-14 --no-secrecy
no_rejects
sorted_all
# D_obs 14 Sep 2023 = B1's R + 6 months - 1 day: B1 not known.
#   9 contracts, 7 broken (J1 after D_obs): 700/9 = 77.78 -> 77.8; 45 days (16 Oct 2022):
#   none; 9 and 12 months: 9 observable, 7 within -> 77.8; followed A1, H1 -> 2 (not J1);
#   sans C1, E1, F1, G1 -> 4, 400/9 = 44.44 -> 44.4;
#   median of {121 x 6, 195} (odd count, 7): the 4th = 121.
RR 2022 11 AKTO 9,7,77.8,0,0.0,9,7,77.8,9,7,77.8,2,4,44.4,121
RR 2022 TOTAL TOTAL 9,7,77.8,0,0.0,9,7,77.8,9,7,77.8,2,4,44.4,121
run suivi-20230915 suivi 2023-09-15 --no-secrecy
# D_obs 15 Sep 2023 = B1's R + 6 months: known, no new contract -> sans 5, 500/9 = 55.56 -> 55.6.
RR 2022 11 AKTO 9,7,77.8,0,0.0,9,7,77.8,9,7,77.8,2,5,55.6,121
# cohort 2023: (52, ATLAS) A2, C2, E2, H2, J2 (G2 excluded) = 5; (53, OPCO_EP) B2 = 1 (started
#   the day after D_obs; the spec counts contracts by entry year only). None observable.
RR 2023 52 ATLAS 5,0,0.0,0,0.0,0,0,,0,0,,0,0,0.0,
RR 2023 53 OPCO_EP 1,0,0.0,0,0.0,0,0,,0,0,,0,0,0.0,
RR 2022 52 ATLAS $Z
run suivi-20231231 suivi 2023-12-31 --no-secrecy
curve_vs_ruptures
# D_obs 31 Dec 2023: J1 broken -> 8, 800/9 = 88.89 -> 88.9; J1 (30 Nov 2023) is neither
#   before 1 Jun 2023 nor before 1 Sep 2023: 9 and 12 months stay 7 -> 77.8; followed A1, H1,
#   J1 -> 3; sans 5 -> 55.6; median of {121 x 6, 195, 455} (even, 8): (121 + 121)/2 = 121.
RR 2022 11 AKTO 9,8,88.9,0,0.0,9,7,77.8,9,7,77.8,3,5,55.6,121
# E2, H2, J2 (1 Mar 2023 + 9 months = 1 Dec 2023) observable -> 3, 0 broken, 0.0.
RR 2023 52 ATLAS 5,0,0.0,0,0.0,3,0,0.0,0,0,,0,0,0.0,
# croissance 2023 grand total: 5 + 1 = 6 vs 9 in 2022: 100 x (6 - 9)/9 = -33.33 -> -33.3
CR 2023 TOTAL TOTAL 6,9,-33.3,,
CR 2023 TOTAL ATLAS 5,0,,,

# =============================================================================
# 4. totaux: D_obs 31 Dec 2024, targets (config_objectifs.yaml).
#   (11, AKTO)  2023: 16 contracts, 1 Mar 2023; U1, U2, U3 broken after 10, 30, 100 days
#                     (11 Mar, 31 Mar, 9 Jun 2023); born 2004 (18), one 1 Mar 2005 (18: the
#                     birthday is the start day), one 2 Mar 2005 (17)
#               2024: 15 contracts on 15 Jan 2024, 2 on 3 Jun 2024 = 17
#   (28, ATLAS) 2023: 8 contracts, 1 Sep 2023, born 15 Jan 2007 (16); T1 broken after 10 days
#                     (11 Sep), T2 after 13 days (14 Sep); 2024: none (zero row)
#   (11, ATLAS) 2024: 1 contract, T2's apprentice again, 15 Jan 2024 (2023: zero row);
#                     T2: 14 Sep 2023 + 6 months = 14 Mar 2024 >= 15 Jan 2024 -> followed
#   targets: (2024, TOTAL, AKTO) 16; (2024, 11, AKTO) 40; (2024, TOTAL, ATLAS) 4;
#            (2024, TOTAL, CONSTRUCTYS) 10: no such contract, the target adds its row.
# =============================================================================
CFG=$D/config_objectifs.yaml
run totaux totaux 2024-12-31 --no-secrecy
curve_vs_ruptures
no_rejects
sorted_all
# croissance:
#   (11, AKTO) 2024: 17 vs 16: 100 x 1/16 = 6.25 -> 6.3 (half away from zero);
#     target 40: 100 x 17/40 = 42.5
#   (11, TOTAL) 2024: 17 + 1 = 18 vs 16: 100 x 2/16 = 12.5
#   (28, ATLAS) 2024: 0 vs 8: -100.0
#   (TOTAL, AKTO) 2024: 17 vs 16: 6.3; target 16: 100 x 17/16 = 106.25 -> 106.3
#   (TOTAL, ATLAS) 2024: 1 vs 8: 100 x -7/8 = -87.5; target 4: 100 x 1/4 = 25.0
#   (TOTAL, TOTAL) 2024: 18 vs 24: 100 x -6/24 = -25.0
#   (TOTAL, CONSTRUCTYS) 2024: added by its target: 0 vs 0, evolution empty; 100 x 0/10 = 0.0;
#     only its own year (no 2023 row for CONSTRUCTYS)
#   2023: nothing in 2022 -> contrats_annee_precedente 0, evolution empty (denominator 0)
CR 2023 11 AKTO 16,0,,,
CR 2023 11 ATLAS 0,0,,,
CR 2023 11 TOTAL 16,0,,,
CR 2023 28 ATLAS 8,0,,,
CR 2023 28 TOTAL 8,0,,,
CR 2023 TOTAL AKTO 16,0,,,
CR 2023 TOTAL ATLAS 8,0,,,
CR 2023 TOTAL TOTAL 24,0,,,
CR 2024 11 AKTO 17,16,6.3,40,42.5
CR 2024 11 ATLAS 1,0,,,
CR 2024 11 TOTAL 18,16,12.5,,
CR 2024 28 ATLAS 0,8,-100.0,,
CR 2024 28 TOTAL 0,8,-100.0,,
CR 2024 TOTAL AKTO 17,16,6.3,16,106.3
CR 2024 TOTAL ATLAS 1,8,-87.5,4,25.0
CR 2024 TOTAL TOTAL 18,24,-25.0,,
CR 2024 TOTAL CONSTRUCTYS 0,0,,10,0.0
cells keys "$L croissance" "$O/croissance.csv.gz" annee,region,opco \
    "2023 11 AKTO|2023 11 ATLAS|2023 11 TOTAL|2023 28 ATLAS|2023 28 TOTAL|2023 TOTAL AKTO|2023 TOTAL ATLAS|2023 TOTAL TOTAL|2024 11 AKTO|2024 11 ATLAS|2024 11 TOTAL|2024 28 ATLAS|2024 28 TOTAL|2024 TOTAL AKTO|2024 TOTAL ATLAS|2024 TOTAL CONSTRUCTYS|2024 TOTAL TOTAL"
# monthly (11, AKTO): 2023: 16 in March; 2024: 15 in January, 2 in June.
#   2024-01: cumul 15 vs 2023 Jan 0 -> empty; 2024-03..05: 15 vs 16: -6.25 -> -6.3;
#   2024-06..12: 17 vs 16: +6.25 -> 6.3.
MR 2023 03 11 AKTO 16,16,0,
MR 2024 01 11 AKTO 15,15,0,
MR 2024 02 11 AKTO 0,15,0,
MR 2024 03 11 AKTO 0,15,16,-6.3
MR 2024 05 11 AKTO 0,15,16,-6.3
MR 2024 06 11 AKTO 2,17,16,6.3
MR 2024 12 11 AKTO 0,17,16,6.3
# grand total: 2024-01: 15 + 1 = 16 vs 0; 2024-03: 16 vs 16 -> 0.0; 2024-06: 18 vs 16 -> 12.5;
#   2024-09: 18 vs 16 + 8 = 24 -> -25.0. (28, ATLAS) 2024-09: 0 vs 8 -> -100.0.
MR 2024 01 TOTAL TOTAL 16,16,0,
MR 2024 03 TOTAL TOTAL 0,16,16,0.0
MR 2024 06 TOTAL TOTAL 2,18,16,12.5
MR 2024 09 TOTAL TOTAL 0,18,24,-25.0
MR 2024 09 28 ATLAS 0,0,8,-100.0
# 2 years x 12 months x (3 pairs + 2 region totals + 2 OPCO totals + grand total) = 192,
#   + 12 months of 2024 for the CONSTRUCTYS target row = 204. (The target sentence sits in the
#   paragraph on croissance, croissance_mensuelle and ruptures: "a configured target adds its
#   row if it is missing"; read here as adding that row, for its own year only, to all three.)
cells nrows "$L mensuelle" "$O/croissance_mensuelle.csv.gz" 204
MR 2024 06 TOTAL CONSTRUCTYS 0,0,0,
cells absent "$L mensuelle" "$O/croissance_mensuelle.csv.gz" annee=2023,region=TOTAL,opco=CONSTRUCTYS
# ruptures 2023:
#   (11, AKTO): 16; broken 3: 300/16 = 18.75 -> 18.8; 45 days (15 Apr): U1, U2 -> 2, 200/16 = 12.5;
#     9 months (1 Dec 2023) and 12 months (1 Mar 2024) <= D_obs: 16 observable, 3 within -> 18.8;
#     no new contract, R + 6 months in 2023 <= D_obs -> sans 3, 18.8; median {10, 30, 100} = 30.
#   (28, ATLAS): 8; broken 2 -> 25.0; both within 45 days -> 25.0; 9 months (1 Jun 2024),
#     12 months (1 Sep 2024): 8 observable, 2 within -> 25.0; T2 followed -> 1;
#     T1 sans (11 Mar 2024 <= D_obs) -> 1, 100/8 = 12.5; median (10 + 13)/2 = 11.5 -> 12.
#   grand total: 24; 5 broken: 500/24 = 20.83 -> 20.8; 45 days 4: 400/24 = 16.67 -> 16.7;
#     24 observable at 9 and 12 months, 5 within -> 20.8; followed 1; sans 4 -> 16.7;
#     median of {10, 10, 13, 30, 100} = 13 (recomputed, neither 30 nor 12).
RR 2023 11 AKTO 16,3,18.8,2,12.5,16,3,18.8,16,3,18.8,0,3,18.8,30
RR 2023 11 ATLAS $Z
RR 2023 11 TOTAL 16,3,18.8,2,12.5,16,3,18.8,16,3,18.8,0,3,18.8,30
RR 2023 28 ATLAS 8,2,25.0,2,25.0,8,2,25.0,8,2,25.0,1,1,12.5,12
RR 2023 28 TOTAL 8,2,25.0,2,25.0,8,2,25.0,8,2,25.0,1,1,12.5,12
RR 2023 TOTAL AKTO 16,3,18.8,2,12.5,16,3,18.8,16,3,18.8,0,3,18.8,30
RR 2023 TOTAL ATLAS 8,2,25.0,2,25.0,8,2,25.0,8,2,25.0,1,1,12.5,12
RR 2023 TOTAL TOTAL 24,5,20.8,4,16.7,24,5,20.8,24,5,20.8,1,4,16.7,13
# ruptures 2024: nothing broken; 9 months: 15 Jan 2024 + 9 = 15 Oct 2024 <= D_obs (15 AKTO
#   + 1 ATLAS), 3 Jun 2024 + 9 = 3 Mar 2025 > D_obs; 12 months: 15 Jan 2025 > D_obs -> 0.
RR 2024 11 AKTO 17,0,0.0,0,0.0,15,0,0.0,0,0,,0,0,0.0,
RR 2024 11 ATLAS 1,0,0.0,0,0.0,1,0,0.0,0,0,,0,0,0.0,
RR 2024 11 TOTAL 18,0,0.0,0,0.0,16,0,0.0,0,0,,0,0,0.0,
RR 2024 28 ATLAS $Z
RR 2024 28 TOTAL $Z
RR 2024 TOTAL ATLAS 1,0,0.0,0,0.0,1,0,0.0,0,0,,0,0,0.0,
RR 2024 TOTAL TOTAL 18,0,0.0,0,0.0,16,0,0.0,0,0,,0,0,0.0,
# 2 years x 8 rows + the CONSTRUCTYS target row (2024 only, zeros) = 17
RR 2024 TOTAL CONSTRUCTYS $Z
cells absent "$L ruptures" "$O/ruptures.csv.gz" annee=2023,region=TOTAL,opco=CONSTRUCTYS
cells nrows "$L ruptures" "$O/ruptures.csv.gz" 17
# breakdown by tranche_age, 2023: 15-17 = the 8 of (28, ATLAS) + the one born 2 Mar 2005
#   (2 Mar 2005 + 18 years = 2 Mar 2023 > 1 Mar 2023: 17): 9 contracts, 2 broken: 22.2,
#   45 days 2: 22.2, 9 and 12 months 9 / 2: 22.2, followed 1, sans 1: 11.1, median 12.
#   18-20 = 15 of (11, AKTO) (1 Mar 2005 + 18 years = 1 Mar 2023 <= start: 18): broken 3:
#   20.0; 45 days 2: 13.3; 15 / 3: 20.0; sans 3: 20.0; median 30. TOTAL = grand total.
cells row "$L tranche_age" "$O/ruptures_tranche_age.csv.gz" annee=2023,tranche_age=15-17 9,2,22.2,2,22.2,9,2,22.2,9,2,22.2,1,1,11.1,12
cells row "$L tranche_age" "$O/ruptures_tranche_age.csv.gz" annee=2023,tranche_age=18-20 15,3,20.0,2,13.3,15,3,20.0,15,3,20.0,0,3,20.0,30
cells row "$L tranche_age" "$O/ruptures_tranche_age.csv.gz" annee=2023,tranche_age=TOTAL 24,5,20.8,4,16.7,24,5,20.8,24,5,20.8,1,4,16.7,13
# breakdown by niveau: no niveau, no code_diplome -> ND, which is the whole cohort
cells row "$L niveau" "$O/ruptures_niveau.csv.gz" annee=2023,niveau=ND 24,5,20.8,4,16.7,24,5,20.8,24,5,20.8,1,4,16.7,13

# --years 2024: only 2024 rows written; the previous year still uses 2023's data
run totaux-2024 totaux 2024-12-31 --no-secrecy --years 2024
CR 2024 11 AKTO 17,16,6.3,40,42.5
cells absent "$L croissance" "$O/croissance.csv.gz" annee=2023
cells nrows "$L croissance" "$O/croissance.csv.gz" 9 # 8 + the CONSTRUCTYS target row

# =============================================================================
# 5. versions: two extracts (31 Jan and 30 Jun 2024), D_obs 31 Dec 2024.
#   VER-0001: 31 Jan version in (11, AKTO) unbroken; 30 Jun version in (28, AKTO) broken
#             1 Mar 2024 -> the 30 Jun one wins
#   "v 0002" (31 Jan, region 11) and "V0002" (30 Jun, region 28): one contract (upper-cased,
#             inner spaces removed), the 30 Jun version wins -> (28, AKTO)
#   VER-0003: twice in the 30 Jun file; date_effet_avenant 1 Feb 2024 (OPCO_EP, read first)
#             beats a missing one (ATLAS) -> (52, OPCO_EP); no ATLAS row anywhere
#   VER-X1:   started 1 Jun 2023, Annulé in the 30 Jun version -> excluded; 2023 is then no
#             year of the range (the earliest entry year of the KEPT contracts is 2024)
#   VER-X2:   "supprime" -> excluded
#   VER-X3:   broken 1 Feb 2024 before its start 5 Feb 2024 -> excluded
#   VER-X4:   Annulé on 31 Jan, plain on 30 Jun: the kept version is not cancelled -> (11, AKTO)
# kept: X4 (11, AKTO), VER-0001 and V0002 (28, AKTO), VER-0003 (52, OPCO_EP) = 4.
# =============================================================================
CFG=$D/config.yaml
run versions versions 2024-12-31 --no-secrecy
no_rejects
CR 2024 11 AKTO 1,0,,,
CR 2024 28 AKTO 2,0,,,
CR 2024 52 OPCO_EP 1,0,,,
CR 2024 TOTAL AKTO 3,0,,,
CR 2024 TOTAL TOTAL 4,0,,,
cells keys "$L croissance" "$O/croissance.csv.gz" annee,region,opco \
    "2024 11 AKTO|2024 11 TOTAL|2024 28 AKTO|2024 28 TOTAL|2024 52 OPCO_EP|2024 52 TOTAL|2024 TOTAL AKTO|2024 TOTAL OPCO_EP|2024 TOTAL TOTAL"
# (28, AKTO): 2 contracts started 8 Jan 2024, VER-0001 broken 1 Mar 2024: 1, 50.0;
#   45 days: 8 Jan + 45 = 22 Feb -> 0; 9 months 8 Oct 2024 <= D_obs: 2 observable, 1 within;
#   12 months 8 Jan 2025 > D_obs -> 0; R + 6 months = 1 Sep 2024 <= D_obs -> sans 1, 50.0;
#   duration 8 Jan -> 1 Mar 2024 = 31 + 22 (2024: 29 days in February) = 53.
#   VER-X3's rupture (before its start) is in no figure.
RR 2024 28 AKTO 2,1,50.0,0,0.0,2,1,50.0,0,0,,0,1,50.0,53
RR 2024 TOTAL TOTAL 4,1,25.0,0,0.0,4,1,25.0,0,0,,0,1,25.0,53
cells absent "$L ruptures" "$O/ruptures.csv.gz" annee=2023
# quality report: 31 Jan file: 4 accepted, all 4 lost the merge; 30 Jun file: 8 accepted,
#   VER-0003 without amendment date lost (1), X1 and X2 cancelled (2), X3 (1).
#   Conservation: 12 accepted = 4 kept + 5 replaced + 2 + 1.
cells cells "$L qualite" "$O/qualite.csv.gz" fichier=contrats/contrats_20240131.csv \
    "lignes_lues=4;lignes_acceptees=4;lignes_rejetees=0;versions_remplacees=4;exclus_annules=0;exclus_rupture_avant_debut=0"
cells cells "$L qualite" "$O/qualite.csv.gz" fichier=contrats/contrats_20240630.csv \
    "lignes_lues=8;lignes_acceptees=8;lignes_rejetees=0;versions_remplacees=1;exclus_annules=2;exclus_rupture_avant_debut=1"
# without --observation-date, D_obs is the latest extraction date of the accepted contract
#   rows, 30 Jun 2024: months of 2024 stop at 06 -> 6 months x 9 rows = 54.
run versions-dobs versions ""  --no-secrecy
cells nrows "$L mensuelle" "$O/croissance_mensuelle.csv.gz" 54
cells absent "$L mensuelle" "$O/croissance_mensuelle.csv.gz" annee=2024,mois=07

# =============================================================================
# 6. reunions: D_obs 30 Jun 2025. SIRENs: S_A 732829320 (two SIRETs ...074 and ...090),
#   S_B 100000000, S_C 200000000, S_D 300000000, S_E 400000000, OF 500000000 (training body),
#   S_F 600000000, S_G 700000000 (CFA), S_H 800000000, S_I 900000000.
#   Events: E1 15 Mar 2024, E2 10 Jun 2024 reunion_entreprises (11, AKTO); E3 20 Apr (120
#   visitors), E4 20 May (80), E5 1 Sep 2024 (none given) salon (11, AKTO); E6 5 May 2024
#   reunion_organismes (28, ATLAS) with visiteurs 30 (ignored: not a fair), and E9 1 Aug,
#   E10 1 Oct, E11 15 Nov 2024 reunion_organismes (28, ATLAS); E7 1 Jul 2024
#   reunion_entreprises (28, AKTO); E8 salon 10 Jan 2026.
#   Present participations: E1: S_A ...074, S_A ...090, S_C (twice: counted once), OF
#   (presence empty = present); S_B absent. E2: S_D (oui), S_C, S_E. E3: S_B, S_F. E4: S_B,
#   S_H. E5: S_G (CFA). E6: OF (S_G only "inscrit"). E7: S_A ...090, S_I. E9: S_G.
#   E10: OF, S_G. E11: OF.
#   Kept contracts: S_A start 15 Apr 2021 (K1) and concluded 15 Mar 2025 (K2); S_C start
#   15 Feb 2021, no conclusion date (K3) and concluded 16 Mar 2025 (K4); S_D start 2 Sep 2024,
#   no conclusion date (K5); S_E concluded 1 May 2024, start 1 Jul 2024 (K6); S_B start
#   20 Apr 2021 (K7) and concluded 20 Apr 2024 (K8); S_F concluded 1 May 2024 but Annulé (K9,
#   excluded); S_H, S_I: none.
# =============================================================================
run reunions reunions 2025-06-30 --no-secrecy
no_rejects
sorted_all
# (11, AKTO, reunion_entreprises): 2 events; participations E1 4 (...074, ...090, S_C, OF)
#   + E2 3 = 7; structures {S_A, S_C, OF, S_D, S_E} = 5; 7/2 = 3.5; no visitors -> empty;
#   entreprises {S_A, S_C, S_D, S_E} = 4.
#   d: S_A 15 Mar 2024, S_C 15 Mar 2024 (earliest of E1, E2), S_D, S_E 10 Jun 2024.
#   nouvelles (no contract started in [d - 36 months, d)):
#     S_A: [15 Mar 2021, 15 Mar 2024) holds K1 (15 Apr 2021 = d - 35 months) -> not new
#     S_C: K3 15 Feb 2021 = d - 37 months, before 15 Mar 2021 -> new
#     S_D: K5 2 Sep 2024 >= d -> new; S_E: K6 1 Jul 2024 >= d -> new          => 3
#   converties (conclusion, else start, in [d, d + 12 months]):
#     S_A: K2 15 Mar 2025 = d + 12 months exactly -> yes
#     S_C: K4 16 Mar 2025 = d + 12 months + 1 day -> no (with d = E2's date it would be yes)
#     S_D: K5 no conclusion, start 2 Sep 2024 in [10 Jun 2024, 10 Jun 2025] -> yes
#     S_E: K6 concluded 1 May 2024 < d (its start would be inside) -> no      => 2, 2/4 = 50.0
UR 2024 11 AKTO reunion_entreprises 2,7,5,3.5,,4,3,2,50.0
UR 2024 11 TOTAL reunion_entreprises 2,7,5,3.5,,4,3,2,50.0
# (11, AKTO, salon): 3 events; participations 2 + 2 + 1 = 5; structures {S_B, S_F, S_H, S_G} = 4;
#   5/3 = 1.67 -> 1.7; visitors 120 + 80 = 200 (E5 has none); entreprises {S_B, S_F, S_H} = 3.
#   S_B: d = 20 Apr 2024 (E3); K7 started 20 Apr 2021 = d - 36 months exactly, inside -> not new;
#     K8 concluded 20 Apr 2024 = d -> converted (with d = E4's date it would not be).
#   S_F: K9 excluded -> new, not converted; S_H: new, not converted.
#   nouvelles 2, converties 1, 100/3 = 33.3
UR 2024 11 AKTO salon 3,5,4,1.7,200,3,2,1,33.3
UR 2024 TOTAL TOTAL salon 3,5,4,1.7,200,3,2,1,33.3
# (28, AKTO, reunion_entreprises): E7 alone: 2 participations, 2 structures, 2.0, 2 companies.
#   S_A: d = 1 Jul 2024, [1 Jul 2021, 1 Jul 2024) holds no contract -> new; K2 15 Mar 2025 in
#   [1 Jul 2024, 1 Jul 2025] -> converted. S_I: new, not converted -> 2, 1, 50.0.
UR 2024 28 AKTO reunion_entreprises 1,2,2,2.0,,2,2,1,50.0
UR 2024 28 TOTAL reunion_entreprises 1,2,2,2.0,,2,2,1,50.0
# (28, ATLAS, reunion_organismes): E6, E9, E10, E11: 4 events; present participations
#   1 + 1 + 2 + 1 = 5; structures {OF, S_G} = 2; 5/4 = 1.25 -> 1.3 (half away from zero);
#   visiteurs of a meeting ignored -> empty; no company -> 0, 0, 0, rate empty (0 companies).
UR 2024 28 ATLAS reunion_organismes 4,5,2,1.3,,0,0,0,
UR 2024 TOTAL TOTAL reunion_organismes 4,5,2,1.3,,0,0,0,
# (TOTAL, AKTO, reunion_entreprises) = E1, E2, E7: 3 events; 7 + 2 = 9 participations;
#   structures {S_A, S_C, OF, S_D, S_E, S_I} = 6 (S_A once); 9/3 = 3.0; entreprises
#   {S_A, S_C, S_D, S_E, S_I} = 5. S_A: d = 15 Mar 2024 (earliest over the group) -> not new,
#   converted; S_C new; S_D new, converted; S_E new; S_I new -> nouvelles 4, converties 2,
#   200/5 = 40.0.
UR 2024 TOTAL AKTO reunion_entreprises 3,9,6,3.0,,5,4,2,40.0
UR 2024 TOTAL TOTAL reunion_entreprises 3,9,6,3.0,,5,4,2,40.0
# rows only for groups with an event, no total over type_evenement: 14 rows
cells keys "$L reunions" "$O/reunions.csv.gz" annee,region,opco,type_evenement \
    "2024 11 AKTO reunion_entreprises|2024 11 AKTO salon|2024 11 TOTAL reunion_entreprises|2024 11 TOTAL salon|2024 28 AKTO reunion_entreprises|2024 28 ATLAS reunion_organismes|2024 28 TOTAL reunion_entreprises|2024 28 TOTAL reunion_organismes|2024 TOTAL AKTO reunion_entreprises|2024 TOTAL AKTO salon|2024 TOTAL ATLAS reunion_organismes|2024 TOTAL TOTAL reunion_entreprises|2024 TOTAL TOTAL reunion_organismes|2024 TOTAL TOTAL salon"
# E8 (salon, 10 Jan 2026) is after the year of D_obs (2025): no 2026 row
cells absent "$L reunions" "$O/reunions.csv.gz" annee=2026
# quality: one duplicated present participation (S_C in E1); one invalid value (E6 visiteurs)
cells cells "$L qualite" "$O/qualite.csv.gz" fichier=participations/participations_2024.csv "doublons_participations=1"
cells cells "$L qualite" "$O/qualite.csv.gz" fichier=evenements/evenements_2024.csv "valeurs_invalides=1"

# =============================================================================
# 7. Statistical secrecy (threshold 5 by default): the totaux and reunions drops again,
#    without --no-secrecy. Counts 1-4 -> s, 0 stays 0; a rate is s when its denominator is
#    1-4 or when a count it comes from is s; empty when its denominator is 0.
#    Secondary suppression (spec/indicators.md, "Secondary suppression") then hides more:
#    the values below marked "secondary" were re-derived by hand when it came (they were
#    shown before); each is forced by a line (a total and its parts) that would otherwise
#    hold a single hidden cell, the complement being a detail cell when there is one (the
#    rule of stages/lib/secrecy.h). tests/e2e/test_secrecy.sh checks whole patterns.
# =============================================================================
CFG=$D/config_objectifs.yaml
run totaux-secret totaux 2024-12-31
curve_vs_ruptures
# croissance: (TOTAL, ATLAS) 2024: contrats 1 -> s; previous 8 shown; evolution from the
#   s count -> s; objectif 4 is not a count -> 4; realisation from the s count -> s.
#   Secondary: region 11's line AKTO 17 + ATLAS s (1) = TOTAL 18 has one hidden cell; its
#   detail AKTO 17 is hidden (before the total 18), so are its evolution and realisation
#   (from an s count). Then the AKTO line over regions, (11, AKTO) s = (TOTAL, AKTO) 17 (no
#   other region has AKTO), leaves (TOTAL, AKTO) alone: hidden. (11, TOTAL) 18 and
#   (TOTAL, TOTAL) 18 stay shown: the line AKTO s + ATLAS s + CONSTRUCTYS 0 = 18 has two
#   hidden cells, and moving +1 on every AKTO cell and -1 on every ATLAS cell keeps them all.
CR 2023 11 ATLAS 0,0,,,
CR 2024 11 AKTO s,16,s,40,s
CR 2024 28 ATLAS 0,8,-100.0,,
CR 2024 TOTAL ATLAS s,8,s,4,s
CR 2024 TOTAL TOTAL 18,24,-25.0,,
CR 2024 TOTAL CONSTRUCTYS 0,0,,10,0.0
# ruptures 2023 (11, AKTO): 16 shown; 3, 2, 3, 3, 3 -> s, their rates s; followed 0 stays 0;
#   median: denominator ruptures 3 -> s.
RR 2023 11 AKTO 16,s,s,s,s,16,s,s,16,s,s,0,s,s,s
RR 2023 28 ATLAS 8,s,s,s,s,8,s,s,8,s,s,s,s,s,s
# grand total 2023: 24, 5 and 20.8 shown; 45 days 4 -> s, its rate s; followed 1, sans 4 -> s,
#   taux_sans from an s count -> s; median over 5 ruptures -> 13.
RR 2023 TOTAL TOTAL 24,5,20.8,s,s,24,5,20.8,24,5,20.8,s,s,s,13
# (11, ATLAS) 2024: contrats 1 -> s; ruptures 0 -> 0 but taux_rupture's denominator is 1 -> s
#   (and taux_45j, taux_sans); observables_9m 1 -> s, its rate s; observables_12m 0: rate empty;
#   no rupture: median empty.
RR 2024 11 ATLAS s,0,s,0,s,s,0,s,0,0,,0,0,s,
RR 2024 28 ATLAS $Z
# (11, AKTO) 2024, secondary: contrats 17 is croissance's (the same figure): s, so every rate
#   over it; observables_9m 15: region 11's line 15 + ATLAS s (1) = TOTAL 16 -> hidden, its
#   rate too. 0 stays 0.
RR 2024 11 AKTO s,0,s,0,s,s,0,s,0,0,,0,0,s,
# monthly: 2024-06 (11, AKTO): 2 entries -> s. Secondary: cumul 17 from June to December
#   (no entry from July on: cumul(m) = cumul(m-1), a line of two cells) is December's, which
#   is croissance's contrats 17: s, and its evolution. 2024-03 (11, AKTO): January's line in
#   region 11, AKTO 15 + ATLAS s (1) = 16, hides AKTO's January entries 15 (a detail), which
#   are January's cumul, equal to February-May's (no entry): cumul 15 -> s, evolution -> s.
#   2024-12 (TOTAL, ATLAS): 0 entries, cumul 1 -> s, 8 the year before, evolution -> s.
MR 2024 06 11 AKTO s,s,16,s
MR 2024 03 11 AKTO 0,s,16,s
MR 2024 12 TOTAL ATLAS 0,s,8,s
cells row "$L tranche_age" "$O/ruptures_tranche_age.csv.gz" annee=2023,tranche_age=15-17 9,s,s,s,s,9,s,s,9,s,s,s,s,s,s
CFG=$D/config.yaml
run fenetres-secret fenetres 2023-10-31
# croissance 2023 (11, OPCO_EP): 0 stays 0; the previous year's 2 -> s; evolution over a
#   denominator of 2 -> s. monthly 2023-05: cumul 0, cumul_annee_precedente 2 -> s, rate s.
CR 2023 11 OPCO_EP 0,s,s,,
MR 2023 05 11 OPCO_EP 0,0,s,s
# ruptures 2022 (11, OPCO_EP): 2 contracts -> s; ruptures_45j 0 stays 0 but its rate's
#   denominator is 2 -> s; followed 0 stays 0; every other count 1 or 2 -> s.
RR 2022 11 OPCO_EP s,s,s,0,s,s,s,s,s,s,s,0,s,s,s
# ruptures 2023 (11, TOTAL): 4, 1, 4, 1, 2 -> s with their rates; 12 months: 0, 0,
#   rate empty; median over 4 ruptures -> s. Secondary: contrats 6. In 2023 every detail
#   (AKTO 2, ATLAS 4, OPCO2I 1) and the totals (28, TOTAL) 1, (TOTAL, AKTO) 2,
#   (TOTAL, ATLAS) 4, (TOTAL, OPCO2I) 1 are primary; the TOTAL column's line over regions,
#   (11, TOTAL) 6 + (28, TOTAL) s = (TOTAL, TOTAL) 7, has one hidden cell: (11, TOTAL) goes
#   (one TOTAL key) before the grand total (two). The grand total 7 stays shown.
RR 2023 11 TOTAL s,s,s,s,s,s,s,s,0,0,,0,s,s,s
RR 2023 TOTAL TOTAL 7,s,s,s,s,s,s,s,0,0,,0,s,s,s
run reunions-secret reunions 2025-06-30
# (11, AKTO, reunion_entreprises): events 2 -> s; 3.5 over 2 events -> s; 4, 3, 2
#   companies -> s; rate over 4 -> s. Secondary: participations 7 and structures 5. Over
#   regions, (11) + (28) = (TOTAL) for AKTO's company meetings: participations 7 + 2 = 9 and
#   structures 5 + 2 = 6 (distinct counts are treated as adding up: the spec's cautious
#   reading); (28)'s 2 and 2 are primary, so (11)'s 7 and 5 are hidden. Region 11 has AKTO
#   alone: its TOTAL row repeats it (the line over OPCOs has two cells) and is hidden alike.
UR 2024 11 AKTO reunion_entreprises s,s,s,s,,s,s,s,s
UR 2024 11 TOTAL reunion_entreprises s,s,s,s,,s,s,s,s
# salon: 3 events -> s; 5 shown; 4 structures -> s; visiteurs 200 shown; 3, 2, 1 -> s.
UR 2024 11 AKTO salon s,5,s,s,200,s,s,s,s
# reunion_organismes: 4 events -> s; 5 shown; 2 structures -> s; 1.3 over 4 events -> s;
#   0 companies: 0, 0, 0, rate empty.
UR 2024 28 ATLAS reunion_organismes s,5,s,s,,0,0,0,
# (TOTAL, AKTO, reunion_entreprises): 3 events -> s; 9, 6 shown; 3.0 -> s; 5 companies shown;
#   4 and 2 -> s; the rate 2/5 comes from an s count -> s.
UR 2024 TOTAL AKTO reunion_entreprises s,9,6,s,,5,s,s,s
# the quality report is not subject to secrecy
cells cells "$L qualite" "$O/qualite.csv.gz" fichier=participations/participations_2024.csv "doublons_participations=1"
# the manifest says which set was written
check "$L: manifest says secrecy applied, threshold 5" \
    sh -c "grep -q '^  secrecy_threshold: 5\$' '$O/manifest.yaml' && grep -q '^  secrecy: applied' '$O/manifest.yaml'"
check "reunions (--no-secrecy): manifest says secrecy disabled" \
    grep -q '^  secrecy: disabled' "$TMP/reunions/manifest.yaml"
# a configured threshold of 3: counts 1 and 2 -> s, 3 and 4 shown
CFG=$D/config_seuil3.yaml
run reunions-seuil3 reunions 2025-06-30
# (11, AKTO, reunion_entreprises): 2 events -> s, 3.5 -> s; 2 converted -> s, so its rate -> s.
#   Secondary: participations 7, structures 5, companies 4, new 3: region 28's 2, 2, 2, 2 are
#   primary (1 and 2 under a threshold of 3), so on each line over regions (11)'s detail is
#   hidden (the (TOTAL) row's 9, 6, 5, 4 stay shown; 3.0 is over 3 shown events).
UR 2024 11 AKTO reunion_entreprises s,s,s,s,,s,s,s,s
# salon: 3 events, 4 structures, 1.7, 3 companies shown; 2 new, 1 converted -> s; rate s.
UR 2024 11 AKTO salon 3,5,4,1.7,200,3,s,s,s
# reunion_organismes: 4 events, 5 participations shown -> 5/4 = 1.3 shown; 2 structures -> s.
UR 2024 28 ATLAS reunion_organismes 4,5,s,1.3,,0,0,0,
UR 2024 TOTAL AKTO reunion_entreprises 3,9,6,3.0,,5,4,s,s
CFG=$D/config.yaml


# =============================================================================
# 8. Rounding exactly on integers, generated at run time (too long to write out, but
#    as simple to count): D_obs 31 Dec 2024.
#   (11, AKTO)  2023: 2000 contracts started 1 Mar 2023; one broken 11 Mar (10 days),
#                     246 broken 9 Jun 2023 (100 days); 2024: 1999 contracts, 15 Jan 2024
#   (28, ATLAS) 2023: 2001 contracts started 1 Sep 2023; 2024: 2000, 15 Jan 2024
# =============================================================================
mkdir -p "$TMP/arrondis/contrats"
awk 'BEGIN {
    print "numero_contrat;type_contrat;date_debut_contrat;date_fin_contrat;date_rupture;siret_employeur;code_postal_employeur;opco;nom;prenom;date_naissance;sexe;uai_cfa"
    for (i = 1; i <= 2000; i++) printf "ARR-A23-%04d;11;2023-03-01;2025-02-28;%s;73282932000074;75001;AKTO;Arrondel;Akarond%04d;2004-01-01;H;0751234J\n", i, (i == 1 ? "2023-03-11" : i <= 247 ? "2023-06-09" : ""), i
    for (i = 1; i <= 1999; i++) printf "ARR-A24-%04d;11;2024-01-15;2026-01-14;;73282932000074;75001;AKTO;Arrondel;Akmerond%04d;2004-01-01;F;0751234J\n", i, i
    for (i = 1; i <= 2001; i++) printf "ARR-T23-%04d;11;2023-09-01;2025-08-31;;73282932000074;14000;ATLAS;Arrondel;Atarond%04d;2004-01-01;H;0751234J\n", i, i
    for (i = 1; i <= 2000; i++) printf "ARR-T24-%04d;11;2024-01-15;2026-01-14;;73282932000074;14000;ATLAS;Arrondel;Atmerond%04d;2004-01-01;F;0751234J\n", i, i
}' > "$TMP/arrondis/contrats/contrats_20241231.csv"
name=arrondis O=$TMP/arrondis-out L=arrondis
$RUN -i "$TMP/arrondis" -o "$O" -c "$CFG" --key-file "$KEY" -q --observation-date 2024-12-31 --no-secrecy \
    >/dev/null 2>"$TMP/arrondis.err"
check "$L: run exits 0" test $? -eq 0
no_rejects
# croissance 2024: (11, AKTO) 100 x (1999 - 2000)/2000 = -0.05 -> -0.1 (half away from zero);
#   (28, ATLAS) 100 x (2000 - 2001)/2001 = -0.04998 -> 0.0, never -0.0; grand total
#   100 x (3999 - 4001)/4001 = -0.04999 -> 0.0.
CR 2024 11 AKTO 1999,2000,-0.1,,
CR 2024 28 ATLAS 2000,2001,0.0,,
CR 2024 TOTAL TOTAL 3999,4001,0.0,,
MR 2024 03 11 AKTO 0,1999,2000,-0.1
# ruptures 2023 (11, AKTO): 100 x 247/2000 = 12.35 -> 12.4 (not a binary fraction: exact
#   integer arithmetic needed); 45 days: 1, 100 x 1/2000 = 0.05 -> 0.1; 9 months (1 Dec 2023)
#   and 12 months (1 Mar 2024): 2000 observable, 247 within -> 12.4; sans 247 -> 12.4;
#   median of 1 x 10 and 246 x 100 days (odd, 247): the 124th = 100.
RR 2023 11 AKTO 2000,247,12.4,1,0.1,2000,247,12.4,2000,247,12.4,0,247,12.4,100
# grand total 2023: 4001 contracts: 100 x 247/4001 = 6.173 -> 6.2; 45 days 100/4001 = 0.025
#   -> 0.0; 9 months: (28, ATLAS) 1 Jun 2024, 12 months: 1 Sep 2024 <= D_obs: 4001 -> 6.2.
RR 2023 TOTAL TOTAL 4001,247,6.2,1,0.0,4001,247,6.2,4001,247,6.2,0,247,6.2,100

# =============================================================================
# 9. Dates are calendar dates: the same figures whatever the time zone (a day
#    count through local time would lose an hour across a daylight-saving change:
#    F2, 1 Mar -> 15 Apr 2023, spans the change of 26 Mar in Paris).
# =============================================================================
for c in fenetres:2023-10-31 bissextile:2025-02-28; do
    drop=${c%%:*} dobs=${c#*:}
    n=0
    for tz in UTC0 CET-1CEST,M3.5.0,M10.5.0/3 NZST-12NZDT,M9.5.0,M4.1.0/3; do
        n=$((n + 1))
        env TZ="$tz" $RUN -i "$D/$drop" -o "$TMP/tz$n-$drop" -c "$CFG" --key-file "$KEY" -q \
            --observation-date "$dobs" --no-secrecy >/dev/null 2>"$TMP/tz.err"
        check "$drop with TZ=$tz: run exits 0" test $? -eq 0
        [ $n -eq 1 ] && continue
        for f in croissance croissance_mensuelle ruptures ruptures_niveau ruptures_tranche_age; do
            zcat "$TMP/tz1-$drop/$f.csv.gz" > "$TMP/utc.txt" 2>/dev/null
            zcat "$TMP/tz$n-$drop/$f.csv.gz" > "$TMP/tz.txt" 2>/dev/null
            check "$drop with TZ=$tz: $f.csv.gz identical to TZ=UTC0" cmp -s "$TMP/utc.txt" "$TMP/tz.txt"
        done
    done
done

finish
