# Every stage is an executable of its own with --help (spec/outputs.md); an
# unknown option is a usage error (64).
. tests/e2e/lib.sh
for s in ingest merge indicators quality report dump pipeline-run; do
    check "$s --help prints its usage on stdout" sh -c "build/bin/$s --help | grep -q usage"
    expect_exit 64 "$s with an unknown option" build/bin/$s --no-such-option
done
finish
