/* fuzz_ingest.c: a whole run of the first stage (stages/ingest.c, built
 * with -Dmain=ingest_main) on one input file made of the fuzzer's bytes,
 * against the shipped schemas and reference tables. The first byte
 * chooses: bits 0-1 the kind (contrats, evenements, participations), bit 2
 * gzip the file, bit 3 two threads, bit 4 a date in the file name, bit 5 a
 * small max_expansion, bit 6 the same bytes also as the dropped reference
 * table cfa.csv. ingest must return an exit code of its table (70, out of
 * memory or libcrypto, counts as a finding), leak nothing, and write
 * records that the records' reader takes back whole. */
#include <getopt.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fuzz.h"
#include "rec.h"
#include "tsv.h"

#ifndef FUZZ_SCHEMAS
#define FUZZ_SCHEMAS "schemas"
#endif

int ingest_main(int argc, char **argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char p[256];
    (void)argc, (void)argv;
    fuzz_setup("ingest");
    setenv("APP_LOG_LEVEL", "off", 1);
    fuzz_write("key", "fuzzing-key-0123456789abcdef\n", 29);
    {
        /* the accepted events the attendance files may name: E1 and E2 */
        static const char *const ids[] = {"E1", "E2"};
        rec_head h = {0};
        rec_row row;
        rec_writer *w;
        char path[512], err[256];
        int c;
        snprintf(path, sizeof path, "%s/events.rec", fuzz_dir);
        h.kind = strdup("evenements");
        c = rec_head_add(&h, "id_evenement", REC_TEXT, NULL, NULL, 0);
        if (c < 0 || rec_row_init(&row, &h) || !(w = rec_create(path, &h, err, sizeof err)))
            abort();
        for (int i = 0; i < 2; i++) {
            rec_set_text(&row, c, ids[i], 2);
            rec_write_row(w, &row);
        }
        if (rec_close(w, err, sizeof err))
            abort();
        rec_row_free(&row);
        rec_head_free(&h);
    }
    snprintf(p, sizeof p, "%s/in", fuzz_dir);
    mkdir(p, 0700);
    return 0;
}

/* Every record of a file ingest wrote must read back (0 rows read is fine). */
static void reads_back(const char *name)
{
    char path[512], err[1024];
    int got;
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, name);
    if (strstr(name, ".rec")) {
        rec_reader *r = rec_open(path, err, sizeof err);
        if (!r)
            abort();
        while ((got = rec_next(r, err, sizeof err)) == 1)
            ;
        rec_close_reader(r);
    } else {
        tsvr *r = tsvr_open(path, err, sizeof err);
        if (!r)
            abort();
        while ((got = tsvr_next(r, err, sizeof err)) == 1)
            ;
        tsvr_close(r);
    }
    if (got < 0) {
        fprintf(stderr, "fuzz_ingest: %s\n", err);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[4] = {"contrats", "evenements", "participations", "contrats"};
    static char last[256];
    char dir[512], rel[64], inrel[80], o[256], r[256], q[256], k[256], ev[256], in[200];
    char *argv[32];
    int argc = 0, rc;
    uint8_t mode;
    const char *kind;

    if (size < 1)
        return 0;
    mode = data[0];
    data++, size--;
    kind = kinds[mode & 3];
    snprintf(in, sizeof in, "%s/in", fuzz_dir);
    if (*last) /* the previous input */
        unlink(last), *last = '\0';
    snprintf(dir, sizeof dir, "%s/referentiels/cfa.csv", in);
    unlink(dir);
    snprintf(dir, sizeof dir, "%s/%s", in, kind);
    mkdir(dir, 0700);
    snprintf(rel, sizeof rel, "%s/f%s.csv%s", kind, mode & 0x10 ? "_20240115" : "",
             mode & 4 ? ".gz" : "");
    snprintf(inrel, sizeof inrel, "in/%s", rel);
    snprintf(last, sizeof last, "%s/%s", fuzz_dir, inrel);
    if (mode & 4) {
        char path[256];
        gzFile g;
        snprintf(path, sizeof path, "%s/%s", fuzz_dir, inrel);
        g = gzopen(path, "wb1");
        if (!g || (size && gzwrite(g, data, (unsigned)size) != (int)size) || gzclose(g) != Z_OK)
            abort();
    } else {
        fuzz_write(inrel, data, size);
    }
    if (mode & 0x40) {
        snprintf(dir, sizeof dir, "%s/referentiels", in);
        mkdir(dir, 0700);
        fuzz_write("in/referentiels/cfa.csv", data, size);
    }
    snprintf(o, sizeof o, "%s/o.rec", fuzz_dir);
    snprintf(r, sizeof r, "%s/r.tsv", fuzz_dir);
    snprintf(q, sizeof q, "%s/q.tsv", fuzz_dir);
    snprintf(k, sizeof k, "%s/key", fuzz_dir);
    snprintf(ev, sizeof ev, "%s/events.rec", fuzz_dir);
    argv[argc++] = "ingest";
    argv[argc++] = "--kind", argv[argc++] = (char *)kind;
    argv[argc++] = "--schemas", argv[argc++] = FUZZ_SCHEMAS;
    argv[argc++] = "--input", argv[argc++] = in;
    argv[argc++] = "--out", argv[argc++] = o;
    argv[argc++] = "--rejects", argv[argc++] = r;
    argv[argc++] = "--quality", argv[argc++] = q;
    argv[argc++] = "--key-file", argv[argc++] = k;
    argv[argc++] = "--threads", argv[argc++] = mode & 8 ? "2" : "1";
    if (mode & 0x20)
        argv[argc++] = "--max-expansion", argv[argc++] = "2";
    if ((mode & 3) == 2)
        argv[argc++] = "--events", argv[argc++] = ev;
    argv[argc++] = rel;
    argv[argc] = NULL;
    optind = 0; /* glibc: a full new scan of the next argv */
    rc = ingest_main(argc, argv);
    if (rc != 0 && rc != 65 && rc != 74 && rc != 78)
        abort();
    if (rc == 0) {
        reads_back("o.rec");
        reads_back("r.tsv");
        reads_back("q.tsv");
    }
    return 0;
}
