#include "manifest.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "tsv.h"
#include "yemit.h"
#include "yload.h"

#include <unzip.h>

#ifndef APP_VERSION
#define APP_VERSION "0.0.0"
#endif

int manifest_sha256(const char *path, int gz, char *hex, unsigned long long *bytes)
{
    unsigned char buf[1 << 16], md[32];
    unsigned int mdlen, i;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    gzFile g = NULL;
    FILE *f = NULL;
    long n = 0;

    *bytes = 0;
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
        goto fail;
    if (gz) {
        if (!(g = gzopen(path, "rb")))
            goto fail;
        while ((n = gzread(g, buf, sizeof buf)) > 0) {
            EVP_DigestUpdate(ctx, buf, (size_t)n);
            *bytes += (unsigned long long)n;
        }
        /* a truncated stream reads as an early end: zlib says so at close */
        if (gzclose(g) != Z_OK && n == 0) {
            errno = EIO;
            n = -1;
        }
    } else {
        if (!(f = fopen(path, "rb")))
            goto fail;
        while ((n = (long)fread(buf, 1, sizeof buf, f)) > 0) {
            EVP_DigestUpdate(ctx, buf, (size_t)n);
            *bytes += (unsigned long long)n;
        }
        n = ferror(f) ? -1 : 0;
        fclose(f);
    }
    if (n < 0)
        goto fail;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    for (i = 0; i < mdlen; i++)
        sprintf(hex + 2 * i, "%02x", md[i]);
    EVP_MD_CTX_free(ctx);
    return 0;
fail:
    EVP_MD_CTX_free(ctx);
    if (!errno)
        errno = EIO;
    return -1;
}

/* Data records of a gzip CSV (quote-aware: rejects may hold line breaks). */
static unsigned long data_rows(const char *path)
{
    gzFile g = gzopen(path, "rb");
    unsigned char buf[1 << 16];
    unsigned long lines = 0;
    int inq = 0;
    long n, i;
    if (!g)
        return 0;
    while ((n = gzread(g, buf, sizeof buf)) > 0)
        for (i = 0; i < n; i++) {
            if (buf[i] == '"')
                inq = !inq;
            else if (buf[i] == '\n' && !inq)
                lines++;
        }
    gzclose(g);
    return lines ? lines - 1 : 0;
}

int manifest_zip_parts(const char *path, manifest_part_fn fn, void *data)
{
    unzFile z = unzOpen(path);
    unsigned char buf[1 << 16], md[32];
    int rc;
    if (!z)
        return -1;
    for (rc = unzGoToFirstFile(z); rc == UNZ_OK; rc = unzGoToNextFile(z)) {
        char name[1024], hex[65];
        unz_file_info info;
        EVP_MD_CTX *ctx;
        unsigned int mdlen, i;
        int n;
        if (unzGetCurrentFileInfo(z, &info, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK ||
            unzOpenCurrentFile(z) != UNZ_OK)
            break;
        ctx = EVP_MD_CTX_new();
        if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
            EVP_MD_CTX_free(ctx);
            unzCloseCurrentFile(z);
            break;
        }
        while ((n = unzReadCurrentFile(z, buf, sizeof buf)) > 0)
            EVP_DigestUpdate(ctx, buf, (size_t)n);
        EVP_DigestFinal_ex(ctx, md, &mdlen);
        EVP_MD_CTX_free(ctx);
        if (unzCloseCurrentFile(z) != UNZ_OK || n < 0)
            break;
        for (i = 0; i < mdlen; i++)
            sprintf(hex + 2 * i, "%02x", md[i]);
        fn(data, name, hex);
    }
    unzClose(z);
    return rc == UNZ_END_OF_LIST_OF_FILE ? 0 : -1;
}

static void emit_part(void *data, const char *name, const char *sha256)
{
    yemit *y = data;
    yemit_map_start(y);
    yemit_kv(y, "name", name);
    yemit_kv(y, "sha256", sha256);
    yemit_map_end(y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Per-file rows of the quality TSVs, looked up by file name. */
struct qline {
    char *file, *enc, *sep;
    long read, acc, rej;
};

static size_t load_quality(const char *path, struct qline **q, size_t n)
{
    char err[512];
    tsvr *r = path ? tsvr_open(path, err, sizeof err) : NULL;
    int cf, ce, cs, cl, ca, cr;
    if (!r)
        return n;
    cf = tsvr_col(r, "fichier"), ce = tsvr_col(r, "encodage"), cs = tsvr_col(r, "separateur");
    cl = tsvr_col(r, "lignes_lues"), ca = tsvr_col(r, "lignes_acceptees");
    cr = tsvr_col(r, "lignes_rejetees");
    while (cf >= 0 && ce >= 0 && cs >= 0 && cl >= 0 && ca >= 0 && cr >= 0 &&
           tsvr_next(r, err, sizeof err) == 1) {
        struct qline *nq = realloc(*q, (n + 1) * sizeof **q);
        if (!nq)
            break;
        *q = nq;
        nq[n].file = strdup(r->field[cf]);
        nq[n].enc = strdup(r->field[ce]);
        nq[n].sep = strdup(r->field[cs]);
        nq[n].read = atol(r->field[cl]);
        nq[n].acc = atol(r->field[ca]);
        nq[n].rej = atol(r->field[cr]);
        n++;
    }
    tsvr_close(r);
    return n;
}

/* Sums a column of a TSV (merge quality), or reads a key of the summary. */
static long tsv_sum(const char *path, const char *col)
{
    char err[512];
    tsvr *r = path ? tsvr_open(path, err, sizeof err) : NULL;
    long s = 0;
    int c;
    if (!r)
        return 0;
    c = tsvr_col(r, col);
    while (c >= 0 && tsvr_next(r, err, sizeof err) == 1)
        s += atol(r->field[c]);
    tsvr_close(r);
    return s;
}

static long summary_value(const char *path, const char *key)
{
    char err[512];
    tsvr *r = path ? tsvr_open(path, err, sizeof err) : NULL;
    long v = 0;
    if (!r)
        return 0;
    while (tsvr_next(r, err, sizeof err) == 1)
        if (r->n >= 2 && !strcmp(r->field[0], key))
            v = atol(r->field[1]);
    tsvr_close(r);
    return v;
}

/* statistical_secrecy: one item per table of indicators' summary (TSV
 * table, primary_cells, secondary_cells, audit); nothing without it. */
static void emit_secrecy(yemit *y, const char *path)
{
    static const char *const cols[4] = {"table", "primary_cells", "secondary_cells", "audit"};
    char err[512];
    tsvr *r = path ? tsvr_open(path, err, sizeof err) : NULL;
    int idx[4];
    if (!r)
        return;
    if (tsvr_cols(r, cols, idx, 4, err, sizeof err) == 0) {
        yemit_str(y, "statistical_secrecy");
        yemit_seq_start(y);
        while (tsvr_next(r, err, sizeof err) == 1) {
            yemit_map_start(y);
            yemit_kv(y, "table", r->field[idx[0]]);
            yemit_ki(y, "primary_cells", atol(r->field[idx[1]]));
            yemit_ki(y, "secondary_cells", atol(r->field[idx[2]]));
            yemit_kv(y, "audit", r->field[idx[3]]);
            yemit_map_end(y);
        }
        yemit_seq_end(y);
    }
    tsvr_close(r);
}

int manifest_hash_inputs(manifest_hashes *h, const char *input_dir, char *const *inputs, size_t n)
{
    char path[8192];
    size_t i;
    memset(h, 0, sizeof *h);
    h->sha = calloc(n ? n : 1, sizeof *h->sha);
    h->bytes = calloc(n ? n : 1, sizeof *h->bytes);
    if (!h->sha || !h->bytes) {
        h->failed = ENOMEM;
        return -1;
    }
    h->n = n;
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", input_dir, inputs[i]);
        if (manifest_sha256(path, 0, h->sha[i], &h->bytes[i])) {
            h->failed = errno ? errno : EIO;
            h->failed_at = i;
            return -1;
        }
    }
    return 0;
}

void manifest_hashes_free(manifest_hashes *h)
{
    free(h->sha);
    free(h->bytes);
    memset(h, 0, sizeof *h);
}

int manifest_write(const char *outdir, const manifest_params *p, const char *input_dir,
                   char *const *inputs, size_t ninputs, const manifest_hashes *h,
                   const manifest_work *w, const refdata *ref, char *err, size_t errlen)
{
    static const char *const schemas[] = {"input/contrats.yaml",       "input/evenements.yaml",
                                          "input/participations.yaml", "input/departements.yaml",
                                          "input/regions.yaml",        "input/opco.yaml",
                                          "input/idcc_opco.yaml",      "input/cfa.yaml",
                                          "input/naf_sections.yaml",   NULL};
    char path[8192], hex[65], chex[65];
    unsigned long long bytes, cbytes;
    struct qline *q = NULL;
    size_t nq = 0, i, k, nout = 0;
    char *outs[512];
    long tot_read = 0, tot_acc = 0, tot_rej = 0, contract_acc = 0;
    DIR *d;
    struct dirent *e;
    yemit *y;
    int rc = 0;

    for (i = 0; i < 3; i++)
        nq = load_quality(w->quality[i], &q, nq);
    snprintf(path, sizeof path, "%s/manifest.yaml", outdir);
    y = yemit_open(path, err, errlen);
    if (!y) {
        rc = 74;
        goto done;
    }
    yemit_map_start(y);
    yemit_kv(y, "software", "apprentissage-indicateurs");
    yemit_kq(y, "version", APP_VERSION);

    yemit_str(y, "parameters");
    yemit_map_start(y);
    yemit_kv(y, "configuration", p->config_name);
    yemit_kv(y, "configuration_sha256", p->config_sha256);
    yemit_kq(y, "observation_date", p->observation_date);
    yemit_kv(y, "observation_date_source", p->observation_source);
    yemit_kq(y, "years", p->years);
    yemit_ki(y, "secrecy_threshold", p->secrecy_threshold);
    yemit_kv(y, "secrecy", p->secrecy_threshold > 0 ? "applied" : "disabled (internal use only)");
    {
        char rate[32];
        snprintf(rate, sizeof rate, "%g", p->max_reject_rate);
        yemit_kv(y, "max_reject_rate", rate);
    }
    yemit_kv(y, "key_fingerprint_hmac_sha256", p->key_fingerprint);
    yemit_str(y, "targets");
    yemit_seq_start(y);
    for (i = 0; i < p->ntargets; i++)
        yemit_qstr(y, p->targets[i]);
    yemit_seq_end(y);
    yemit_str(y, "schemas");
    yemit_seq_start(y);
    {
        char sdir[4096];
        struct dirent **ents = NULL;
        int n, j;
        for (i = 0; schemas[i]; i++) {
            snprintf(path, sizeof path, "%s/%s", p->schemas_dir, schemas[i]);
            if (manifest_sha256(path, 0, hex, &bytes))
                continue;
            yemit_map_start(y);
            yemit_kv(y, "file", schemas[i]);
            yemit_kv(y, "sha256", hex);
            yemit_map_end(y);
        }
        snprintf(sdir, sizeof sdir, "%s/output", p->schemas_dir);
        n = scandir(sdir, &ents, NULL, alphasort);
        for (j = 0; j < n; j++) {
            size_t l = strlen(ents[j]->d_name);
            if (l > 5 && !strcmp(ents[j]->d_name + l - 5, ".yaml")) {
                snprintf(path, sizeof path, "%s/%s", sdir, ents[j]->d_name);
                if (manifest_sha256(path, 0, hex, &bytes) == 0) {
                    char rel[600];
                    snprintf(rel, sizeof rel, "output/%s", ents[j]->d_name);
                    yemit_map_start(y);
                    yemit_kv(y, "file", rel);
                    yemit_kv(y, "sha256", hex);
                    yemit_map_end(y);
                }
            }
            free(ents[j]);
        }
        free(ents);
    }
    yemit_seq_end(y);
    yemit_map_end(y);

    yemit_str(y, "inputs");
    yemit_seq_start(y);
    for (i = 0; i < ninputs; i++) {
        snprintf(path, sizeof path, "%s/%s", input_dir, inputs[i]);
        if (h && h->n == ninputs && !h->failed) {
            memcpy(hex, h->sha[i], sizeof h->sha[i]);
            bytes = h->bytes[i];
        } else if (manifest_sha256(path, 0, hex, &bytes)) {
            snprintf(err, errlen, "%s: cannot read: %s", inputs[i], strerror(errno));
            rc = 74;
            break;
        }
        yemit_map_start(y);
        yemit_kv(y, "file", inputs[i]);
        yemit_ki(y, "bytes", (long long)bytes);
        yemit_kv(y, "sha256", hex);
        for (k = 0; k < nq && strcmp(q[k].file, inputs[i]); k++)
            ;
        if (k < nq) {
            yemit_kv(y, "encoding", q[k].enc);
            yemit_kq(y, "separator", q[k].sep);
            yemit_ki(y, "rows_read", q[k].read);
            yemit_ki(y, "rows_accepted", q[k].acc);
            yemit_ki(y, "rows_rejected", q[k].rej);
            tot_read += q[k].read;
            tot_acc += q[k].acc;
            tot_rej += q[k].rej;
            if (!strncmp(inputs[i], "contrats/", 9))
                contract_acc += q[k].acc;
        }
        yemit_map_end(y);
    }
    yemit_seq_end(y);

    yemit_str(y, "reference_tables");
    yemit_seq_start(y);
    for (i = 0; ref && i < REF_TABLES; i++) {
        const ref_file *f = &ref->files[i];
        const char *shown;
        if (!f->path)
            continue;
        if (manifest_sha256(f->path, 0, hex, &bytes)) {
            snprintf(err, errlen, "%s: cannot read: %s", f->path, strerror(errno));
            rc = 74;
            break;
        }
        /* a dropped table by its path in the input folder, a shipped one by its name */
        shown = strstr(f->path, "/referentiels/");
        yemit_map_start(y);
        yemit_kv(y, "table", f->name);
        yemit_kv(y, "origin", f->dropped ? "input folder" : "shipped default");
        yemit_kv(y, "file", shown ? shown + 1 : f->path);
        yemit_kv(y, "sha256", hex);
        yemit_map_end(y);
    }
    yemit_seq_end(y);

    yemit_str(y, "outputs");
    yemit_seq_start(y);
    d = opendir(outdir);
    while (d && (e = readdir(d)) && nout < 512) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] != '.' &&
            ((l > 7 && !strcmp(e->d_name + l - 7, ".csv.gz")) || !strcmp(e->d_name, "bilan.xlsx")))
            outs[nout++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(outs, nout, sizeof *outs, cmp_str);
    for (i = 0; i < nout && !rc; i++) {
        int gz = strcmp(outs[i], "bilan.xlsx") != 0;
        snprintf(path, sizeof path, "%s/%s", outdir, outs[i]);
        if (manifest_sha256(path, 0, hex, &bytes) ||
            (gz && manifest_sha256(path, 1, chex, &cbytes))) {
            snprintf(err, errlen, "%s: cannot read: %s", outs[i], strerror(errno));
            rc = 74;
            break;
        }
        yemit_map_start(y);
        yemit_kv(y, "file", outs[i]);
        yemit_ki(y, "bytes", (long long)bytes);
        yemit_kv(y, "sha256", hex);
        if (gz) {
            yemit_kv(y, "content_sha256", chex);
            yemit_ki(y, "rows", (long long)data_rows(path));
        } else {
            /* zip bytes may differ across zlib builds: the parts' content is what counts */
            yemit_str(y, "parts");
            yemit_seq_start(y);
            if (manifest_zip_parts(path, emit_part, y)) {
                snprintf(err, errlen, "%s: cannot read the workbook's parts", outs[i]);
                rc = 74;
            }
            yemit_seq_end(y);
        }
        yemit_map_end(y);
    }
    yemit_seq_end(y);

    emit_secrecy(y, w->secrecy);

    yemit_str(y, "conservation");
    yemit_map_start(y);
    yemit_ki(y, "rows_read", tot_read);
    yemit_ki(y, "rows_accepted", tot_acc);
    yemit_ki(y, "rows_rejected", tot_rej);
    yemit_ki(y, "contract_rows_accepted", contract_acc);
    yemit_ki(y, "contracts_kept", summary_value(w->summary, "contrats_conserves"));
    yemit_ki(y, "versions_replaced", tsv_sum(w->merge_quality, "versions_remplacees"));
    yemit_ki(y, "excluded_cancelled", tsv_sum(w->merge_quality, "exclus_annules"));
    yemit_ki(y, "excluded_rupture_before_start",
             tsv_sum(w->merge_quality, "exclus_rupture_avant_debut"));
    yemit_map_end(y);
    yemit_map_end(y);
    if (yemit_close(y, rc ? path : err, rc ? sizeof path : errlen) && !rc)
        rc = 74;
done:
    for (i = 0; i < nout; i++)
        free(outs[i]);
    for (i = 0; i < nq; i++) {
        free(q[i].file);
        free(q[i].enc);
        free(q[i].sep);
    }
    free(q);
    return rc;
}

/* The identifying field of a list item: its file or part name. */
static const ynode *item_id(const ynode *n)
{
    const ynode *f = ymap_get(n, "file");
    return f ? f : ymap_get(n, "name");
}

/* Compares two YAML trees; `skip` names keys whose values are not compared
 * (the compressed sizes and hashes of the outputs). */
static void compare(const ynode *a, const ynode *b, const char *path, int in_outputs,
                    manifest_diff_fn fn, void *data, int *ndiff)
{
    char sub[1024];
    size_t i, j;
    if (!a || !b || a->type != b->type) {
        fn(data, path, a && a->type == YN_SCALAR ? a->str : "(structure)",
           b && b->type == YN_SCALAR ? b->str : (b ? "(structure)" : "(missing)"));
        (*ndiff)++;
        return;
    }
    switch (a->type) {
    case YN_SCALAR:
        if (strcmp(a->str, b->str)) {
            fn(data, path, a->str, b->str);
            (*ndiff)++;
        }
        break;
    case YN_SEQ:
        /* lists of named items (files, workbook parts) are compared by name,
         * whatever their order; other lists item by item */
        for (i = 0; i < a->n || i < b->n; i++) {
            const ynode *x = i < a->n ? a->kids[i] : NULL, *y = i < b->n ? b->kids[i] : NULL;
            const ynode *fx = item_id(x), *fy = item_id(y);
            if (fx) {
                for (y = NULL, j = 0; j < b->n && !y; j++)
                    if (item_id(b->kids[j]) && !strcmp(item_id(b->kids[j])->str, fx->str))
                        y = b->kids[j];
                snprintf(sub, sizeof sub, "%s[%s]", path, fx->str);
                compare(x, y, sub, in_outputs, fn, data, ndiff);
            } else if (!fy) {
                snprintf(sub, sizeof sub, "%s[%zu]", path, i);
                compare(x, y, sub, in_outputs, fn, data, ndiff);
            }
        }
        /* named items of the new list that the expected one lacks */
        for (i = 0; i < b->n; i++) {
            const ynode *fy = item_id(b->kids[i]);
            int found = 0;
            if (!fy)
                continue;
            for (j = 0; j < a->n && !found; j++)
                found = item_id(a->kids[j]) && !strcmp(item_id(a->kids[j])->str, fy->str);
            if (!found) {
                snprintf(sub, sizeof sub, "%s[%s]", path, fy->str);
                fn(data, sub, "(missing)", "(present)");
                (*ndiff)++;
            }
        }
        break;
    case YN_MAP:
        for (i = 0; i < a->n; i++) {
            const char *k = a->kids[2 * i]->str;
            if (in_outputs && (!strcmp(k, "bytes") || !strcmp(k, "sha256")) &&
                !strstr(path, ".parts"))
                continue;
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
            compare(a->kids[2 * i + 1], ymap_get(b, k), sub, in_outputs || !strcmp(sub, "outputs"),
                    fn, data, ndiff);
        }
        for (i = 0; i < b->n; i++)
            if (!ymap_get(a, b->kids[2 * i]->str)) {
                snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", b->kids[2 * i]->str);
                fn(data, sub, "(missing)", "(present)");
                (*ndiff)++;
            }
        break;
    }
}

int manifest_compare(const char *expected, const char *actual, manifest_diff_fn fn, void *data,
                     char *err, size_t errlen)
{
    ydoc *a = yload_file(expected, err, errlen), *b;
    int ndiff = 0;
    if (!a)
        return -1;
    b = yload_file(actual, err, errlen);
    if (!b) {
        ydoc_free(a);
        return -1;
    }
    compare(a->root, b->root, "", 0, fn, data, &ndiff);
    ydoc_free(a);
    ydoc_free(b);
    return ndiff;
}

struct partcheck {
    const ynode *parts; /* the manifest's list */
    const char *file;
    manifest_diff_fn fn;
    void *data;
    int ndiff, seen;
};

static void check_part(void *data, const char *name, const char *sha256)
{
    struct partcheck *pc = data;
    const ynode *want = NULL;
    size_t i;
    char field[1200];
    pc->seen++;
    for (i = 0; pc->parts && i < pc->parts->n; i++) {
        const ynode *n = ymap_get(pc->parts->kids[i], "name");
        if (n && !strcmp(n->str, name))
            want = ymap_get(pc->parts->kids[i], "sha256");
    }
    if (!want || strcmp(want->str, sha256)) {
        snprintf(field, sizeof field, "published %s part %s", pc->file, name);
        pc->fn(pc->data, field, want ? want->str : "(missing)", sha256);
        pc->ndiff++;
    }
}

int manifest_check_published(const char *mpath, manifest_diff_fn fn, void *data, char *err,
                             size_t errlen)
{
    ydoc *m = yload_file(mpath, err, errlen);
    const ynode *outs;
    char dir[4096], path[8192], hex[65], field[1200];
    unsigned long long bytes;
    size_t i;
    int ndiff = 0;
    if (!m)
        return -1;
    snprintf(dir, sizeof dir, "%s", mpath);
    if (strrchr(dir, '/'))
        *strrchr(dir, '/') = '\0';
    else
        strcpy(dir, ".");
    outs = ymap_get(m->root, "outputs");
    for (i = 0; outs && outs->type == YN_SEQ && i < outs->n; i++) {
        const ynode *f = ymap_get(outs->kids[i], "file"),
                    *c = ymap_get(outs->kids[i], "content_sha256");
        if (!f || f->type != YN_SCALAR || strchr(f->str, '/'))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, f->str);
        if (access(path, F_OK))
            continue; /* only the manifest was handed over */
        if (c) {
            if (manifest_sha256(path, 1, hex, &bytes) || strcmp(hex, c->str)) {
                snprintf(field, sizeof field, "published %s content", f->str);
                fn(data, field, c->str, hex);
                ndiff++;
            }
        } else {
            struct partcheck pc = {ymap_get(outs->kids[i], "parts"), f->str, fn, data, 0, 0};
            if (manifest_zip_parts(path, check_part, &pc) ||
                (pc.parts && pc.seen != (int)pc.parts->n)) {
                snprintf(field, sizeof field, "published %s", f->str);
                fn(data, field, "a workbook with the listed parts", "another zip content");
                pc.ndiff++;
            }
            ndiff += pc.ndiff;
        }
    }
    ydoc_free(m);
    return ndiff;
}
