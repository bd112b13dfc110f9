#!/bin/sh
# End-to-end corpus of the ingest stage (tests/e2e/ingest/): small hand-written
# inputs, and for each case the rejects and quality TSV worked out by hand from
# spec/inputs.md and spec/outputs.md (see tests/e2e/ingest/README.md).
# Run from the repository root. Ends with "N passed, M failed".
BIN=build/bin/ingest
CORPUS=tests/e2e/ingest
IN=$CORPUS/input
EXP=$CORPUS/expected
# INGEST_KEY_FILE: another copy of the sample key (e.g. for a run as a user who cannot read it)
KEY=${INGEST_KEY_FILE:-samples/sample.key}
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
TMP=$(mktemp -d) || exit 70
trap 'chmod -R u+rwX "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM

if [ ! -x "$BIN" ]; then
    echo "not ok - $BIN is missing (make $BIN)"
    echo "0 passed, 1 failed"
    exit 1
fi

# ingest_run CASE KIND INPUT_DIR [--events F] FILE... : runs the stage into
# $TMP/CASE/{out.rec,rejects.tsv,quality.tsv}, the records printed by dump
# into $TMP/CASE/out.tsv, stderr in $TMP/CASE/stderr; sets $rc.
ingest_run() {
    c=$1 kind=$2 dir=$3
    shift 3
    mkdir -p "$TMP/$c"
    set -- --kind "$kind" --schemas schemas --input "$dir" --out "$TMP/$c/out.rec" \
        --rejects "$TMP/$c/rejects.tsv" --quality "$TMP/$c/quality.tsv" "$@"
    [ "$kind" = contrats ] && set -- --key-file "$KEY" "$@"
    "$BIN" "$@" >"$TMP/$c/stdout" 2>"$TMP/$c/stderr"
    rc=$?
    if [ -f "$TMP/$c/out.rec" ]; then
        build/bin/dump "$TMP/$c/out.rec" >"$TMP/$c/out.tsv"
    fi
}

# case_ok CASE KIND INPUT_DIR [--events F] FILE... : exit 0, rejects and quality
# equal to the expected files.
case_ok() {
    c=$1
    ingest_run "$@"
    if [ "$rc" -eq 0 ]; then ok "$c: exit 0"; else
        not_ok "$c: exit $rc, expected 0"
        sed 's/^/    /' "$TMP/$c/stderr" | head -5
    fi
    for t in rejects quality; do
        [ -f "$TMP/$c/$t.tsv" ] || : >"$TMP/$c/$t.tsv"
        if diff -u "$EXP/$c.$t.tsv" "$TMP/$c/$t.tsv" >"$TMP/$c/$t.diff"; then
            ok "$c: $t as expected"
        else
            not_ok "$c: $t differ from $EXP/$c.$t.tsv"
            sed 's/^/    /' "$TMP/$c/$t.diff" | head -40
        fi
    done
}

# case_err CASE KIND INPUT_DIR CODE FILE FRAGMENT... : exit CODE and every
# FRAGMENT (fixed string) in stderr.
case_err() {
    c=$1 kind=$2 dir=$3 want=$4 file=$5
    shift 5
    ingest_run "$c" "$kind" "$dir" "$file"
    if [ "$rc" -eq "$want" ]; then ok "$c: exit $want"; else
        not_ok "$c: exit $rc, expected $want"
        sed 's/^/    /' "$TMP/$c/stderr" | head -5
    fi
    for frag in "$@"; do
        if grep -qF -- "$frag" "$TMP/$c/stderr"; then ok "$c: message has '$frag'"; else
            not_ok "$c: message lacks '$frag'"
            sed 's/^/    /' "$TMP/$c/stderr" | head -5
        fi
    done
}

# val CASE KEYCOL KEY COL : the COL of the first accepted row whose KEYCOL is KEY
val() {
    awk -F'\t' -v kc="$2" -v k="$3" -v col="$4" '
        NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; if (!(kc in h) || !(col in h)) exit; next }
        $h[kc] == k { print $h[col]; exit }' "$TMP/$1/out.tsv" 2>/dev/null
}
# expect_val CASE KEYCOL KEY COL VALUE
expect_val() {
    got=$(val "$1" "$2" "$3" "$4")
    if [ "$got" = "$5" ]; then ok "$1: $2=$3 has $4=$5"; else
        not_ok "$1: $2=$3 has $4='$got', expected '$5'"; fi
}
# expect_vals CASE KEY COL=VALUE... (rows keyed by numero_contrat / id_evenement / ligne)
expect_vals() {
    c=$1 kc=$2 k=$3
    shift 3
    for cv in "$@"; do expect_val "$c" "$kc" "$k" "${cv%%=*}" "${cv#*=}"; done
}

# ---------------------------------------------------------------- contracts
case_ok aliases contrats "$IN" contrats/alias1.csv contrats/alias2.csv contrats/alias3.csv \
    contrats/alias4.csv contrats/alias5.csv.gz contrats/alias6.csv
expect_vals aliases numero_contrat A1-0001 naf=5610A idcc=0016 opco=OPCO_MOBILITES departement=14 \
    region=28 niveau=3 rncp=RNCP34567 date_debut_contrat=2022-09-01 date_conclusion=2022-08-15 \
    siren_employeur=732829320 siret_cfa=12345678900015 age_debut=18 tranche_age=18-20 sexe=F \
    date_extraction=2024-01-15 effectif_employeur=12 tranche_effectif=10-49
expect_vals aliases numero_contrat A20002 siret_employeur=73282932000074 opco=OPCO_EP niveau=4 \
    region=11 naf=5610A rncp=RNCP34567 date_rupture=2023-01-15 date_fin_contrat=2024-08-31 sexe=H \
    uai_cfa=0751234J idcc=1516 date_extraction=2024-01-15 effectif_employeur=0 tranche_effectif=0-4
expect_vals aliases numero_contrat A3-0003 siret_employeur=35600000000001 departement=2A region=94 \
    opco=OPCO_EP niveau=6 date_debut_contrat=2022-09-01 date_fin_contrat=2024-08-31 \
    date_conclusion=2022-08-01 date_effet_avenant=2023-03-01 code_diplome=BP000001 sexe=F \
    age_debut=17 tranche_age=15-17 date_extraction=2024-01-15 effectif_employeur= tranche_effectif=ND
expect_vals aliases numero_contrat A4-0004 region=01 departement=971 idcc=0843 opco=UNIFORMATION \
    niveau=8 naf=0111Z tranche_age=26+ sexe=H effectif_employeur=250 tranche_effectif=250+
expect_vals aliases numero_contrat A5-0005 region=52 opco=OPCO_EP niveau=3 sexe=F
expect_vals aliases numero_contrat A5-0006 region=ND departement=ND opco=ND niveau=5 sexe=H
expect_vals aliases numero_contrat A6-0007 opco=ATLAS region=93 age_debut=20 tranche_age=18-20

case_ok codes contrats "$IN" contrats/codes_20240115.csv contrats/codes2_20240115.csv
expect_vals codes numero_contrat K01 opco=ND siret_cfa= niveau=
expect_vals codes numero_contrat K13 age_debut=80 tranche_age=26+
expect_vals codes numero_contrat K14 age_debut=14 tranche_age=15-17 tranche_effectif=ND
expect_vals codes numero_contrat K23 date_debut_contrat=2022-02-28 date_fin_contrat=2024-08-31 \
    siret_employeur=73282932000074 age_debut=18 tranche_age=18-20 niveau=3 sexe=H
expect_vals codes numero_contrat K24 siret_cfa=35600000000001 niveau=4

case_ok lignes contrats "$IN" contrats/lignes-2024-01-15.csv
expect_vals lignes numero_contrat L01 ligne=3 naf= idcc=
expect_vals lignes numero_contrat L02 ligne=5 statut=
expect_vals lignes numero_contrat L05 ligne=11 handicap=
expect_vals lignes numero_contrat L06 ligne=12 uai_cfa=0141234R date_extraction=2024-01-15

case_ok nul contrats "$IN" contrats/nul_20240115.csv

# header order differs from the schema's: reasons still in schema order; limits
case_ok ordre contrats "$IN" contrats/ordre_20240115.csv
expect_vals ordre numero_contrat O02 siret_employeur=73282932000074 code_postal_employeur=14000 \
    date_debut_contrat=2000-01-01 date_fin_contrat=2099-12-31 date_rupture=2099-12-31 statut= idcc= \
    effectif_employeur= niveau= sexe=F uai_cfa=0141234R age_debut=19 region=28
expect_vals ordre numero_contrat O06 date_rupture=
expect_vals ordre numero_contrat O11 date_debut_contrat=2022-09-01 date_fin_contrat=2024-08-31 \
    departement=2A region=94
expect_vals ordre numero_contrat O12 departement=2B region=94
expect_vals ordre numero_contrat O13 date_rupture=2022-08-01
expect_vals ordre numero_contrat O14 ligne=16 type_contrat=21

case_ok cp1252 contrats "$IN" contrats/cp1252_20240115.csv contrats/personnes_20240115.csv
# apprenti_id worked out independently: HMAC-SHA256(key, N(nom)|N(prenom)|YYYY-MM-DD), first 16 bytes
hm=$(python3 -c '
import hmac, hashlib, sys
k = open(sys.argv[1], "rb").read()
k = k[:-2] if k.endswith(b"\r\n") else k[:-1] if k.endswith(b"\n") else k
print(hmac.new(k, b"LUNEVO|HELENEMARIE|2004-05-05", hashlib.sha256).hexdigest()[:32])' "$KEY")
w01=$(val cp1252 numero_contrat W01 apprenti_id)
p01=$(val cp1252 numero_contrat P01 apprenti_id)
p02=$(val cp1252 numero_contrat P02 apprenti_id)
p03=$(val cp1252 numero_contrat P03 apprenti_id)
p04=$(val cp1252 numero_contrat P04 apprenti_id)
if [ -n "$p01" ] && [ "$p01" = "$p02" ]; then ok "cp1252: Hélène-Marie and HELENE MARIE share apprenti_id"; else
    not_ok "cp1252: apprenti_id P01='$p01' P02='$p02' differ"; fi
if [ -n "$w01" ] && [ "$w01" = "$p01" ]; then ok "cp1252: the Windows-1252 Hélène-Marie has the same apprenti_id"; else
    not_ok "cp1252: apprenti_id W01='$w01' P01='$p01' differ"; fi
if [ "$p01" = "$hm" ]; then ok "cp1252: apprenti_id is HMAC-SHA256(key, LUNEVO|HELENEMARIE|2004-05-05)"; else
    not_ok "cp1252: apprenti_id '$p01', expected '$hm'"; fi
if [ -n "$p03" ] && [ "$p03" != "$p01" ] && [ -n "$p04" ] && [ "$p04" != "$p01" ]; then
    ok "cp1252: another first name or birth date gives another apprenti_id"; else
    not_ok "cp1252: P03='$p03' P04='$p04' should differ from '$p01'"; fi
expect_vals cp1252 numero_contrat W01 sexe=F date_debut_contrat=2022-09-01
if grep -qiE 'lun[eé]vo|h[eé]l[eè]ne|bafolu|kemira|2004-05-05' "$TMP/cp1252/out.tsv" "$TMP/cp1252/rejects.tsv"; then
    not_ok "cp1252: a name or birth date was written"; else ok "cp1252: no name or birth date written"; fi

case_ok extraction contrats "$IN" contrats/extr_2024-03-31.csv contrats/extr_sans_date.csv \
    contrats/lot7_20241301_20240115.csv
expect_val extraction numero_contrat X01 date_extraction 2024-02-29
expect_val extraction numero_contrat X02 date_extraction 2024-03-31
expect_val extraction numero_contrat X03 date_extraction 2024-03-31
expect_val extraction numero_contrat X04 date_extraction 2024-03-31
expect_val extraction numero_contrat X05 date_extraction 2024-01-15
expect_val extraction numero_contrat X09 date_extraction 2024-01-15

# ---------------------------------------------------------------- events, attendance
case_ok evenements evenements "$IN" evenements/ev_a.csv evenements/ev_b.csv
expect_vals evenements id_evenement E1 region=02 opco=OPCO_EP type_evenement=reunion_entreprises \
    date_evenement=2023-01-12 visiteurs= intitule="Petit-déjeuner apprentissage"
expect_vals evenements id_evenement E2 region=52 visiteurs=120 type_evenement=salon
expect_vals evenements id_evenement E3 region=94 opco=OPCO2I type_evenement=reunion_organismes \
    intitule=NULL visiteurs=
expect_vals evenements id_evenement E4 region=28 opco=ATLAS type_evenement=salon visiteurs=
expect_vals evenements id_evenement E9 region=ND
expect_vals evenements id_evenement E10 ligne=13 region=28 date_evenement=2023-07-01
expect_vals evenements id_evenement E13 region=11 opco=UNIFORMATION
expect_vals evenements id_evenement E20 region=52 opco=OPCO_MOBILITES date_evenement=2023-08-01 visiteurs=300
expect_vals evenements id_evenement E22 region=11

case_ok participations participations "$IN" --events "$TMP/evenements/out.rec" participations/pa_a.csv
expect_vals participations ligne 2 type_participant=entreprise presence=present
expect_vals participations ligne 3 type_participant=organisme_formation denomination=N/A presence=present
expect_vals participations ligne 5 siret=73282932000074 siren=732829320
expect_vals participations ligne 12 type_participant=organisme_formation presence=absent
expect_vals participations ligne 13 presence=inscrit
expect_vals participations ligne 15 'denomination=Société "Kilomu", SARL'

case_ok evenements_c evenements "$IN" evenements/ev_c.csv
expect_vals evenements_c id_evenement E30 region=28 date_evenement=1999-05-10 intitule=- visiteurs=0
expect_vals evenements_c id_evenement E33 region=11 opco=OPCO_EP type_evenement=reunion_organismes visiteurs=
expect_vals evenements_c id_evenement E34 region=52 opco=OPCO_EP type_evenement=salon visiteurs=12

case_ok participations_2 participations "$IN" --events "$TMP/evenements/out.rec" participations/pa_a.csv \
    participations/pa_b.csv
# pa_b has no presence column: every value is missing, and a missing presence means present
expect_vals participations_2 siret 35600000000001 id_evenement=E13 type_participant=entreprise siren=356000000 \
    presence=present

# ---------------------------------------------------------------- key (exit 78)
mkdir -p "$TMP/key"
printf 'short-key-15byt\n' >"$TMP/key/short.key"
for k in none short; do
    if [ $k = none ]; then set --; else set -- --key-file "$TMP/key/short.key"; fi
    "$BIN" --kind contrats --schemas schemas --input "$IN" --out "$TMP/key/o" --rejects "$TMP/key/r" \
        --quality "$TMP/key/q" "$@" contrats/alias2.csv >/dev/null 2>"$TMP/key/stderr"
    rc=$?
    if [ $rc -eq 78 ]; then ok "key $k: exit 78"; else not_ok "key $k: exit $rc, expected 78"; fi
done

# ---------------------------------------------------------------- field length (generated)
GEN=$TMP/gen
mkdir -p "$GEN/evenements" "$GEN/contrats"
long_row() { # long_row FILE N : an event whose intitule is N bytes
    { printf 'id_evenement;type_evenement;date_evenement;opco;code_region;intitule\nE1;salon;2023-05-10;AKTO;28;'
      head -c "$2" /dev/zero | tr '\0' a
      printf '\n'; } >"$1"
}
long_row "$GEN/evenements/long_ok.csv" 65536
long_row "$GEN/evenements/long_ko.csv" 65537
case_ok long_ok evenements "$GEN" evenements/long_ok.csv
case_err long_ko evenements "$GEN" 65 evenements/long_ko.csv "evenements/long_ko.csv:2:29"

# ---------------------------------------------------------------- file-level errors
case_err gzip_corrompu contrats "$IN" 65 contrats/corrompu_20240115.csv.gz "contrats/corrompu_20240115.csv.gz"
# A good file then a bad one: the run fails and leaves none of its outputs (records of the
# first file alone would read as whole, having no end marker).
ingest_run partiel contrats "$IN" contrats/codes_20240115.csv contrats/corrompu_20240115.csv.gz
if [ "$rc" -eq 65 ]; then ok "partiel: exit 65"; else not_ok "partiel: exit $rc, expected 65"; fi
left=$(cd "$TMP/partiel" && ls out.rec rejects.tsv quality.tsv 2>/dev/null)
if [ -z "$left" ]; then ok "partiel: no records, rejects or counts left"; else
    not_ok "partiel: left $left"; fi
# A write that fails while the records of a 3 MB file are written (a file size limit of 1 MB,
# SIGXFSZ ignored, stands for a full disk), on one thread and on two: exit 74 naming the records
# and the reason, not an internal error (70) nor a retry of the file ("cannot rewind"), and the
# records cut short are removed.
build/bin/generate --bench 20000 "$TMP/big" >/dev/null
for t in 1 2; do
    d="$TMP/full$t"
    mkdir -p "$d"
    (
        trap '' XFSZ
        ulimit -f 2048
        exec "$BIN" --threads $t --kind contrats --schemas schemas --key-file "$KEY" \
            --input "$TMP/big" --out "$d/out.rec" --rejects "$d/r.tsv" --quality "$d/q.tsv" \
            contrats/contrats_20250115.csv
    ) 2>"$d/stderr"
    rc=$?
    if [ "$rc" -eq 74 ] && grep -q "^ERROR ingest: $d/out.rec: cannot write: File too large" "$d/stderr" &&
        ! grep -q "rewind" "$d/stderr"; then
        ok "write failure, $t thread(s): exit 74 naming the records"
    else
        not_ok "write failure, $t thread(s): exit $rc"
        sed 's/^/    /' "$d/stderr" | head -5
    fi
    if [ ! -e "$d/out.rec" ]; then ok "write failure, $t thread(s): no records left"; else
        not_ok "write failure, $t thread(s): $(wc -c <"$d/out.rec") bytes of records left"; fi
done
case_err guillemet contrats "$IN" 65 contrats/guillemet_20240115.csv "contrats/guillemet_20240115.csv:4:8"
# The same unterminated quote in a file that a byte after it makes Windows-1252 (0xE9 inside the
# quoted field that runs to the end): ingest reads a contract file as UTF-8 at once and redoes it
# when that fails, so the message must be the detection rule's: "É07" is the two bytes C3 89, two
# Windows-1252 characters, so the quote starts at character 9 of line 4 (8 were it UTF-8).
{ head -n 4 "$IN/contrats/guillemet_20240115.csv"; printf 'F09;21;d\351but\n'; } \
    >"$GEN/contrats/guillemet1252_20240115.csv"
case_err guillemet_1252 contrats "$GEN" 65 contrats/guillemet1252_20240115.csv \
    "contrats/guillemet1252_20240115.csv:4:9"
case_err colonne_manquante contrats "$IN" 65 contrats/manque_20240115.csv "contrats/manque_20240115.csv" uai_cfa
# the place of a header error: line 1, the character column where the cell starts (README: message
# columns count characters). double_20240115.csv: the 11 cells before "CP employeur" hold 128
# characters and 11 semicolons, so cell 12 starts at character 140 (od -c: offset 0213 = 139).
# entete_20240115.csv: the cell with the undefined byte starts at character 142.
case_err colonne_double contrats "$IN" 65 contrats/double_20240115.csv "contrats/double_20240115.csv:1:140:" \
    "CP employeur" codepostalemployeur
case_err entete_cp1252 contrats "$IN" 65 contrats/entete_20240115.csv "contrats/entete_20240115.csv:1:142:"
case_err sans_date contrats "$IN" 65 contrats/sans_date.csv "contrats/sans_date.csv"
case_err date_collee contrats "$IN" 65 contrats/lot120240115.csv "contrats/lot120240115.csv"
case_err sans_region evenements "$IN" 65 evenements/sans_region.csv "evenements/sans_region.csv"
if [ "$(id -u)" -eq 0 ]; then
    echo "skip - illisible: running as root, which reads a chmod 000 file"
else
    cp "$IN/contrats/illisible_20240115.csv" "$GEN/contrats/"
    chmod 000 "$GEN/contrats/illisible_20240115.csv"
    case_err illisible contrats "$GEN" 74 contrats/illisible_20240115.csv "contrats/illisible_20240115.csv"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
