# Every stage's --help lists the exit codes it can return (from its
# exit_codes array and stages/lib/apperr.c's table); for each listed code a
# case below makes the stage return it. The test fails when a listed code has
# no case, when a case gives another code, or when a case exists for a code
# the stage does not list (a stage that returns an undeclared code aborts:
# apperr_exit). The cases reuse the samples' drop and the intermediate files
# of one run of the pipeline on it (--keep-work).
. tests/e2e/lib.sh
B=build/bin
W=$TMP/work
pipeline/run -i samples/drop -o "$TMP/out" -c samples/config.yaml --keep-work "$W" -q
check "a run on the samples keeps its intermediate files" test -s "$W/conserves.rec"
OBS=2024-11-30
printf 'not a record file\n' > "$TMP/junk.rec"
printf 'fichier\tlignes\nx\ty\n' > "$TMP/junk.tsv"
mkdir -p "$TMP/noschemas" "$TMP/in/contrats" "$TMP/badschemas/output"
printf 'numero_contrat;type_contrat\nA;"11\n' > "$TMP/in/contrats/bad.csv"
mkdir "$TMP/in/contrats/afolder.csv"
# schemas whose output tables have a key no reader knows (file:line:column, 78)
cp -R schemas/. "$TMP/badschemas/"
printf 'lable: x\n' >> "$TMP/badschemas/output/croissance.yaml"
printf 'lable: x\n' >> "$TMP/badschemas/output/qualite.yaml"

# ---- ingest
ING="--kind contrats --schemas schemas --input samples/drop --key-file samples/sample.key"
ingest_outs() { echo "--out $1/c.rec --rejects $1/r.tsv --quality $1/q.tsv"; }
mkdir -p "$TMP/i"
c_ingest_0() { $B/ingest $ING $(ingest_outs "$TMP/i") contrats/contrats_bretagne_2024-10-15.csv; }
c_ingest_64() { $B/ingest --bogus; }
c_ingest_65() { $B/ingest --kind contrats --schemas schemas --input "$TMP/in" \
    --key-file samples/sample.key $(ingest_outs "$TMP/i") contrats/bad.csv; }
c_ingest_70() { $B/ingest --kind participations --schemas schemas --input samples/drop \
    --events "$TMP/junk.rec" $(ingest_outs "$TMP/i") participations/participations_2021.csv.gz; }
c_ingest_73() { $B/ingest $ING $(ingest_outs "$TMP/nofolder") contrats/contrats_bretagne_2024-10-15.csv; }
c_ingest_74() { $B/ingest --kind contrats --schemas schemas --input "$TMP/in" \
    --key-file samples/sample.key $(ingest_outs "$TMP/i") contrats/afolder.csv; }
c_ingest_78() { $B/ingest $ING --schemas "$TMP/noschemas" $(ingest_outs "$TMP/i") \
    contrats/contrats_bretagne_2024-10-15.csv; }

# ---- merge
mkdir -p "$TMP/m"
c_merge_0() { $B/merge --in "$W/contrats.rec" --out "$TMP/m/k.rec" --facts "$TMP/m/f.tsv"; }
c_merge_64() { $B/merge --bogus; }
c_merge_70() { $B/merge --in "$TMP/junk.rec" --out "$TMP/m/k.rec" --facts "$TMP/m/f.tsv"; }
c_merge_74() { $B/merge --in "$W/contrats.rec" --out "$TMP/nofolder/k.rec" --facts "$TMP/m/f.tsv"; }

# ---- indicators
mkdir -p "$TMP/ind"
ind() { # ind CONTRACTS SCHEMAS OUTDIR
    $B/indicators --contracts "$1" --kept "$W/conserves.rec" --schemas "$2" --outdir "$3" \
        --observation-date $OBS --events "$W/evenements.rec" \
        --participations "$W/participations.rec"
}
c_indicators_0() { ind "$W/contrats.rec" schemas "$TMP/ind"; }
c_indicators_64() { $B/indicators --bogus; }
c_indicators_70() { ind "$TMP/junk.rec" schemas "$TMP/ind"; }
c_indicators_74() { ind "$W/contrats.rec" schemas "$TMP/nofolder"; }
c_indicators_78() { ind "$W/contrats.rec" "$TMP/badschemas" "$TMP/ind"; }

# ---- quality
mkdir -p "$TMP/q"
qual() { # qual SCHEMAS OUTDIR MERGE_FACTS [OPTION...]
    qs=$1 qo=$2 qm=$3; shift 3
    $B/quality --schemas "$qs" --outdir "$qo" --merge "$qm" --contrats "$W/qualite-contrats.tsv" \
        --evenements "$W/qualite-evenements.tsv" \
        --participations "$W/qualite-participations.tsv" --rejects "$W/rejets-contrats.tsv" \
        --rejects "$W/rejets-evenements.tsv" --rejects "$W/rejets-participations.tsv" "$@"
}
c_quality_0() { qual schemas "$TMP/q" "$W/fusion.tsv"; }
c_quality_64() { $B/quality --bogus; }
c_quality_65() { qual schemas "$TMP/q" "$W/fusion.tsv" --max-reject-rate 0; }
c_quality_70() { qual schemas "$TMP/q" "$TMP/junk.tsv"; }
c_quality_74() { qual schemas "$TMP/nofolder" "$W/fusion.tsv"; }
c_quality_78() { qual "$TMP/badschemas" "$TMP/q" "$W/fusion.tsv"; }

# ---- report
mkdir -p "$TMP/r" "$TMP/rbad" "$TMP/rro"
cp "$TMP"/out/*.csv.gz "$TMP/r/"
cp "$TMP"/out/*.csv.gz "$TMP/rbad/"
printf 'not a report\n' | gzip > "$TMP/rbad/croissance.csv.gz"
printf 'caf\351\n' > "$TMP/latin1.yaml"
rep() { # rep OUTDIR SCHEMAS [OPTION...]
    ro=$1 rs=$2; shift 2
    $B/report --outdir "$ro" --schemas "$rs" --title T --observation-date $OBS "$@"
}
c_report_0() { rep "$TMP/r" schemas; }
c_report_64() { $B/report --bogus; }
c_report_65() { rep "$TMP/r" schemas --provenance "$TMP/latin1.yaml"; }
c_report_66() { rep "$TMP/nofolder" schemas; }
c_report_70() { rep "$TMP/rbad" schemas; }
c_report_74() { rep "$TMP/r" schemas --facts /dev/full; }
c_report_78() { rep "$TMP/r" "$TMP/badschemas"; }

# ---- dump
c_dump_0() { $B/dump "$W/evenements.rec"; }
c_dump_64() { $B/dump --bogus; }
c_dump_65() { $B/dump "$TMP/junk.rec"; }
c_dump_74() { $B/dump "$TMP/none.rec"; }
# out of memory: the smallest address-space limit under which dump starts
# and speaks must be met with 70 and "out of memory" (below it the loader
# fails, 127, before any code of dump runs)
c_dump_70() {
    for kb in 1500 2000 2500 3000 3500 4000 5000 6000 8000 12000 16000; do
        (ulimit -v $kb && exec $B/dump "$W/evenements.rec") >/dev/null 2>"$TMP/oom.err"
        got=$?
        grep -q "^ERROR dump" "$TMP/oom.err" && break
    done
    cat "$TMP/oom.err" >&2
    grep -q "out of memory" "$TMP/oom.err" || return 1
    return $got
}

for s in ingest merge indicators quality report dump; do
    codes=$($B/$s --help | sed -n '/^Exit codes:$/,$p' | sed -n 's/^  \([0-9][0-9]*\) .*/\1/p')
    check "$s --help lists exit codes" test -n "$codes"
    for c in $codes; do
        if type "c_${s}_$c" >/dev/null 2>&1; then
            expect_exit "$c" "$s returns $c, which its --help lists" "c_${s}_$c"
        else
            not_ok "$s --help lists $c but no case here makes it return $c"
        fi
    done
    # a case for a code the stage does not list: the list or the case is wrong
    for f in $(sed -n "s/^c_${s}_\([0-9]*\)().*/\1/p" tests/e2e/test_stage_exit_codes.sh); do
        case " $(echo $codes) " in
        *" $f "*) ;;
        *) not_ok "$s has a case for $f, which its --help does not list" ;;
        esac
    done
done
finish
