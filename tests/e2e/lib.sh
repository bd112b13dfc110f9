# Helpers shared by the end-to-end test scripts (sourced).
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
check() { # check DESCRIPTION COMMAND...
    d=$1; shift
    if "$@"; then ok "$d"; else not_ok "$d"; fi
}
expect_exit() { # expect_exit CODE DESCRIPTION COMMAND...
    want=$1; d=$2; shift 2
    "$@" >/dev/null 2>"$TMP/stderr"; got=$?
    if [ "$got" -eq "$want" ]; then ok "$d (exit $got)"; else
        not_ok "$d: exit $got, expected $want"; sed 's/^/    /' "$TMP/stderr" | head -5; fi
}
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
# csv_row FILE.csv.gz KEYS... COLUMN: the COLUMN of the row whose first fields equal KEYS
csv_row() { f=$1; shift; zcat "$f" | python3 -c '
import csv, sys
keys = sys.argv[1:-1]; col = sys.argv[-1]
r = csv.reader(sys.stdin); head = next(r)
for row in r:
    if row[:len(keys)] == keys:
        print(row[head.index(col)]); break
' "$@"; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RUN=pipeline/run
