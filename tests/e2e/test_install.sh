# make install PREFIX=...: the installed pipeline runs from any directory and
# gives the same reports as the tree's.
. tests/e2e/lib.sh
expect_exit 0 "make install into a temporary prefix" make -s install PREFIX="$TMP/prefix"
check "apprentissage-run installed" test -x "$TMP/prefix/bin/apprentissage-run"
check "schemas installed" test -f "$TMP/prefix/share/apprentissage/schemas/input/contrats.yaml"
check "default configuration installed" test -f "$TMP/prefix/share/apprentissage/config.yaml"
top=$PWD
cp -r samples "$TMP/samples"
expect_exit 0 "installed pipeline runs from another directory" \
    sh -c "cd / && '$TMP/prefix/bin/apprentissage-run' -i '$TMP/samples/drop' -o '$TMP/out' -c '$TMP/samples/config.yaml' -q"
expect_exit 0 "the tree's pipeline on the same drop" $RUN -i "$TMP/samples/drop" -o "$TMP/ref" -c "$TMP/samples/config.yaml" -q
for f in $(cd "$TMP/ref" && ls); do
    check "$f identical from the install" cmp -s "$TMP/ref/$f" "$TMP/out/$f"
done
expect_exit 78 "the installed default configuration names no key" sh -c "cd / && '$TMP/prefix/bin/apprentissage-run' -i '$TMP/samples/drop' -o '$TMP/o2'"
cd "$top" || exit 1
finish
