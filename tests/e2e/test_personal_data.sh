# Names and birth dates never leave the first stage (spec/inputs.md): the
# pipeline runs on the samples keeping every intermediate; no sample name or
# birth date may appear in any intermediate, output or log.
. tests/e2e/lib.sh
expect_exit 0 "run keeping intermediates" $RUN -i samples/drop -o "$TMP/o" -c samples/config.yaml --keep-work "$TMP/work" -v
cp "$TMP/stderr" "$TMP/log"
python3 tests/e2e/personal_values.py samples/drop > "$TMP/values"
check "found the samples' names and birth dates" test "$(wc -l < "$TMP/values")" -gt 100
# everything the run wrote, decompressed; record files as bytes and as
# dump prints them (dates are day numbers in the bytes)
for f in "$TMP/work"/* "$TMP/o"/*; do
    case "$f" in *.gz) zcat "$f" ;; *.rec) cat "$f"; build/bin/dump "$f" ;; *.xlsx) unzip -p "$f" 2>/dev/null || python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); [sys.stdout.buffer.write(z.read(n)) for n in z.namelist()]" "$f" ;; *) cat "$f" ;; esac
done > "$TMP/all"
cat "$TMP/log" >> "$TMP/all"
check "intermediates were kept" test -s "$TMP/work/contrats.rec"
leaks=$(grep -F -f "$TMP/values" "$TMP/all" | head -3)
check "no name or birth date in any intermediate, output or log" test -z "$leaks"
[ -n "$leaks" ] && echo "$leaks" | cut -c1-200
finish
