/* fuzz_records.c: the reader of the typed records that flow between the
 * stages (stages/lib/rec.c) on any bytes. Only read_records() knows the
 * format: to fuzz another record reader, rewrite it (and the corpus). */
#include "fuzz.h"
#include "rec.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_setup("records");
    return 0;
}

/* Reads every record of the file at path as the stages do: columns looked
 * up by name and type, every value of every row touched, the rows printed
 * as dump prints them. */
static void read_records(const char *path)
{
    char err[1024];
    rec_reader *r = rec_open(path, err, sizeof err);
    FILE *devnull;
    if (!r)
        return;
    (void)rec_need(r, "numero_contrat", REC_TEXT, err, sizeof err);
    while (rec_next(r, err, sizeof err) == 1) {
        for (size_t k = 0; k < r->h.ncols; k++) {
            size_t n = 0;
            switch (r->h.cols[k].type) {
            case REC_DATE:
                (void)rec_date(r, (int)k);
                break;
            case REC_INT:
                (void)rec_int(r, (int)k);
                break;
            case REC_CODE:
                if (strlen(rec_code_str(r, (int)k)) > REC_MAX_TEXT)
                    abort();
                break;
            case REC_TEXT:
                (void)rec_text(r, (int)k, &n);
                if (n > REC_MAX_TEXT)
                    abort();
                break;
            case REC_ID128:
                (void)rec_id(r, (int)k);
                break;
            }
        }
        (void)rec_fraction(r);
    }
    rec_close_reader(r);
    /* the same file through dump's printer */
    devnull = fopen("/dev/null", "w");
    if (devnull && (r = rec_open(path, err, sizeof err))) {
        (void)rec_dump(r, devnull, err, sizeof err);
        rec_close_reader(r);
    }
    if (devnull)
        fclose(devnull);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_records(fuzz_write("records", data, size));
    return 0;
}
