# --verify rebuilds into a private folder and compares with the manifest.
. tests/e2e/lib.sh
expect_exit 0 "publish the samples" $RUN -i samples/drop -o "$TMP/pub" -c samples/config.yaml -q
mkdir "$TMP/tmpdir"
expect_exit 0 "--verify on an untouched publication" env TMPDIR="$TMP/tmpdir" $RUN -i samples/drop -o "$TMP/x" -c samples/config.yaml --verify "$TMP/pub/manifest.yaml" -q
check "--verify publishes nothing" test ! -e "$TMP/x"
# its own TMPDIR, so that another run's private folder cannot be seen here
check "--verify leaves no private folder" test -z "$(ls -A "$TMP/tmpdir")"
# one changed byte in one published output
cp -r "$TMP/pub" "$TMP/pub2"
zcat "$TMP/pub2/croissance.csv.gz" | sed 's/,3071,2173,/,3072,2173,/' | gzip -n > "$TMP/c.gz" && mv "$TMP/c.gz" "$TMP/pub2/croissance.csv.gz"
expect_exit 65 "--verify finds a changed byte in croissance.csv.gz" $RUN -i samples/drop -o "$TMP/x" -c samples/config.yaml --verify "$TMP/pub2/manifest.yaml"
check "the message names the file" grep -q "published croissance.csv.gz content differs" "$TMP/stderr"
# one changed input
cp -r samples/drop "$TMP/drop2"
f=$(ls "$TMP/drop2/evenements/" | head -1)
printf '\n' >> "$TMP/drop2/evenements/$f"
expect_exit 65 "--verify finds a changed input" $RUN -i "$TMP/drop2" -o "$TMP/x" -c samples/config.yaml --verify "$TMP/pub/manifest.yaml"
check "the message names the input" grep -q "inputs\[evenements/$f\]" "$TMP/stderr"
# an option overrides the manifest and is reported; a different observation date changes outputs
expect_exit 65 "--verify with another --observation-date differs" $RUN -i samples/drop -o "$TMP/x" -c samples/config.yaml --verify "$TMP/pub/manifest.yaml" --observation-date 2023-12-31
check "the override is reported" grep -q "overrides the manifest" "$TMP/stderr"
# a damaged manifest: a parameter no run could record stops the rerun before it starts
sed 's/^  secrecy_threshold: .*/  secrecy_threshold: abc/' "$TMP/pub/manifest.yaml" > "$TMP/damaged.yaml"
expect_exit 78 "--verify with a manifest whose secrecy_threshold is not a number" $RUN -i samples/drop -o "$TMP/x" -c samples/config.yaml --verify "$TMP/damaged.yaml"
check "the message names the manifest, its line and column" grep -q "damaged.yaml:[0-9]*:[0-9]*: secrecy_threshold must be a whole number" "$TMP/stderr"
check "no stage ran" sh -c "! grep -q 'stage ' '$TMP/stderr'"
finish
