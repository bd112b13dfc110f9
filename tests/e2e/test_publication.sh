# Publication, locking and failure handling (spec/outputs.md "Publishing,
# locking, determinism"; exit codes 73, 74, 75, 128+n).
. tests/e2e/lib.sh
W="$PWD/tests/e2e/stage-wrapper"
CFG="-c samples/config.yaml -q"
expect_exit 0 "first publication" $RUN -i samples/drop -o "$TMP/out" $CFG
cp -r "$TMP/out" "$TMP/ref"

# a second run while the lock is held exits 75 at once
flock "$TMP/.out.lock" sleep 5 &
sleep 0.3
expect_exit 75 "second run while the lock is held" $RUN -i samples/drop -o "$TMP/out" $CFG
wait
# two real runs at once: the slow one holds the lock
env APP_STAGE_WRAPPER="$W" WRAP_SLOW=1 $RUN -i samples/drop -o "$TMP/out" $CFG &
pid=$!
sleep 0.5
expect_exit 75 "two concurrent runs: the second exits 75" $RUN -i samples/drop -o "$TMP/out" $CFG
wait $pid
check "the first of the two concurrent runs succeeded" test $? -eq 0

# a stage killed by SIGKILL: exit 70, previous outputs intact and identical
expect_exit 70 "a stage killed with SIGKILL" env APP_STAGE_WRAPPER="$W" WRAP_KILL=merge $RUN -i samples/drop -o "$TMP/out" $CFG
check "previous outputs byte-identical after the killed stage" diff -r "$TMP/ref" "$TMP/out"
check "no staging debris after a failed run" sh -c "! ls -a '$TMP' | grep -q staging"

# an input gone after ingest read it, before the driver hashed it for the manifest (the hashing
# waits for a free core: after quality has started): 74 naming it, nothing published
cp -r samples/drop "$TMP/drop-gone"
expect_exit 74 "an input gone before the manifest" env APP_STAGE_WRAPPER="$W" \
    WRAP_REMOVE="quality $TMP/drop-gone/evenements/evenements_2020_2022.csv" \
    $RUN -i "$TMP/drop-gone" -o "$TMP/out" $CFG
check "the message names the input and why" \
    grep -q "^ERROR pipeline: evenements/evenements_2020_2022.csv: cannot read: No such file or directory" "$TMP/stderr"
check "previous outputs intact after the input went" diff -r "$TMP/ref" "$TMP/out"
check "no staging debris after the input went" sh -c "! ls -a '$TMP' | grep -q staging"
# likewise the configuration, hashed for the manifest beside the stages: 78 naming it
cp samples/config.yaml "$TMP/gone.yaml"
cp samples/sample.key "$TMP/sample.key" # the configuration names it beside itself
chmod 600 "$TMP/sample.key"
expect_exit 78 "the configuration gone before the manifest" env APP_STAGE_WRAPPER="$W" \
    WRAP_REMOVE="quality $TMP/gone.yaml" $RUN -i samples/drop -o "$TMP/out" -c "$TMP/gone.yaml" -q
check "the message names the configuration" \
    grep -q "^ERROR pipeline: $TMP/gone.yaml: cannot read the configuration" "$TMP/stderr"
check "previous outputs intact after the configuration went" diff -r "$TMP/ref" "$TMP/out"

# the driver itself killed with SIGKILL: debris beside the folder, cleaned by the next run
env APP_STAGE_WRAPPER="$W" WRAP_SLOW=2 build/bin/pipeline-run -i samples/drop -o "$TMP/out" $CFG &
pid=$!
sleep 1
kill -9 $pid
wait $pid 2>/dev/null
check "a SIGKILLed run leaves the previous outputs intact" diff -r "$TMP/ref" "$TMP/out"
check "a SIGKILLed run leaves a staging folder behind" sh -c "ls -a '$TMP' | grep -q staging"
sleep 2.5 # its orphaned stage finishes
expect_exit 0 "the next run succeeds" $RUN -i samples/drop -o "$TMP/out" $CFG
check "the next run removed the debris" sh -c "! ls -a '$TMP' | grep -q staging"
check "rerun gives byte-identical outputs" diff -r "$TMP/ref" "$TMP/out"

# SIGTERM and SIGINT: 128+n, children stopped, nothing left
for sig in TERM INT; do
    case $sig in TERM) n=15 ;; INT) n=2 ;; esac
    env APP_STAGE_WRAPPER="$W" WRAP_SLOW=2 build/bin/pipeline-run -i samples/drop -o "$TMP/out" $CFG &
    pid=$!
    sleep 0.5
    kill -$sig $pid
    wait $pid
    rc=$?
    check "SIG$sig: exit $((128 + n))" test $rc -eq $((128 + n))
    check "SIG$sig: no staging left" sh -c "! ls -a '$TMP' | grep -q staging"
    check "SIG$sig: outputs intact" diff -r "$TMP/ref" "$TMP/out"
done

# a rerun into a different output path gives byte-identical files
expect_exit 0 "run into another path" $RUN -i samples/drop -o "$TMP/elsewhere/out2" $CFG
check "byte-identical in another path" diff -r "$TMP/ref" "$TMP/elsewhere/out2"

# full disk (a tiny tmpfs) and read-only output folder: 74 / 73, nothing published
mkdir -p "$TMP/tiny"
if mount -t tmpfs -o size=64k tmpfs "$TMP/tiny" 2>/dev/null; then
    expect_exit 74 "disk full while writing" $RUN -i samples/drop -o "$TMP/tiny/out" $CFG
    check "nothing published on a full disk" test ! -e "$TMP/tiny/out"
    check "no debris on a full disk" sh -c "! ls -a '$TMP/tiny' | grep -q staging"
    umount "$TMP/tiny"
    mount -t tmpfs -o size=1m,ro tmpfs "$TMP/tiny"
    expect_exit 73 "read-only output folder" $RUN -i samples/drop -o "$TMP/tiny/out" $CFG
    umount "$TMP/tiny"
else
    echo "skip - tmpfs cannot be mounted here (not root): disk-full and read-only cases"
fi
finish
