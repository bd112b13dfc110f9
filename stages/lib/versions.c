#include "versions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "progress.h"
#include "rec.h"
#include "strmap.h"

#define WCHUNK 65536u     /* winners per chunk (no realloc of a big array) */
#define KCHUNK (1u << 20) /* bytes per chunk of the contract-number arena */
#define MAX_FILES 65535u

enum { F_REGION_ND = 1, F_OPCO_ND = 2, F_UAI_UNKNOWN = 4 };

/* A contract's winning version so far. */
struct winner {
    uint32_t seq;
    date_t ext, avd;
    int32_t avn; /* -1: missing */
    /* the contract number (key_pack): two halves, so that the struct keeps
     * 4-byte alignment and 28 bytes */
    uint32_t klo, khi;
    uint16_t file;
    uint8_t excl, flags;
};

struct versions {
    char disp[VERSIONS_MAX_DISPOSITIFS][16];
    size_t ndisp;
    /* contract number -> winner: open addressing; a slot holds 1 + the
     * winner's index (low 24 bits) and the top 8 bits of its hash, so that
     * probing reads a winner only when those match (0: empty) */
    uint32_t *slots;
    size_t cap;
    struct winner **w;
    size_t nwin, nwchunks;
    char **keys;
    size_t nkchunks, kused;
    /* per file */
    facts_merge *files;
    size_t nfiles;
    int have_cfa;
    unsigned long rows;
    /* the result */
    versions_run *runs;
    size_t nruns;
    unsigned long nkept;
};

/* Reads the comma-separated list into v's dispositifs (v NULL: only
 * checks it). 0, or -1 when it is malformed. */
static int read_dispositifs(versions *v, const char *list)
{
    const char *p = list;
    size_t k = 0;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof v->disp[0] || k == VERSIONS_MAX_DISPOSITIFS)
            return -1;
        if (v) {
            memcpy(v->disp[k], p, n);
            v->disp[k][n] = '\0';
        }
        k++;
        p += n + (p[n] == ',');
    }
    if (v)
        v->ndisp = k;
    return 0;
}

int versions_dispositifs_ok(const char *list)
{
    return read_dispositifs(NULL, list) == 0;
}

versions *versions_new(const char *dispositifs, char *err, size_t errlen)
{
    versions *v = calloc(1, sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (read_dispositifs(v, dispositifs)) {
        snprintf(err, errlen, "bad list of dispositifs '%s'", dispositifs);
        free(v);
        return NULL;
    }
    return v;
}

void versions_free(versions *v)
{
    size_t i;
    if (!v)
        return;
    for (i = 0; i < v->nwchunks; i++)
        free(v->w[i]);
    for (i = 0; i < v->nkchunks; i++)
        free(v->keys[i]);
    free(v->w);
    free(v->keys);
    free(v->slots);
    facts_merge_free(v->files, v->nfiles);
    free(v->runs);
    free(v);
}

int versions_newer(const versions_row *a, const versions_row *b)
{
    if (b->extraction != a->extraction)
        return b->extraction > a->extraction;
    /* DATE_NONE is INT32_MIN: a missing amendment date is the oldest */
    if (b->avenant_date != a->avenant_date)
        return b->avenant_date > a->avenant_date;
    if (b->avenant_number != a->avenant_number)
        return b->avenant_number > a->avenant_number;
    return 1;
}

enum versions_exclusion versions_exclusion(const versions *v, const versions_row *r)
{
    size_t i;
    if (r->cancelled || r->suppression != DATE_NONE)
        return VX_CANCELLED;
    if ((r->rupture != DATE_NONE && r->rupture < r->debut) || r->rupture_avant_debut)
        return VX_RUPTURE_BEFORE;
    if (r->dispositif && *r->dispositif) {
        for (i = 0; i < v->ndisp; i++)
            if (!strcmp(v->disp[i], r->dispositif))
                return VX_NONE;
        return VX_DISPOSITIF;
    }
    return VX_NONE;
}

/* The map's hash folded to 32 bits. */
static uint32_t hash_key(const char *s, size_t n)
{
    uint64_t h = strmap_hash(s, n);
    return (uint32_t)(h ^ (h >> 32));
}

/* A contract number as 64 bits. One of 1 to 17 decimal digits (DECA's
 * numbers have 15) is held whole: bit 63 clear, its length in bits 57-61 (so
 * that leading zeros count), its value below (10^17 < 2^57). Any other is
 * copied into the arena: bit 63 set, its length in bits 32-47, its offset
 * (chunk << 20 | offset) below. Two numbers are equal exactly when their
 * texts are: a number held whole never equals one in the arena. */
#define K_ARENA (1ull << 63)
#define K_DIGITS 17

/* 1 and the packed number when s is held whole; 0 otherwise. */
static int key_pack(const char *s, size_t n, uint64_t *k)
{
    uint64_t x = 0;
    size_t i;
    if (n == 0 || n > K_DIGITS)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        x = x * 10 + d;
    }
    *k = (uint64_t)n << 57 | x;
    return 1;
}

/* The hash of a number held whole (a 64-bit mix, folded to 32 bits). */
static uint32_t hash_packed(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return (uint32_t)(k ^ (k >> 32));
}

static struct winner *win(const versions *v, size_t i)
{
    return &v->w[i / WCHUNK][i % WCHUNK];
}

static uint64_t key_of(const struct winner *w)
{
    return (uint64_t)w->khi << 32 | w->klo;
}

/* The text of a number in the arena, and its length. */
static const char *arena_key(const versions *v, uint64_t k, size_t *n)
{
    *n = (size_t)(k >> 32 & 0xFFFF);
    return v->keys[(k & 0xFFFFFFFF) >> 20] + (k & (KCHUNK - 1));
}

static uint32_t hash_of(const versions *v, uint64_t k)
{
    size_t n;
    const char *s;
    if (!(k & K_ARENA))
        return hash_packed(k);
    s = arena_key(v, k, &n);
    return hash_key(s, n);
}

#define SLOT_IDX 0xFFFFFFu /* 1 + index: at most 16 777 214 distinct contracts */
#define SLOT_TAG(h) ((h) >> 24 << 24)

static int rehash(versions *v)
{
    size_t nc = v->cap ? 2 * v->cap : 1u << 16, i;
    uint32_t *ns = calloc(nc, sizeof *ns);
    if (!ns)
        return -1;
    for (i = 0; i < v->cap; i++) {
        size_t j;
        if (!v->slots[i])
            continue;
        j = hash_of(v, key_of(win(v, (v->slots[i] & SLOT_IDX) - 1))) & (nc - 1);
        while (ns[j])
            j = (j + 1) & (nc - 1);
        ns[j] = v->slots[i];
    }
    free(v->slots);
    v->slots = ns;
    v->cap = nc;
    return 0;
}

int versions_expect(versions *v, unsigned long rows)
{
    if (rows > SLOT_IDX) /* more distinct contracts are refused anyway */
        rows = SLOT_IDX;
    while ((v->cap * 3) / 4 < rows + 1)
        if (rehash(v))
            return -1;
    return 0;
}

/* Copies a contract number into the arena; its packed form (K_ARENA set),
 * or 0 when out of memory. */
static uint64_t store_key(versions *v, const char *s, size_t n)
{
    if (!v->nkchunks || v->kused + n > KCHUNK) {
        char **nk = realloc(v->keys, (v->nkchunks + 1) * sizeof *nk);
        if (!nk || v->nkchunks == 4095)
            return 0;
        v->keys = nk;
        if (!(nk[v->nkchunks] = malloc(KCHUNK)))
            return 0;
        v->nkchunks++;
        v->kused = 0;
    }
    memcpy(v->keys[v->nkchunks - 1] + v->kused, s, n);
    v->kused += n;
    return K_ARENA | (uint64_t)n << 32 | (uint64_t)((v->nkchunks - 1) << 20 | (v->kused - n));
}

/* 1 when the number k, in the arena, is the text s of n bytes. */
static int same_text(const versions *v, uint64_t k, const char *s, size_t n)
{
    size_t kn;
    const char *t = arena_key(v, k, &kn);
    return kn == n && !memcmp(t, s, n);
}

static void fill(const versions *v, struct winner *w, const versions_row *r, uint32_t seq)
{
    w->seq = seq;
    w->ext = r->extraction;
    w->avd = r->avenant_date;
    w->avn = r->avenant_number < 0 ? -1 : (int32_t)r->avenant_number;
    w->file = (uint16_t)r->file;
    w->excl = (uint8_t)versions_exclusion(v, r);
    w->flags = (uint8_t)((r->region_nd ? F_REGION_ND : 0) | (r->opco_nd ? F_OPCO_ND : 0) |
                         (r->uai_known == 0 ? F_UAI_UNKNOWN : 0));
}

/* Makes sure the per-file counts reach file index f. */
static int need_file(versions *v, size_t f)
{
    if (f < v->nfiles)
        return 0;
    if (f >= MAX_FILES)
        return -1;
    {
        facts_merge *nf = realloc(v->files, (f + 1) * sizeof *nf);
        if (!nf)
            return -1;
        v->files = nf;
        memset(nf + v->nfiles, 0, (f + 1 - v->nfiles) * sizeof *nf);
        for (; v->nfiles <= f; v->nfiles++) {
            nf[v->nfiles].uai_unknown = -1;
            nf[v->nfiles].extraction_max = DATE_NONE;
        }
    }
    return 0;
}

enum apperr versions_add(versions *v, const versions_row *r, uint32_t seq)
{
    uint64_t k = 0;
    int whole = key_pack(r->num, r->numlen, &k);
    uint32_t h = whole ? hash_packed(k) : hash_key(r->num, r->numlen);
    size_t j;
    facts_merge *f;
    struct winner *w;

    if (r->numlen > UINT16_MAX)
        return APPERR_LIMIT;
    if (need_file(v, r->file))
        return APPERR_NOMEM;
    f = &v->files[r->file];
    f->versions++;
    if (r->extraction != DATE_NONE &&
        (f->extraction_max == DATE_NONE || r->extraction > f->extraction_max))
        f->extraction_max = r->extraction;
    v->have_cfa |= r->uai_known >= 0;
    v->rows++;
    if ((v->nwin + 1) * 4 > v->cap * 3 && rehash(v))
        return APPERR_NOMEM;
    for (j = h & (v->cap - 1); v->slots[j]; j = (j + 1) & (v->cap - 1)) {
        uint64_t wk;
        if ((v->slots[j] & ~SLOT_IDX) != SLOT_TAG(h))
            continue;
        w = win(v, (v->slots[j] & SLOT_IDX) - 1);
        wk = key_of(w);
        if (whole ? wk == k : (wk & K_ARENA) && same_text(v, wk, r->num, r->numlen)) {
            versions_row old = {0};
            old.extraction = w->ext;
            old.avenant_date = w->avd;
            old.avenant_number = w->avn;
            if (versions_newer(&old, r))
                fill(v, w, r, seq);
            return APPERR_OK;
        }
    }
    if (v->nwin + 1 >= SLOT_IDX)
        return APPERR_LIMIT;
    if (v->nwin == v->nwchunks * WCHUNK) {
        struct winner **nw = realloc(v->w, (v->nwchunks + 1) * sizeof *nw);
        if (!nw)
            return APPERR_NOMEM;
        v->w = nw;
        if (!(nw[v->nwchunks] = malloc(WCHUNK * sizeof **nw)))
            return APPERR_NOMEM;
        v->nwchunks++;
    }
    if (!whole && !(k = store_key(v, r->num, r->numlen)))
        return APPERR_NOMEM;
    w = win(v, v->nwin);
    w->klo = (uint32_t)k;
    w->khi = (uint32_t)(k >> 32);
    fill(v, w, r, seq);
    v->slots[j] = SLOT_TAG(h) | (uint32_t)++v->nwin;
    return APPERR_OK;
}

int versions_files(versions *v, const char *const *names, size_t n)
{
    size_t i;
    if (n && need_file(v, n - 1))
        return -1;
    for (i = 0; i < n; i++) {
        free(v->files[i].file);
        if (!(v->files[i].file = strdup(names[i])))
            return -1;
    }
    return 0;
}

int versions_finish(versions *v)
{
    size_t i, words = ((size_t)v->rows + 1) / 64 + 1, cap = 0;
    uint64_t *bits = calloc(words, sizeof *bits);
    uint32_t s;
    if (!bits)
        return -1;
    for (i = 0; i < v->nfiles; i++)
        v->files[i].uai_unknown = v->have_cfa ? 0 : -1;
    for (i = 0; i < v->nwin; i++) {
        const struct winner *w = win(v, i);
        facts_merge *f = &v->files[w->file];
        f->replaced++; /* the file's winners, until the loop below */
        switch (w->excl) {
        case VX_CANCELLED:
            f->cancelled++;
            break;
        case VX_RUPTURE_BEFORE:
            f->rupture_before++;
            break;
        case VX_DISPOSITIF:
            f->dispositif++;
            break;
        default:
            f->kept++;
            f->region_nd += (w->flags & F_REGION_ND) != 0;
            f->opco_nd += (w->flags & F_OPCO_ND) != 0;
            if (v->have_cfa)
                f->uai_unknown += (w->flags & F_UAI_UNKNOWN) != 0;
            bits[w->seq / 64] |= 1ULL << (w->seq % 64);
            v->nkept++;
        }
    }
    for (i = 0; i < v->nfiles; i++)
        v->files[i].replaced = v->files[i].versions - v->files[i].replaced;
    /* runs of consecutive kept rows */
    for (s = 1; s <= v->rows; s++) {
        if (!(bits[s / 64] >> (s % 64) & 1))
            continue;
        if (v->nruns && v->runs[v->nruns - 1].first + v->runs[v->nruns - 1].count == s) {
            v->runs[v->nruns - 1].count++;
            continue;
        }
        if (grow_to(&v->runs, &cap, v->nruns + 1, sizeof *v->runs, 1024)) {
            free(bits);
            return -1;
        }
        v->runs[v->nruns++] = (versions_run){s, 1};
    }
    free(bits);
    return 0;
}

const versions_run *versions_kept(const versions *v, size_t *n)
{
    *n = v->nruns;
    return v->runs;
}

unsigned long versions_nkept(const versions *v)
{
    return v->nkept;
}

const facts_merge *versions_counts(const versions *v, size_t *n)
{
    *n = v->nfiles;
    return v->files;
}

size_t versions_distinct(const versions *v)
{
    return v->nwin;
}

unsigned long versions_rows(const versions *v)
{
    return v->rows;
}

enum apperr versions_read_records(versions *v, const char *path, char *err, size_t errlen)
{
    enum {
        C_FILE,
        C_NUM,
        C_EXT,
        C_AVD,
        C_AVN,
        C_STATUT,
        C_SUPPR,
        C_DEBUT,
        C_RUPT,
        C_RAD,
        C_DISP,
        C_REGION,
        C_OPCO,
        C_UAI,
        NCOLS
    };
    static const struct {
        const char *name;
        enum rec_type type;
    } cols[NCOLS] = {{"fichier", REC_CODE},
                     {"numero_contrat", REC_TEXT},
                     {"date_extraction", REC_DATE},
                     {"date_effet_avenant", REC_DATE},
                     {"numero_avenant", REC_INT},
                     {"statut", REC_CODE},
                     {"date_suppression", REC_DATE},
                     {"date_debut_contrat", REC_DATE},
                     {"date_rupture", REC_DATE},
                     {"rupture_avant_debut", REC_INT},
                     {"dispositif", REC_CODE},
                     {"region", REC_CODE},
                     {"opco", REC_CODE},
                     {"uai_connu", REC_INT}};
    rec_reader *r = rec_open(path, err, errlen);
    int ci[NCOLS], k, got;
    enum apperr rc = APPERR_OK;
    size_t want;
    uint16_t cancelled[2] = {0, 0}, region_nd = 0, opco_nd = 0;
    const rec_col *fc;
    progress prog;

    if (!r)
        return APPERR_INTERNAL;
    for (k = 0; k < NCOLS; k++)
        if ((ci[k] = rec_need(r, cols[k].name, cols[k].type, err, errlen)) < 0) {
            rec_close_reader(r);
            return APPERR_INTERNAL;
        }
    /* unless versions_expect said how many, a table large enough for every
     * row of the file at once: no rehash (a row takes at least 4 bytes
     * besides its fixed part) */
    if (r->size > 0 && !v->cap) {
        want = (size_t)r->size / (4 + r->h.fixed) + 1;
        if (versions_expect(v, want)) {
            rec_close_reader(r);
            return APPERR_NOMEM;
        }
    }
    fc = &r->h.cols[ci[C_FILE]];
    if (versions_files(v, (const char *const *)fc->vals, fc->nvals)) {
        rec_close_reader(r);
        return APPERR_NOMEM;
    }
    cancelled[0] = rec_code_of(&r->h.cols[ci[C_STATUT]], "Annulé", strlen("Annulé"));
    cancelled[1] = rec_code_of(&r->h.cols[ci[C_STATUT]], "Supprimé", strlen("Supprimé"));
    region_nd = rec_code_of(&r->h.cols[ci[C_REGION]], "ND", 2);
    opco_nd = rec_code_of(&r->h.cols[ci[C_OPCO]], "ND", 2);
    progress_start(&prog, "merge", path);
    while ((got = rec_next(r, err, errlen)) == 1) {
        versions_row x;
        uint16_t st = rec_code(r, ci[C_STATUT]), file = rec_code(r, ci[C_FILE]);
        int64_t uai = rec_int(r, ci[C_UAI]), rad = rec_int(r, ci[C_RAD]);
        if (file == 0 || r->row > UINT32_MAX - 1) {
            snprintf(err, errlen, "%s: row %lu: no file, or too many rows", path, r->row);
            got = -1;
            break;
        }
        x.num = rec_text(r, ci[C_NUM], &x.numlen);
        x.file = (uint32_t)(file - 1);
        x.extraction = rec_date(r, ci[C_EXT]);
        x.avenant_date = rec_date(r, ci[C_AVD]);
        x.avenant_number = rec_int(r, ci[C_AVN]);
        if (x.avenant_number == REC_INT_NONE)
            x.avenant_number = -1;
        x.cancelled = st && (st == cancelled[0] || st == cancelled[1]);
        x.suppression = rec_date(r, ci[C_SUPPR]);
        x.debut = rec_date(r, ci[C_DEBUT]);
        x.rupture = rec_date(r, ci[C_RUPT]);
        x.rupture_avant_debut = rad != REC_INT_NONE && rad != 0;
        x.dispositif = rec_code_str(r, ci[C_DISP]);
        x.region_nd = rec_code(r, ci[C_REGION]) == region_nd;
        x.opco_nd = rec_code(r, ci[C_OPCO]) == opco_nd;
        x.uai_known = uai == REC_INT_NONE ? -1 : uai != 0;
        if ((rc = versions_add(v, &x, (uint32_t)r->row))) {
            break;
        }
        if (progress_due(&prog, r->row))
            progress_tick(&prog, r->row, rec_fraction(r));
    }
    progress_end(&prog);
    rec_close_reader(r);
    if (rc == APPERR_LIMIT)
        snprintf(err, errlen,
                 "%s: more than %lu distinct contract numbers, or one longer than 65 535 bytes: "
                 "beyond what merge holds",
                 path, VERSIONS_MAX_CONTRACTS);
    else if (rc)
        snprintf(err, errlen, "out of memory");
    return got < 0 ? APPERR_INTERNAL : rc;
}

int versions_write(const versions *v, const char *kept_path, const char *facts_path, char *err,
                   size_t errlen)
{
    rec_head h = {0};
    rec_writer *w = NULL;
    rec_row row = {0};
    size_t i;
    int rc = -1, cf, cn;
    char part[4096];

    if (!(h.kind = strdup("conserves")) ||
        (cf = rec_head_add(&h, "version_debut", REC_INT, NULL, NULL, 0)) < 0 ||
        (cn = rec_head_add(&h, "nombre", REC_INT, NULL, NULL, 0)) < 0 || rec_row_init(&row, &h)) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    /* the kept rows appear at once, whole (indicators may be waiting for
     * them): written beside, renamed last; a pipe is written as it is */
    if (strcmp(kept_path, "-") &&
        (size_t)snprintf(part, sizeof part, "%s.part", kept_path) >= sizeof part) {
        snprintf(err, errlen, "%s: path too long", kept_path);
        goto done;
    }
    if (!(w = rec_create(strcmp(kept_path, "-") ? part : kept_path, &h, err, errlen)))
        goto done;
    for (i = 0; i < v->nruns; i++) {
        rec_set_int(&row, cf, v->runs[i].first);
        rec_set_int(&row, cn, v->runs[i].count);
        rec_write_row(w, &row);
    }
    rc = rec_close(w, err, errlen);
    w = NULL;
    if (!rc)
        rc = facts_merge_write(facts_path, v->files, v->nfiles, err, errlen);
    if (!rc && strcmp(kept_path, "-") && rename(part, kept_path)) {
        snprintf(err, errlen, "%s: cannot rename: %s", kept_path, strerror(errno));
        rc = -1;
    }
done:
    rec_close(w, NULL, 0);
    rec_row_free(&row);
    rec_head_free(&h);
    return rc;
}
