#include "manifest.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "digest.h"
#include "facts.h"
#include "grow.h"
#include "par.h"
#include "yemit.h"
#include "yload.h"

#include <unzip.h>

#ifndef APP_VERSION
#define APP_VERSION "0.0.0"
#endif

int manifest_sha256(const char *path, int gz, char *hex, unsigned long long *bytes)
{
    unsigned char buf[1 << 16];
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
    if (n < 0 || digest_final_hex(ctx, hex))
        goto fail;
    EVP_MD_CTX_free(ctx);
    return 0;
fail:
    EVP_MD_CTX_free(ctx);
    if (!errno)
        errno = EIO;
    return -1;
}

/* One part of a zip: where its entry is, its size, and its content's
 * SHA-256 once a reader has hashed it. */
struct zpart {
    char *name;
    unz64_file_pos pos;
    char hex[65];
    int done; /* hex holds the hash */
};

/* A part's place in the readers' order: the largest first (one sheet can
 * be most of the workbook's XML), equal sizes in the zip's order. */
struct zorder {
    ZPOS64_T size; /* uncompressed */
    size_t i;      /* index into the parts */
};

static int cmp_order(const void *a, const void *b)
{
    const struct zorder *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The parts of one zip shared by its readers (read_parts): each takes the
 * next part of order and hashes it with its own handle on the zip. */
struct zshare {
    const char *path;
    unzFile z; /* the handle the parts were listed with: the first reader's */
    struct zpart *parts;
    struct zorder *order;
    size_t n;
    atomic_size_t next;
};

/* The content SHA-256 of the part under z's cursor into hex. 0 or -1. */
static int hash_current(unzFile z, char *hex)
{
    unsigned char buf[1 << 16];
    EVP_MD_CTX *ctx;
    int n, bad;
    if (unzOpenCurrentFile(z) != UNZ_OK)
        return -1;
    ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(ctx);
        unzCloseCurrentFile(z);
        return -1;
    }
    while ((n = unzReadCurrentFile(z, buf, sizeof buf)) > 0)
        EVP_DigestUpdate(ctx, buf, (size_t)n);
    bad = digest_final_hex(ctx, hex);
    EVP_MD_CTX_free(ctx);
    /* the close checks the part's CRC-32 */
    return unzCloseCurrentFile(z) != UNZ_OK || n < 0 || bad ? -1 : 0;
}

/* Hashes the parts of sh that are left, one at a time, with z (NULL: a
 * handle of its own; when it cannot be opened the other readers take the
 * parts). A part that cannot be read stays not done. */
static void read_parts(struct zshare *sh, unzFile z)
{
    unzFile own = z ? NULL : unzOpen64(sh->path);
    size_t k;
    if (!z && !(z = own))
        return;
    while ((k = atomic_fetch_add(&sh->next, 1)) < sh->n) {
        struct zpart *p = &sh->parts[sh->order[k].i];
        p->done = unzGoToFilePos64(z, &p->pos) == UNZ_OK && hash_current(z, p->hex) == 0;
    }
    if (own)
        unzClose(own);
}

/* Reader j of a zshare, a job of par_run: the first reads with the
 * listing's handle, the others each with one of their own. */
static int zip_reader(void *arg, size_t j)
{
    struct zshare *sh = arg;
    read_parts(sh, j == 0 ? sh->z : NULL);
    return 0;
}

/* The entries of z in the zip's order into sh's parts and order (names
 * malloc'd). 0, or -1 when the list cannot be read to its end: sh then has
 * the entries before. */
static int list_parts(unzFile z, struct zshare *sh)
{
    size_t cap = 0, ocap = 0;
    int rc;
    for (rc = unzGoToFirstFile(z); rc == UNZ_OK; rc = unzGoToNextFile(z)) {
        char name[1024];
        unz_file_info64 info;
        struct zpart *p;
        if (grow_to(&sh->parts, &cap, sh->n + 1, sizeof *sh->parts, 64) ||
            grow_to(&sh->order, &ocap, sh->n + 1, sizeof *sh->order, 64))
            return -1;
        p = &sh->parts[sh->n];
        memset(p, 0, sizeof *p);
        if (unzGetCurrentFileInfo64(z, &info, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK ||
            unzGetFilePos64(z, &p->pos) != UNZ_OK || !(p->name = strdup(name)))
            return -1;
        sh->order[sh->n].size = info.uncompressed_size;
        sh->order[sh->n].i = sh->n;
        sh->n++;
    }
    return rc == UNZ_END_OF_LIST_OF_FILE ? 0 : -1;
}

int manifest_zip_parts_threads(const char *path, int threads, manifest_part_fn fn, void *data)
{
    struct zshare sh = {path, unzOpen64(path), NULL, NULL, 0, 0};
    sigset_t all, old;
    int listed;
    size_t i, done;
    if (!sh.z)
        return -1;
    listed = list_parts(sh.z, &sh);
    if (sh.n > 1)
        qsort(sh.order, sh.n, sizeof *sh.order, cmp_order);
    if ((size_t)threads > sh.n)
        threads = (int)sh.n;
    /* the readers take no signal: the caller's handlers stay on its thread
     * (a signal that comes meanwhile waits the few milliseconds) */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    par_run((size_t)(threads < 1 ? 1 : threads), threads, zip_reader, &sh);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    unzClose(sh.z);
    /* in the zip's order, up to the first part that could not be read */
    for (done = 0; done < sh.n && sh.parts[done].done; done++)
        fn(data, sh.parts[done].name, sh.parts[done].hex);
    for (i = 0; i < sh.n; i++)
        free(sh.parts[i].name);
    free(sh.parts);
    free(sh.order);
    return listed == 0 && done == sh.n ? 0 : -1;
}

int manifest_zip_parts(const char *path, manifest_part_fn fn, void *data)
{
    return manifest_zip_parts_threads(path, MANIFEST_ZIP_THREADS, fn, data);
}

static void emit_part(void *data, const char *name, const char *sha256)
{
    yemit *y = data;
    yemit_map_start(y);
    yemit_kv(y, "name", name);
    yemit_kv(y, "sha256", sha256);
    yemit_map_end(y);
}

static int cmp_out(const void *a, const void *b)
{
    return strcmp(((const facts_output *)a)->file, ((const facts_output *)b)->file);
}

/* statistical_secrecy: one item per table of indicators' facts; nothing
 * when secrecy did not run. 0, or -1 with a message. */
static int emit_secrecy(yemit *y, const char *path, char *err, size_t errlen)
{
    facts_secrecy *v = NULL;
    size_t n = 0, i;
    if (!path || access(path, F_OK))
        return 0;
    if (facts_secrecy_read(path, &v, &n, err, errlen))
        return -1;
    yemit_str(y, "statistical_secrecy");
    yemit_seq_start(y);
    for (i = 0; i < n; i++) {
        yemit_map_start(y);
        yemit_kv(y, "table", v[i].table);
        yemit_ki(y, "primary_cells", (long long)v[i].primary);
        yemit_ki(y, "secondary_cells", (long long)v[i].secondary);
        yemit_kv(y, "audit", v[i].audit);
        yemit_map_end(y);
    }
    yemit_seq_end(y);
    facts_secrecy_free(v, n);
    return 0;
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

enum apperr manifest_write(const char *outdir, const manifest_params *p, const char *input_dir,
                           char *const *inputs, size_t ninputs, const manifest_hashes *h,
                           const manifest_work *w, const refdata *ref, char *err, size_t errlen)
{
    static const char *const schemas[] = {"input/contrats.yaml",       "input/evenements.yaml",
                                          "input/participations.yaml", "input/departements.yaml",
                                          "input/regions.yaml",        "input/opco.yaml",
                                          "input/idcc_opco.yaml",      "input/cfa.yaml",
                                          "input/naf_sections.yaml",   NULL};
    char path[8192], hex[65];
    unsigned long long bytes;
    facts_input *q = NULL;
    facts_merge *m = NULL;
    facts_output *outs = NULL;
    facts_merge_total mt;
    size_t nq = 0, nm = 0, i, k, nout = 0;
    long tot_read = 0, tot_acc = 0, tot_rej = 0, contract_acc = 0;
    yemit *y = NULL;
    enum apperr rc = APPERR_OK;

    /* what the stages knew: ingest's and merge's counts, each output's
     * size, hashes and rows from its writer */
    for (i = 0; i < 3 && !rc; i++)
        if (w->quality[i] && facts_inputs_read(w->quality[i], &q, &nq, err, errlen))
            rc = APPERR_INTERNAL;
    if (!rc && w->merge && facts_merge_read(w->merge, &m, &nm, err, errlen))
        rc = APPERR_INTERNAL;
    for (i = 0; i < MANIFEST_MAX_FACTS && w->outputs[i] && !rc; i++)
        if (access(w->outputs[i], F_OK) == 0 &&
            facts_outputs_read(w->outputs[i], &outs, &nout, err, errlen))
            rc = APPERR_INTERNAL;
    if (rc)
        goto done;
    facts_merge_sum(m, nm, &mt);
    qsort(outs, nout, sizeof *outs, cmp_out);
    snprintf(path, sizeof path, "%s/manifest.yaml", outdir);
    y = yemit_open(path, err, errlen);
    if (!y) {
        rc = APPERR_WRITE;
        goto done;
    }
    if (w->draft)
        yemit_no_sync(y);
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
        if (p->max_expansion > 0) {
            snprintf(rate, sizeof rate, "%g", p->max_expansion);
            yemit_kv(y, "max_expansion", rate);
        }
    }
    yemit_str(y, "dispositifs");
    yemit_seq_start(y);
    for (i = 0; i < p->ndispositifs; i++)
        yemit_str(y, p->dispositifs[i]);
    yemit_seq_end(y);
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
            rc = APPERR_READ;
            break;
        }
        yemit_map_start(y);
        yemit_kv(y, "file", inputs[i]);
        yemit_ki(y, "bytes", (long long)bytes);
        yemit_kv(y, "sha256", hex);
        for (k = 0; k < nq && strcmp(q[k].file, inputs[i]); k++)
            ;
        if (k < nq) {
            yemit_kv(y, "encoding", q[k].encoding);
            yemit_kq(y, "separator", q[k].separator);
            yemit_ki(y, "rows_read", (long long)q[k].read);
            yemit_ki(y, "rows_accepted", (long long)q[k].accepted);
            yemit_ki(y, "rows_rejected", (long long)q[k].rejected);
            tot_read += (long)q[k].read;
            tot_acc += (long)q[k].accepted;
            tot_rej += (long)q[k].rejected;
            if (!strncmp(inputs[i], "contrats/", 9))
                contract_acc += (long)q[k].accepted;
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
            rc = APPERR_READ;
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
    for (i = 0; i < nout && !rc; i++) {
        int gz = outs[i].rows >= 0;
        yemit_map_start(y);
        yemit_kv(y, "file", outs[i].file);
        yemit_ki(y, "bytes", (long long)outs[i].bytes);
        yemit_kv(y, "sha256", outs[i].sha256);
        if (gz) {
            yemit_kv(y, "content_sha256", outs[i].content_sha256);
            yemit_ki(y, "rows", outs[i].rows);
        } else {
            /* zip bytes may differ across zlib builds: the parts' content is what counts */
            snprintf(path, sizeof path, "%s/%s", outdir, outs[i].file);
            yemit_str(y, "parts");
            yemit_seq_start(y);
            if (manifest_zip_parts(path, emit_part, y)) {
                snprintf(err, errlen, "%s: cannot read the workbook's parts", outs[i].file);
                rc = APPERR_READ;
            }
            yemit_seq_end(y);
        }
        yemit_map_end(y);
    }
    yemit_seq_end(y);

    if (!rc && emit_secrecy(y, w->secrecy, err, errlen))
        rc = APPERR_INTERNAL;

    yemit_str(y, "conservation");
    yemit_map_start(y);
    yemit_ki(y, "rows_read", tot_read);
    yemit_ki(y, "rows_accepted", tot_acc);
    yemit_ki(y, "rows_rejected", tot_rej);
    yemit_ki(y, "contract_rows_accepted", contract_acc);
    yemit_ki(y, "contracts_kept", (long long)mt.kept);
    yemit_ki(y, "versions_replaced", (long long)mt.replaced);
    yemit_ki(y, "excluded_cancelled", (long long)mt.cancelled);
    yemit_ki(y, "excluded_rupture_before_start", (long long)mt.rupture_before);
    yemit_ki(y, "excluded_dispositif", (long long)mt.dispositif);
    yemit_map_end(y);
    yemit_map_end(y);
    if (yemit_close(y, rc ? path : err, rc ? sizeof path : errlen) && !rc)
        rc = APPERR_WRITE;
done:
    facts_outputs_free(outs, nout);
    facts_inputs_free(q, nq);
    facts_merge_free(m, nm);
    return rc;
}

/* The identifying field of a list item: its file or part name. */
static const ynode *item_id(const ynode *n)
{
    const ynode *f = ymap_get(n, "file");
    return f ? f : ymap_get(n, "name");
}

/* Compares the expected tree a with the actual tree b under the dotted path,
 * calling fn once per difference and counting them in *ndiff. Under
 * `outputs` (in_outputs set) no item's `bytes` and `sha256` are compared
 * (compressed bytes may differ between zlib builds): a gzip report's
 * `content_sha256` is, and a workbook's `.parts`, each part's `sha256` by
 * name. */
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
    ydoc *a = yload_file_max(expected, YLOAD_MANIFEST_MAX_BYTES, err, errlen), *b;
    int ndiff = 0;
    if (!a)
        return -1;
    b = yload_file_max(actual, YLOAD_MANIFEST_MAX_BYTES, err, errlen);
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
    ydoc *m = yload_file_max(mpath, YLOAD_MANIFEST_MAX_BYTES, err, errlen);
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
