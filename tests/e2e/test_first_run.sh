# A newcomer's first `make run` prints no warning (issue 12): git keeps no file
# mode, so a fresh clone has samples/sample.key readable by all; the Makefile
# sets it to 600 before the run. A real key readable by others still gets the
# warning.
. tests/e2e/lib.sh
# a copy of the tracked files as a clone has them: sources older than the build
# (cp -p), the key's mode from git (644), the build shared through a link
mkdir -p "$TMP/clone"
git ls-files -z | xargs -0 cp -p --parents -t "$TMP/clone"
chmod 644 "$TMP/clone/samples/sample.key"
ln -s "$PWD/build" "$TMP/clone/build"
make -C "$TMP/clone" --no-print-directory run SAMPLES_OUT="$TMP/out" >"$TMP/run.out" 2>&1
rc=$?
check "make run on a fresh copy exits 0 ($rc)" test "$rc" -eq 0
check "make run on a fresh copy prints no warning" sh -c "! grep -E '^(WARN|ERROR)' '$TMP/run.out'"
grep -E '^(WARN|ERROR)' "$TMP/run.out" | sed 's/^/    /' | head -5
check "the sample key is now 600" test "$(stat -c %a "$TMP/clone/samples/sample.key")" = 600
check "the workbook was written" test -s "$TMP/out/bilan.xlsx"
cp samples/sample.key "$TMP/key"
chmod 644 "$TMP/key"
$RUN -i samples/drop -o "$TMP/o2" -c samples/config.yaml --key-file "$TMP/key" >/dev/null 2>"$TMP/stderr"
check "a key readable by others still gets the warning" \
    grep -q "^WARN pipeline: .*key: the key file is readable by others" "$TMP/stderr"
finish
