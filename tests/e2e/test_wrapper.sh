# pipeline/run, the shell wrapper in front of the driver: it finds the driver
# whether called by a relative path, an absolute path, from its own folder,
# through PATH or through a linked checkout, and says what to do when the
# driver is not built (exit 70).
. tests/e2e/lib.sh
usage_from() { # usage_from DESCRIPTION DIR COMMAND...: --help run from DIR prints the usage
    what=$1; dir=$2; shift 2
    (cd "$dir" && "$@" --help) >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "$what: exit 0 ($rc)" test "$rc" -eq 0
    check "$what: the driver's usage" grep -q '^usage: pipeline/run -i INPUT_DIR' "$TMP/out"
}
usage_from "relative path" . pipeline/run
usage_from "relative path with ./" . ./pipeline/run
usage_from "absolute path" / "$PWD/pipeline/run"
usage_from "from its folder" pipeline ./run
usage_from "from its folder, through sh" pipeline sh run
usage_from "through PATH" / env PATH="$PWD/pipeline:$PATH" run
ln -s "$PWD" "$TMP/checkout"
usage_from "through a linked checkout" / "$TMP/checkout/pipeline/run"
# the options reach the driver as given, spaces kept
pipeline/run -i "$TMP/no such folder" -o "$TMP/out dir" --key-file samples/sample.key \
    >/dev/null 2>"$TMP/err"
rc=$?
check "an option with spaces reaches the driver (exit 66: $rc)" test "$rc" -eq 66
check "the driver names the folder as given" grep -q "no such folder: no such input folder" "$TMP/err"
# a copy of the wrapper without a built driver beside it
mkdir -p "$TMP/bare/pipeline"
cp pipeline/run "$TMP/bare/pipeline/run"
for how in "pipeline/run" "sh pipeline/run" "$TMP/bare/pipeline/run"; do
    (cd "$TMP/bare" && $how --help) >/dev/null 2>"$TMP/err"
    rc=$?
    check "not built, called as $how: exit 70 ($rc)" test "$rc" -eq 70
    check "not built, called as $how: the message names the absolute path and make" \
        grep -qx "ERROR pipeline: $TMP/bare/pipeline/../build/bin/pipeline-run is not built; run 'make' (or 'make run') first" "$TMP/err"
done
finish
