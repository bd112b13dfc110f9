/* fuzz_records.c: the reader of the records that flow between the stages
 * (today stages/lib/tsv.c) on any bytes. Only read_records() knows the
 * format: to fuzz another record reader, rewrite it (and the corpus). */
#include "fuzz.h"
#include "tsv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_setup("records");
    return 0;
}

/* Reads every record of the file at path as the stages do: the header's
 * columns looked up, each row's fields touched. */
static void read_records(const char *path)
{
    static const char *const cols[] = {"fichier", "ligne", "numero_contrat"};
    char err[1024];
    int idx[3];
    tsvr *r = tsvr_open(path, err, sizeof err);
    if (!r)
        return;
    (void)tsvr_cols(r, cols, idx, 3, err, sizeof err);
    while (tsvr_next(r, err, sizeof err) == 1) {
        if (r->n != r->ncols)
            abort();
        for (size_t k = 0; k < r->n; k++)
            if (strlen(r->field[k]) > r->len[k])
                abort();
        (void)tsvr_fraction(r);
    }
    tsvr_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_records(fuzz_write("records", data, size));
    return 0;
}
