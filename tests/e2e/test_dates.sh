# The observation date has one form everywhere (spec/outputs.md): YYYY-MM-DD from 2000-01-01 on,
# the same for the driver's option, the configuration key and each stage's --observation-date;
# and --years one rule (YYYY or YYYY-YYYY, 2000-2099) for the driver and indicators.
# Before, the driver took 31/12/2024 and 1999-12-31, indicators every input spelling, and the
# report stage refused both: the run failed at its last stage as an "internal error".
. tests/e2e/lib.sh
cfg="$TMP/c.yaml"
printf 'pseudonymisation_key_file: %s\n' "$PWD/samples/sample.key" > "$cfg"
for od in 31/12/2024 31-12-2024 1/2/2024 20241231 "2024-12-31 00:00" 1999-12-31 2024-02-30; do
    expect_exit 64 "driver: --observation-date '$od' refused" \
        $RUN -i samples/drop -o "$TMP/o" -c "$cfg" --observation-date "$od"
    check "driver: '$od': the driver says which form it wants" \
        grep -q "ERROR pipeline: --observation-date wants YYYY-MM-DD, from 2000-01-01 on" "$TMP/stderr"
    check "driver: '$od': no stage ran" sh -c "! grep -q 'ERROR \(ingest\|indicators\|report\)' '$TMP/stderr'"
    check "driver: '$od': nothing published" test ! -e "$TMP/o"
done
printf 'pseudonymisation_key_file: %s\nobservation_date: 1999-12-31\n' "$PWD/samples/sample.key" \
    > "$TMP/old.yaml"
expect_exit 78 "configuration: observation_date before 2000 refused" \
    $RUN -i samples/drop -o "$TMP/o" -c "$TMP/old.yaml"
check "configuration: the message names file:line:column" \
    grep -q "old.yaml:2:19: observation_date must be a date YYYY-MM-DD, from 2000-01-01 on" \
    "$TMP/stderr"
check "configuration: nothing published" test ! -e "$TMP/o"

# Each stage alone: the same form; the inputs named do not exist, so a date that passes fails
# later, on the inputs, with another message.
ind() { build/bin/indicators --contracts "$TMP/none.rec" --kept "$TMP/none.kept" --schemas schemas \
    --outdir "$TMP" --observation-date "$1"; }
rep() { build/bin/report --outdir "$TMP/none" --schemas schemas --title T --observation-date "$1" \
    --provenance "$TMP/none.yaml"; }
for od in 31/12/2024 20241231 "2024-12-31 00:00" 2024-12-31T00:00 1999-12-31; do
    expect_exit 64 "indicators: --observation-date '$od' refused" ind "$od"
    check "indicators: '$od': the message names the option" grep -q "observation-date" "$TMP/stderr"
    expect_exit 64 "report: --observation-date '$od' refused" rep "$od"
    check "report: '$od': the message names the option" grep -q "observation-date" "$TMP/stderr"
done
ind 2024-12-31 >/dev/null 2>"$TMP/stderr"
check "indicators: 2024-12-31 passes the date check" sh -c "! grep -q 'observation-date' '$TMP/stderr'"
for y in 1999 21 2022-2021 2021-22; do
    expect_exit 64 "indicators: --years '$y' refused, as the driver refuses it" \
        build/bin/indicators --contracts "$TMP/none.rec" --kept "$TMP/none.kept" --schemas schemas \
        --outdir "$TMP" --observation-date 2024-12-31 --years "$y"
    check "indicators: '$y': the message names the option" grep -q -- "--years" "$TMP/stderr"
done
rep 2000-01-01 >/dev/null 2>"$TMP/stderr"
check "report: 2000-01-01 passes the date check" sh -c "! grep -q 'observation-date' '$TMP/stderr'"
finish
