/* test_manifest.c: the run's manifest (manifest.h, spec/outputs.md "Manifest").
 * Run from the repository root (the schemas and VERSION are read from there).
 * Digests computed independently with sha256sum:
 *   printf 'abc'                                         ba7816bf8f01cfea414140de5dae2223
 *                                                        b00361a396177a9cb410ff61f20015ad
 *   printf ''                                            e3b0c44298fc1c149afbf4c8996fb924
 *                                                        27ae41e4649b934ca495991b7852b855
 *   head -c 100000 /dev/zero | tr '\0' a                 6d1cf22d7cc09b085dfc25ee1a1f3ae0
 *                                                        265804c607bc2074ad253bcc82fd81ee
 *   printf 'a,b\n1,2\n'                                  492d5ea496056f1a6a6592241032fab7
 *                                                        64c321596317930b4fa0e1e8bc3b7470
 *   printf 'annee,region\n2024,28\n2024,11\n'            719670a5a8c33fa29d88b425ca7200b3
 *                                                        007029f45dd211bdb3c07e5c4365abab
 *   printf 'annee,region\n2024,28\n2024,52\n'            4cac77b629f2054a9176254eb104b9c6
 *                                                        e362e996ad8186511134354e3674cfb8
 *   printf 'fichier,ligne,valeur\ncontrats/a.csv,2,"a\nb"\n'
 *                                                        7651fe04ad5597940e09800201681fdd
 *                                                        5817fa0eea9840e0cf877542529524b2
 *   printf '<Types/>'                                    ce14ffe0f5c69ba3606e50ba08e21e15
 *                                                        d7d540ae191db97120a1a20029a3e846
 *   printf '<workbook/>'                                 68abb01001b25a4356944675b979f2ea
 *                                                        be8e62c0f302864de5b2efedaf0d1034
 *   printf 'uai\n0750001U\n'                             9e15596350da1dd5e485b001a7baedb0
 *                                                        10fc9343695083cead87f79c879fec2a
 * Digests of files whose content is not fixed here (compressed bytes, the shipped tables and
 * schemas) are computed in this file with OpenSSL's EVP over the bytes read back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <unzip.h>
#include <xlsxwriter.h>
#include <zip.h>
#include <zlib.h>

#include "facts.h"
#include "manifest.h"
#include "refdata.h"
#include "testutil.h"
#include "yload.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_100K_A "6d1cf22d7cc09b085dfc25ee1a1f3ae0265804c607bc2074ad253bcc82fd81ee"
#define SHA_AB12 "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470"
#define SHA_CROISSANCE "719670a5a8c33fa29d88b425ca7200b3007029f45dd211bdb3c07e5c4365abab"
#define SHA_CROISSANCE2 "4cac77b629f2054a9176254eb104b9c6e362e996ad8186511134354e3674cfb8"
#define SHA_REJETS "7651fe04ad5597940e09800201681fdd5817fa0eea9840e0cf877542529524b2"
#define SHA_TYPES "ce14ffe0f5c69ba3606e50ba08e21e15d7d540ae191db97120a1a20029a3e846"
#define SHA_WORKBOOK "68abb01001b25a4356944675b979f2eabe8e62c0f302864de5b2efedaf0d1034"
#define SHA_CFA "9e15596350da1dd5e485b001a7baedb010fc9343695083cead87f79c879fec2a"

#define CROISSANCE "annee,region\n2024,28\n2024,11\n"
#define CROISSANCE2 "annee,region\n2024,28\n2024,52\n"
#define REJETS "fichier,ligne,valeur\ncontrats/a.csv,2,\"a\nb\"\n"

/* ---- helpers ----------------------------------------------------------- */

static char cwd[PATH_MAX];

static int setup(void **state)
{
    (void)state;
    if (!getcwd(cwd, sizeof cwd))
        return -1;
    return tu_setup_tmpdir("ut_manifest");
}

/* SHA-256 and size of a whole file's bytes, read back here. */
/* The number of NAME.yaml files in dir. */
static size_t count_yaml(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    assert_non_null(d);
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        n += l > 5 && e->d_name[0] != '.' && !strcmp(e->d_name + l - 5, ".yaml");
    }
    closedir(d);
    return n;
}

static void file_sha(const char *path, char out[65], size_t *len)
{
    size_t n;
    char *b = tu_slurp(path, &n);
    tu_sha256_hex(b, n, out);
    free(b);
    if (len)
        *len = n;
}

/* A zip at tu_path(name) holding the n parts names[i] with contents data[i], made with minizip. */
static const char *write_zip(const char *name, const char *const *names, const char *const *data,
                             size_t n)
{
    const char *p = tu_path(name);
    zipFile z;
    zip_fileinfo zi;
    size_t i;
    unlink(p);
    z = zipOpen(p, APPEND_STATUS_CREATE);
    assert_non_null(z);
    memset(&zi, 0, sizeof zi);
    for (i = 0; i < n; i++) {
        assert_int_equal(zipOpenNewFileInZip(z, names[i], &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                             Z_DEFAULT_COMPRESSION),
                         ZIP_OK);
        assert_int_equal(zipWriteInFileInZip(z, data[i], (unsigned)strlen(data[i])), ZIP_OK);
        assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
    }
    assert_int_equal(zipClose(z, NULL), ZIP_OK);
    return p;
}

static const char *const part_names[] = {"[Content_Types].xml", "xl/workbook.xml"};

/* The outputs of a run in tu_path(dir): two gzip tables, a workbook and a file that is no
 * output. */
static void make_outputs(const char *dir)
{
    static const char *const part_data[] = {"<Types/>", "<workbook/>"};
    char rel[128];
    tu_mkdir(dir);
    snprintf(rel, sizeof rel, "%s/croissance.csv.gz", dir);
    tu_write_gz(rel, CROISSANCE, sizeof CROISSANCE - 1);
    snprintf(rel, sizeof rel, "%s/rejets.csv.gz", dir);
    tu_write_gz(rel, REJETS, sizeof REJETS - 1);
    snprintf(rel, sizeof rel, "%s/bilan.xlsx", dir);
    write_zip(rel, part_names, part_data, 2);
    snprintf(rel, sizeof rel, "%s/notes.txt", dir);
    tu_write_str(rel, "not an output\n");
}

/* The input folder tu_path("in"): two data files and a dropped cfa.csv. */
static char *inputs[] = {"contrats/a.csv", "evenements/b.csv"};

static const char *make_inputs(void)
{
    tu_mkdir("in");
    tu_mkdir("in/contrats");
    tu_mkdir("in/evenements");
    tu_mkdir("in/referentiels");
    tu_write_str("in/contrats/a.csv", "abc");
    tu_write_str("in/evenements/b.csv", "a,b\n1,2\n");
    tu_write_str("in/referentiels/cfa.csv", "uai\n0750001U\n");
    return tu_path("in");
}

/* The differences reported through manifest_diff_fn. */
struct diffs {
    int n;
    char field[8][256], expected[8][256], actual[8][256];
};

static void on_diff(void *data, const char *field, const char *expected, const char *actual)
{
    struct diffs *d = data;
    if (d->n < 8) {
        snprintf(d->field[d->n], sizeof d->field[0], "%s", field);
        snprintf(d->expected[d->n], sizeof d->expected[0], "%s", expected ? expected : "(null)");
        snprintf(d->actual[d->n], sizeof d->actual[0], "%s", actual ? actual : "(null)");
    }
    d->n++;
}

static void print_diffs(const struct diffs *d)
{
    for (int i = 0; i < d->n && i < 8; i++)
        print_message("  diff %s: expected %s, actual %s\n", d->field[i], d->expected[i],
                      d->actual[i]);
}

static int compare_files(const char *a, const char *b, struct diffs *d)
{
    char err[1024] = "";
    int n;
    memset(d, 0, sizeof *d);
    n = manifest_compare(a, b, on_diff, d, err, sizeof err);
    if (n < 0)
        fail_msg("manifest_compare(%s, %s): %s", a, b, err);
    if (n != d->n)
        fail_msg("manifest_compare returned %d but reported %d differences", n, d->n);
    return n;
}

static void scalar_is(const ynode *m, const char *key, const char *want)
{
    const ynode *v = tu_yget(m, key);
    if (v->type != YN_SCALAR)
        fail_msg("%s: not a scalar", key);
    if (strcmp(v->str, want))
        fail_msg("%s: \"%s\", expected \"%s\"", key, v->str, want);
}

/* The item of a list of mappings whose `key` is `value`, or NULL. */
static const ynode *find_item(const ynode *seq, const char *key, const char *value)
{
    size_t i;
    if (!seq || seq->type != YN_SEQ)
        fail_msg("not a list");
    for (i = 0; i < seq->n; i++) {
        const ynode *v = ymap_get(seq->kids[i], key);
        if (v && v->type == YN_SCALAR && !strcmp(v->str, value))
            return seq->kids[i];
    }
    return NULL;
}

static const ynode *item(const ynode *seq, const char *key, const char *value)
{
    const ynode *it = find_item(seq, key, value);
    if (!it)
        fail_msg("no item with %s \"%s\"", key, value);
    return it;
}

/* No scalar of the tree (keys included) is an absolute path or holds one of the folders. */
static void no_absolute_path(const ynode *n)
{
    size_t i, k;
    if (!n)
        return;
    if (n->type == YN_SCALAR) {
        if (n->str[0] == '/' || strstr(n->str, tu_tmpdir) || strstr(n->str, cwd))
            fail_msg("line %d: absolute path \"%s\"", n->line, n->str);
        return;
    }
    k = n->type == YN_MAP ? 2 * n->n : n->n;
    for (i = 0; i < k; i++)
        no_absolute_path(n->kids[i]);
}

static char *const targets[] = {"2024:AKTO=100", "2024:OPCO_EP:28=40"};

/* The parameters of the manifest tests; schemas_dir is absolute (cwd/schemas) so that a path
 * leaking into the manifest would show. */
static manifest_params params(const char *schemas_dir)
{
    manifest_params p = {
        .config_name = "config.yaml",
        .config_sha256 = SHA_EMPTY,
        .observation_date = "2024-06-30",
        .observation_source = "configuration",
        .years = "",
        .secrecy_threshold = 11,
        .max_reject_rate = 0.1,
        .max_expansion = 250,
        .key_fingerprint = "f7bd1a4be0628cfd2b7aa1950e8df5fdcf1bd02a904378d490ed8ff8d20a523a",
        .targets = targets,
        .ntargets = 2,
        .schemas_dir = schemas_dir,
    };
    return p;
}

/* The facts of one output of tu_path(dir): its bytes and SHA-256 read back
 * here, its content's SHA-256 and rows as given (a workbook: rows -1). */
static facts_output out_fact(const char *dir, const char *file, const char *content, long long rows)
{
    facts_output f;
    char rel[128];
    size_t len;
    memset(&f, 0, sizeof f);
    f.file = (char *)file;
    snprintf(rel, sizeof rel, "%s/%s", dir, file);
    file_sha(tu_path(rel), f.sha256, &len);
    f.bytes = len;
    snprintf(f.content_sha256, sizeof f.content_sha256, "%s", content);
    f.rows = rows;
    return f;
}

/* Writes the manifest of tu_path(outdir) (outputs made there first) with the inputs of
 * make_inputs() and the facts files of the stages (the outputs' facts in two files, out of
 * name order); h may be NULL. */
static void write_manifest(const char *outdir, const manifest_hashes *h, int draft)
{
    char schemas[PATH_MAX + 16], in[256], out[256], err[1024] = "", *q0, *q1, *mq, *o1, *o2, *sec;
    manifest_params p;
    manifest_work w;
    refdata *ref;
    enum apperr code = APPERR_OK, rc;
    facts_input qin[2];
    facts_merge fm;
    facts_output outs[3];
    snprintf(schemas, sizeof schemas, "%s/schemas", cwd);
    snprintf(in, sizeof in, "%s", make_inputs());
    make_outputs(outdir);
    snprintf(out, sizeof out, "%s", tu_path(outdir));
    memset(qin, 0, sizeof qin);
    qin[0] = (facts_input){"contrats/a.csv", "UTF-8", ";", "", 10, 9, 1, {0}, 0, -1, DATE_NONE};
    qin[1] =
        (facts_input){"evenements/b.csv", "Windows-1252", ",", "", 4, 4, 0, {0}, 0, -1, DATE_NONE};
    q0 = strdup(tu_path("q_contrats.tsv"));
    q1 = strdup(tu_path("q_evenements.tsv"));
    assert_int_equal(facts_inputs_write(q0, &qin[0], 1, err, sizeof err), 0);
    assert_int_equal(facts_inputs_write(q1, &qin[1], 1, err, sizeof err), 0);
    memset(&fm, 0, sizeof fm);
    fm.file = "contrats/a.csv";
    fm.versions = 9, fm.replaced = 2, fm.cancelled = 1, fm.kept = 6, fm.uai_unknown = -1;
    fm.extraction_max = DATE_NONE;
    mq = strdup(tu_path("q_merge.tsv"));
    assert_int_equal(facts_merge_write(mq, &fm, 1, err, sizeof err), 0);
    outs[0] = out_fact(outdir, "rejets.csv.gz", SHA_REJETS, 1);
    outs[1] = out_fact(outdir, "croissance.csv.gz", SHA_CROISSANCE, 2);
    outs[2] = out_fact(outdir, "bilan.xlsx", "", -1);
    o1 = strdup(tu_path("o_tables.tsv"));
    o2 = strdup(tu_path("o_workbook.tsv"));
    assert_int_equal(facts_outputs_write(o1, outs, 2, err, sizeof err), 0);
    assert_int_equal(facts_outputs_write(o2, outs + 2, 1, err, sizeof err), 0);
    memset(&w, 0, sizeof w);
    w.quality[0] = q0, w.quality[1] = q1, w.quality[2] = NULL;
    w.merge = mq;
    /* a facts file that does not exist (yet) is skipped */
    w.outputs[0] = o1, w.outputs[1] = tu_path("absent_facts.tsv"), w.outputs[2] = o2;
    sec = strdup(tu_write_str("secret.tsv", "table\tprimary_cells\tsecondary_cells\taudit\n"
                                            "croissance\t3\t5\tpassed\n"
                                            "reunions\t0\t0\tpassed\n"));
    w.secrecy = sec;
    w.draft = draft;
    ref = refdata_load(schemas, in, &code, err, sizeof err);
    if (!ref)
        fail_msg("refdata_load: %s", err);
    p = params(schemas);
    rc = manifest_write(out, &p, in, inputs, 2, h, &w, ref, err, sizeof err);
    if (rc)
        fail_msg("manifest_write: %d: %s", rc, err);
    refdata_free(ref);
    free(q0), free(q1), free(mq), free(o1), free(o2), free(sec);
}

static void manifest_path(const char *outdir, char *buf, size_t len)
{
    snprintf(buf, len, "%s/manifest.yaml", tu_path(outdir));
}

/* ---- manifest_sha256 --------------------------------------------------- */

static void test_sha256_plain(void **state)
{
    (void)state;
    char hex[65];
    unsigned long long bytes = 99;
    char *big = malloc(100000);
    assert_non_null(big);
    memset(big, 'a', 100000);
    assert_int_equal(manifest_sha256(TU_WRITE_STR("abc.txt", "abc"), 0, hex, &bytes), 0);
    assert_string_equal(hex, SHA_ABC);
    assert_int_equal(bytes, 3);
    assert_int_equal(manifest_sha256(TU_WRITE_STR("empty.txt", ""), 0, hex, &bytes), 0);
    assert_string_equal(hex, SHA_EMPTY);
    assert_int_equal(bytes, 0);
    /* more than one 64 KiB read */
    assert_int_equal(manifest_sha256(tu_write_file("big.txt", big, 100000), 0, hex, &bytes), 0);
    assert_string_equal(hex, SHA_100K_A);
    assert_int_equal(bytes, 100000);
    free(big);
    /* a missing file */
    errno = 0;
    assert_int_equal(manifest_sha256(tu_path("absent.txt"), 0, hex, &bytes), -1);
    assert_int_equal(errno, ENOENT);
}

static void test_sha256_gz(void **state)
{
    (void)state;
    char hex[65], want[65];
    unsigned long long bytes = 0;
    size_t flen;
    char *big = malloc(100000);
    const char *p = tu_write_gz("abc.gz", "abc", 3);
    assert_non_null(big);
    /* the content's digest and size */
    assert_int_equal(manifest_sha256(p, 1, hex, &bytes), 0);
    assert_string_equal(hex, SHA_ABC);
    assert_int_equal(bytes, 3);
    /* the file's bytes when gz is 0 */
    file_sha(p, want, &flen);
    assert_int_equal(manifest_sha256(p, 0, hex, &bytes), 0);
    assert_string_equal(hex, want);
    assert_int_equal(bytes, flen);
    assert_string_not_equal(hex, SHA_ABC);
    /* a content larger than one read */
    memset(big, 'a', 100000);
    p = tu_write_gz("big.gz", big, 100000);
    free(big);
    assert_int_equal(manifest_sha256(p, 1, hex, &bytes), 0);
    assert_string_equal(hex, SHA_100K_A);
    assert_int_equal(bytes, 100000);
    /* an empty content */
    assert_int_equal(manifest_sha256(tu_write_gz("empty.gz", "", 0), 1, hex, &bytes), 0);
    assert_string_equal(hex, SHA_EMPTY);
    assert_int_equal(bytes, 0);
    errno = 0;
    assert_int_equal(manifest_sha256(tu_path("absent.gz"), 1, hex, &bytes), -1);
    assert_true(errno != 0);
}

/* Regression (was a bug): a gzip file cut short has no complete content, yet manifest_sha256(gz 1)
 * returns 0 with the digest of the part it could inflate: zlib's gzread() reports a truncated
 * stream as an end of file (its Z_BUF_ERROR is not an error for gzread), and the gzclose() result
 * that would tell is ignored. The contract is "0 or -1 (errno)" for the content's digest. */
static void test_sha256_gz_truncated(void **state)
{
    (void)state;
    char hex[65];
    unsigned long long bytes = 0;
    size_t len;
    char *big = malloc(100000), *gz;
    const char *p;
    assert_non_null(big);
    memset(big, 'a', 100000);
    p = tu_write_gz("cut.gz", big, 100000);
    free(big);
    gz = tu_slurp(p, &len);
    assert_true(len > 20);
    /* a corrupted deflate stream (bytes changed in the middle) is refused */
    {
        char *bad = malloc(len);
        assert_non_null(bad);
        memcpy(bad, gz, len);
        for (size_t i = len / 2 - 2; i < len / 2 + 2; i++)
            bad[i] = (char)(bad[i] ^ 0x5a);
        tu_write_file("corrupt.gz", bad, len);
        free(bad);
        assert_int_equal(manifest_sha256(tu_path("corrupt.gz"), 1, hex, &bytes), -1);
    }
    /* the same file without its last 12 bytes (part of the data, the CRC and the size) */
    tu_write_file("cut.gz", gz, len - 12);
    free(gz);
    if (manifest_sha256(tu_path("cut.gz"), 1, hex, &bytes) == 0)
        fail_msg("regression: truncated gzip accepted: %llu content bytes, sha256 %s", bytes, hex);
}

/* ---- manifest_hash_inputs ---------------------------------------------- */

static void test_hash_inputs(void **state)
{
    (void)state;
    manifest_hashes h;
    char in[256];
    char *missing[] = {"contrats/a.csv", "contrats/absent.csv", "evenements/b.csv"};
    snprintf(in, sizeof in, "%s", make_inputs());
    assert_int_equal(manifest_hash_inputs(&h, in, inputs, 2), 0);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.failed, 0);
    assert_string_equal(h.sha[0], SHA_ABC);
    assert_int_equal(h.bytes[0], 3);
    assert_string_equal(h.sha[1], SHA_AB12);
    assert_int_equal(h.bytes[1], 8);
    manifest_hashes_free(&h);
    assert_int_equal(h.n, 0);
    /* the second of three is missing */
    assert_int_equal(manifest_hash_inputs(&h, in, missing, 3), -1);
    assert_int_equal(h.failed, ENOENT);
    assert_int_equal(h.failed_at, 1);
    manifest_hashes_free(&h);
    /* no input at all */
    assert_int_equal(manifest_hash_inputs(&h, in, NULL, 0), 0);
    assert_int_equal(h.n, 0);
    assert_int_equal(h.failed, 0);
    manifest_hashes_free(&h);
}

/* ---- manifest_write ---------------------------------------------------- */

static void test_write(void **state)
{
    (void)state;
    char mpath[300], want[65], version[64], *text;
    size_t len;
    ydoc *d;
    const ynode *root, *par, *ins, *it, *outs, *refs, *parts, *cons, *schemas;
    write_manifest("out", NULL, 0);
    manifest_path("out", mpath, sizeof mpath);

    /* nothing of the machine: neither the temporary folder nor the working folder */
    text = tu_slurp(mpath, &len);
    if (strstr(text, tu_tmpdir))
        fail_msg("the manifest holds the temporary folder %s:\n%s", tu_tmpdir, text);
    if (strstr(text, cwd))
        fail_msg("the manifest holds the working folder %s:\n%s", cwd, text);
    free(text);

    d = tu_yload(mpath);
    root = d->root;
    assert_non_null(root);
    assert_int_equal(root->type, YN_MAP);
    no_absolute_path(root);

    /* software and version (the committed VERSION file) */
    scalar_is(root, "software", "apprentissage-indicateurs");
    {
        char *v = tu_slurp("VERSION", &len);
        while (len && (v[len - 1] == '\n' || v[len - 1] == '\r'))
            v[--len] = '\0';
        snprintf(version, sizeof version, "%s", v);
        free(v);
    }
    scalar_is(root, "version", version);
    assert_int_equal(tu_yget(root, "version")->plain, 0); /* "0.1.0" read as a string anywhere */

    /* parameters */
    par = tu_yget(root, "parameters");
    scalar_is(par, "configuration", "config.yaml");
    scalar_is(par, "configuration_sha256", SHA_EMPTY);
    scalar_is(par, "observation_date", "2024-06-30");
    assert_int_equal(tu_yget(par, "observation_date")->plain, 0); /* a string, not a date */
    scalar_is(par, "observation_date_source", "configuration");
    scalar_is(par, "years", "");
    scalar_is(par, "secrecy_threshold", "11");
    scalar_is(par, "max_reject_rate", "0.1");
    scalar_is(par, "max_expansion", "250");
    scalar_is(par, "key_fingerprint_hmac_sha256",
              "f7bd1a4be0628cfd2b7aa1950e8df5fdcf1bd02a904378d490ed8ff8d20a523a");
    it = tu_yget(par, "targets");
    assert_int_equal(it->type, YN_SEQ);
    assert_int_equal(it->n, 2);
    assert_string_equal(it->kids[0]->str, "2024:AKTO=100");
    assert_string_equal(it->kids[1]->str, "2024:OPCO_EP:28=40");
    /* the schema files by relative name, with their digest: every YAML file of
     * schemas/input and schemas/output, counted here with readdir */
    schemas = tu_yget(par, "schemas");
    assert_int_equal(schemas->type, YN_SEQ);
    assert_int_equal(schemas->n, count_yaml("schemas/input") + count_yaml("schemas/output"));
    file_sha("schemas/input/contrats.yaml", want, NULL);
    scalar_is(item(schemas, "file", "input/contrats.yaml"), "sha256", want);
    file_sha("schemas/input/cfa.yaml", want, NULL);
    scalar_is(item(schemas, "file", "input/cfa.yaml"), "sha256", want);
    file_sha("schemas/output/croissance.yaml", want, NULL);
    scalar_is(item(schemas, "file", "output/croissance.yaml"), "sha256", want);

    /* inputs: relative path, bytes, sha256 and the quality counts */
    ins = tu_yget(root, "inputs");
    assert_int_equal(ins->type, YN_SEQ);
    assert_int_equal(ins->n, 2);
    it = item(ins, "file", "contrats/a.csv");
    scalar_is(it, "bytes", "3");
    scalar_is(it, "sha256", SHA_ABC);
    scalar_is(it, "encoding", "UTF-8");
    scalar_is(it, "separator", ";");
    scalar_is(it, "rows_read", "10");
    scalar_is(it, "rows_accepted", "9");
    scalar_is(it, "rows_rejected", "1");
    it = item(ins, "file", "evenements/b.csv");
    scalar_is(it, "bytes", "8");
    scalar_is(it, "sha256", SHA_AB12);
    scalar_is(it, "encoding", "Windows-1252");
    scalar_is(it, "separator", ",");
    scalar_is(it, "rows_read", "4");

    /* reference tables: the five shipped ones and the dropped cfa.csv, no path of the machine */
    refs = tu_yget(root, "reference_tables");
    assert_int_equal(refs->type, YN_SEQ);
    assert_int_equal(refs->n, 6);
    it = item(refs, "table", "cfa");
    scalar_is(it, "sha256", SHA_CFA);
    scalar_is(it, "file", "referentiels/cfa.csv");
    it = item(refs, "table", "regions");
    file_sha("schemas/referentiels/regions.csv", want, NULL);
    scalar_is(it, "sha256", want);
    it = item(refs, "table", "departements");
    file_sha("schemas/referentiels/departements.csv", want, NULL);
    scalar_is(it, "sha256", want);
    assert_string_not_equal(tu_yget(item(refs, "table", "cfa"), "origin")->str,
                            tu_yget(item(refs, "table", "regions"), "origin")->str);

    /* outputs: the two tables and the workbook, in name order, not notes.txt nor itself */
    outs = tu_yget(root, "outputs");
    assert_int_equal(outs->type, YN_SEQ);
    assert_int_equal(outs->n, 3);
    scalar_is(outs->kids[0], "file", "bilan.xlsx");
    scalar_is(outs->kids[1], "file", "croissance.csv.gz");
    scalar_is(outs->kids[2], "file", "rejets.csv.gz");
    it = item(outs, "file", "croissance.csv.gz");
    file_sha(tu_path("out/croissance.csv.gz"), want, &len);
    scalar_is(it, "sha256", want);
    {
        char b[32];
        snprintf(b, sizeof b, "%zu", len);
        scalar_is(it, "bytes", b);
    }
    scalar_is(it, "content_sha256", SHA_CROISSANCE);
    scalar_is(it, "rows", "2");
    it = item(outs, "file", "rejets.csv.gz");
    scalar_is(it, "content_sha256", SHA_REJETS);
    scalar_is(it, "rows", "1"); /* one record over two lines */
    it = item(outs, "file", "bilan.xlsx");
    file_sha(tu_path("out/bilan.xlsx"), want, NULL);
    scalar_is(it, "sha256", want);
    parts = tu_yget(it, "parts");
    assert_int_equal(parts->type, YN_SEQ);
    assert_int_equal(parts->n, 2);
    scalar_is(parts->kids[0], "name", part_names[0]);
    scalar_is(parts->kids[0], "sha256", SHA_TYPES);
    scalar_is(parts->kids[1], "name", part_names[1]);
    scalar_is(parts->kids[1], "sha256", SHA_WORKBOOK);

    /* conservation totals from the quality files */
    cons = tu_yget(root, "conservation");
    scalar_is(cons, "rows_read", "14");
    scalar_is(cons, "rows_accepted", "13");
    scalar_is(cons, "rows_rejected", "1");
    scalar_is(cons, "contract_rows_accepted", "9");
    scalar_is(cons, "contracts_kept", "6");
    scalar_is(cons, "versions_replaced", "2");
    scalar_is(cons, "excluded_cancelled", "1");
    scalar_is(cons, "excluded_rupture_before_start", "0");
    scalar_is(cons, "excluded_dispositif", "0");

    /* the cells statistical secrecy hid, per table, from indicators' summary, in its order */
    const ynode *sec = tu_yget(root, "statistical_secrecy");
    assert_int_equal(sec->type, YN_SEQ);
    assert_int_equal(sec->n, 2);
    scalar_is(sec->kids[0], "table", "croissance");
    scalar_is(sec->kids[0], "primary_cells", "3");
    scalar_is(sec->kids[0], "secondary_cells", "5");
    scalar_is(sec->kids[0], "audit", "passed");
    scalar_is(sec->kids[1], "table", "reunions");
    scalar_is(sec->kids[1], "secondary_cells", "0");
    ydoc_free(d);
}

/* The same inputs give the same bytes, whether the inputs' hashes are given or computed, and
 * whether the manifest is a draft or not. */
static void test_write_deterministic(void **state)
{
    (void)state;
    char mpath[300], *a, *b;
    size_t la, lb;
    manifest_hashes h;
    write_manifest("det", NULL, 0);
    manifest_path("det", mpath, sizeof mpath);
    a = tu_slurp(mpath, &la);
    assert_int_equal(manifest_hash_inputs(&h, tu_path("in"), inputs, 2), 0);
    write_manifest("det", &h, 0);
    b = tu_slurp(mpath, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(b);
    /* a draft (not forced to disk) has the same bytes */
    write_manifest("det", &h, 1);
    manifest_hashes_free(&h);
    b = tu_slurp(mpath, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
}

/* ---- manifest_compare -------------------------------------------------- */

#define M_HEAD                                                                                     \
    "software: apprentissage-indicateurs\n"                                                        \
    "version: \"0.1.0\"\n"                                                                         \
    "parameters:\n"                                                                                \
    "  observation_date: \"2024-06-30\"\n"                                                         \
    "  targets: [\"2024:AKTO=100\"]\n"
#define M_INPUTS(sha_b)                                                                            \
    "inputs:\n"                                                                                    \
    "  - file: contrats/a.csv\n"                                                                   \
    "    bytes: 3\n"                                                                               \
    "    sha256: " SHA_ABC "\n"                                                                    \
    "  - file: evenements/b.csv\n"                                                                 \
    "    bytes: 8\n"                                                                               \
    "    sha256: " sha_b "\n"
#define M_OUT_GZ(name, bytes, sha, content)                                                        \
    "  - file: " name "\n"                                                                         \
    "    bytes: " bytes "\n"                                                                       \
    "    sha256: " sha "\n"                                                                        \
    "    content_sha256: " content "\n"                                                            \
    "    rows: 2\n"
#define M_OUT_XLSX(bytes, sha, part)                                                               \
    "  - file: bilan.xlsx\n"                                                                       \
    "    bytes: " bytes "\n"                                                                       \
    "    sha256: " sha "\n"                                                                        \
    "    parts:\n"                                                                                 \
    "      - name: xl/workbook.xml\n"                                                              \
    "        sha256: " part "\n"

static void test_compare_identical(void **state)
{
    (void)state;
    struct diffs d;
    char m1[300], m2[300], *text;
    size_t len;
    /* the manifest written by manifest_write, against itself and against a copy */
    write_manifest("cmp", NULL, 0);
    manifest_path("cmp", m1, sizeof m1);
    text = tu_slurp(m1, &len);
    snprintf(m2, sizeof m2, "%s", tu_write_file("cmp_copy.yaml", text, len));
    free(text);
    assert_int_equal(compare_files(m1, m1, &d), 0);
    assert_int_equal(compare_files(m1, m2, &d), 0);
    /* a hand-written one */
    TU_WRITE_STR("hand.yaml",
                 M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_XLSX("500", SHA_EMPTY, SHA_WORKBOOK)
                     M_OUT_GZ("croissance.csv.gz", "80", SHA_ABC, SHA_CROISSANCE));
    assert_int_equal(compare_files(tu_path("hand.yaml"), tu_path("hand.yaml"), &d), 0);
    /* an unreadable manifest */
    {
        char err[1024] = "";
        memset(&d, 0, sizeof d);
        assert_int_equal(manifest_compare(tu_path("absent.yaml"), m1, on_diff, &d, err, sizeof err),
                         -1);
        assert_true(err[0] != '\0');
        assert_int_equal(d.n, 0);
    }
}

static void test_compare_input_sha(void **state)
{
    (void)state;
    struct diffs d;
    TU_WRITE_STR("in_a.yaml", M_HEAD M_INPUTS(SHA_AB12) "outputs: []\n");
    TU_WRITE_STR("in_b.yaml", M_HEAD M_INPUTS(SHA_EMPTY) "outputs: []\n");
    if (compare_files(tu_path("in_a.yaml"), tu_path("in_b.yaml"), &d) != 1) {
        print_diffs(&d);
        fail_msg("%d differences, expected 1", d.n);
    }
    assert_string_equal(d.field[0], "inputs[evenements/b.csv].sha256");
    assert_string_equal(d.expected[0], SHA_AB12);
    assert_string_equal(d.actual[0], SHA_EMPTY);
    /* an input's bytes are compared too */
    TU_WRITE_STR("in_c.yaml", M_HEAD "inputs:\n"
                                     "  - file: contrats/a.csv\n"
                                     "    bytes: 4\n"
                                     "    sha256: " SHA_ABC "\n"
                                     "  - file: evenements/b.csv\n"
                                     "    bytes: 8\n"
                                     "    sha256: " SHA_AB12 "\n"
                                     "outputs: []\n");
    assert_int_equal(compare_files(tu_path("in_a.yaml"), tu_path("in_c.yaml"), &d), 1);
    assert_string_equal(d.field[0], "inputs[contrats/a.csv].bytes");
    /* a parameter */
    TU_WRITE_STR("in_d.yaml",
                 "software: apprentissage-indicateurs\n"
                 "version: \"0.1.0\"\n"
                 "parameters:\n"
                 "  observation_date: \"2024-07-31\"\n"
                 "  targets: [\"2024:AKTO=100\"]\n" M_INPUTS(SHA_AB12) "outputs: []\n");
    assert_int_equal(compare_files(tu_path("in_a.yaml"), tu_path("in_d.yaml"), &d), 1);
    assert_string_equal(d.field[0], "parameters.observation_date");
    assert_string_equal(d.expected[0], "2024-06-30");
    assert_string_equal(d.actual[0], "2024-07-31");
}

static void test_compare_outputs(void **state)
{
    (void)state;
    struct diffs d;
    TU_WRITE_STR("out_a.yaml",
                 M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_XLSX("500", SHA_EMPTY, SHA_WORKBOOK)
                     M_OUT_GZ("croissance.csv.gz", "80", SHA_ABC, SHA_CROISSANCE));
    /* another zlib: the compressed sizes and hashes differ, nothing else */
    TU_WRITE_STR("out_b.yaml",
                 M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_XLSX("512", SHA_AB12, SHA_WORKBOOK)
                     M_OUT_GZ("croissance.csv.gz", "81", SHA_CFA, SHA_CROISSANCE));
    if (compare_files(tu_path("out_a.yaml"), tu_path("out_b.yaml"), &d) != 0) {
        print_diffs(&d);
        fail_msg("compressed sizes and hashes reported");
    }
    /* the content differs */
    TU_WRITE_STR("out_c.yaml",
                 M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_XLSX("500", SHA_EMPTY, SHA_WORKBOOK)
                     M_OUT_GZ("croissance.csv.gz", "80", SHA_ABC, SHA_CROISSANCE2));
    if (compare_files(tu_path("out_a.yaml"), tu_path("out_c.yaml"), &d) != 1) {
        print_diffs(&d);
        fail_msg("%d differences, expected 1", d.n);
    }
    assert_string_equal(d.field[0], "outputs[croissance.csv.gz].content_sha256");
    assert_string_equal(d.expected[0], SHA_CROISSANCE);
    assert_string_equal(d.actual[0], SHA_CROISSANCE2);
    /* a workbook part differs (and its compressed size and hash, not reported) */
    TU_WRITE_STR("out_d.yaml",
                 M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_XLSX("501", SHA_ABC, SHA_TYPES)
                     M_OUT_GZ("croissance.csv.gz", "80", SHA_ABC, SHA_CROISSANCE));
    if (compare_files(tu_path("out_a.yaml"), tu_path("out_d.yaml"), &d) != 1) {
        print_diffs(&d);
        fail_msg("%d differences, expected 1", d.n);
    }
    assert_non_null(strstr(d.field[0], "bilan.xlsx"));
    assert_non_null(strstr(d.field[0], "xl/workbook.xml"));
    assert_string_equal(d.expected[0], SHA_WORKBOOK);
    assert_string_equal(d.actual[0], SHA_TYPES);
    /* an output missing from the actual manifest */
    TU_WRITE_STR("out_e.yaml",
                 M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_XLSX("500", SHA_EMPTY, SHA_WORKBOOK));
    assert_int_equal(compare_files(tu_path("out_a.yaml"), tu_path("out_e.yaml"), &d), 1);
    assert_non_null(strstr(d.field[0], "croissance.csv.gz"));
    /* an output more in the actual manifest, at the end of the list */
    assert_int_equal(compare_files(tu_path("out_e.yaml"), tu_path("out_a.yaml"), &d), 1);
    assert_non_null(strstr(d.field[0], "croissance.csv.gz"));
    /* the same outputs in another order: no difference */
    TU_WRITE_STR("out_f.yaml", M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_GZ(
                                   "croissance.csv.gz", "80", SHA_ABC, SHA_CROISSANCE)
                                   M_OUT_XLSX("500", SHA_EMPTY, SHA_WORKBOOK));
    assert_int_equal(compare_files(tu_path("out_a.yaml"), tu_path("out_f.yaml"), &d), 0);
}

/* Regression (was a bug): an item that the actual manifest has more than the expected one is
 * reported only when it sits after the last item of the expected list. In a list of n expected
 * items, the actual list's items 0..n-1 are only looked up by the expected items' names, and only
 * the actual items from index n on are checked for being absent from the expected list; so an extra
 * output whose name sorts before the last one (outputs are listed in name order) is never reported:
 * [bilan.xlsx, croissance.csv.gz] against [bilan.xlsx, extra.csv.gz, croissance.csv.gz] gives 0
 * differences. The contract: "compares two manifests field by field ... Calls fn for each
 * difference". */
static void test_compare_extra_output_in_the_middle(void **state)
{
    (void)state;
    struct diffs d;
    TU_WRITE_STR("mid_a.yaml",
                 M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_XLSX("500", SHA_EMPTY, SHA_WORKBOOK)
                     M_OUT_GZ("croissance.csv.gz", "80", SHA_ABC, SHA_CROISSANCE));
    TU_WRITE_STR("mid_b.yaml",
                 M_HEAD M_INPUTS(SHA_AB12) "outputs:\n" M_OUT_XLSX("500", SHA_EMPTY, SHA_WORKBOOK)
                     M_OUT_GZ("extra.csv.gz", "80", SHA_ABC, SHA_REJETS)
                         M_OUT_GZ("croissance.csv.gz", "80", SHA_ABC, SHA_CROISSANCE));
    if (compare_files(tu_path("mid_a.yaml"), tu_path("mid_b.yaml"), &d) != 1) {
        print_diffs(&d);
        fail_msg(
            "regression: %d differences for an output more in the middle of the list, expected 1",
            d.n);
    }
    assert_non_null(strstr(d.field[0], "extra.csv.gz"));
}

/* ---- manifest_check_published ------------------------------------------ */

static void test_check_published(void **state)
{
    (void)state;
    struct diffs d;
    char mpath[300], err[1024] = "", before[65], after[65];
    gzFile g;
    write_manifest("pub", NULL, 0);
    manifest_path("pub", mpath, sizeof mpath);
    memset(&d, 0, sizeof d);
    assert_int_equal(manifest_check_published(mpath, on_diff, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 0);

    /* the same content compressed otherwise (stored, level 0): still no difference */
    file_sha(tu_path("pub/croissance.csv.gz"), before, NULL);
    g = gzopen(tu_path("pub/croissance.csv.gz"), "wb0");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, CROISSANCE, sizeof CROISSANCE - 1), sizeof CROISSANCE - 1);
    assert_int_equal(gzclose(g), Z_OK);
    file_sha(tu_path("pub/croissance.csv.gz"), after, NULL);
    assert_string_not_equal(before, after);
    memset(&d, 0, sizeof d);
    assert_int_equal(manifest_check_published(mpath, on_diff, &d, err, sizeof err), 0);

    /* a changed table */
    tu_write_gz("pub/croissance.csv.gz", CROISSANCE2, sizeof CROISSANCE2 - 1);
    memset(&d, 0, sizeof d);
    assert_int_equal(manifest_check_published(mpath, on_diff, &d, err, sizeof err), 1);
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.field[0], "croissance.csv.gz"));
    assert_string_equal(d.expected[0], SHA_CROISSANCE);
    assert_string_equal(d.actual[0], SHA_CROISSANCE2);

    /* restored, and another output removed: only what sits beside the manifest is checked */
    tu_write_gz("pub/croissance.csv.gz", CROISSANCE, sizeof CROISSANCE - 1);
    assert_int_equal(unlink(tu_path("pub/rejets.csv.gz")), 0);
    memset(&d, 0, sizeof d);
    assert_int_equal(manifest_check_published(mpath, on_diff, &d, err, sizeof err), 0);

    /* a workbook part changed */
    {
        static const char *const other[] = {"<Types/>", "<workbook>changed</workbook>"};
        write_zip("pub/bilan.xlsx", part_names, other, 2);
    }
    memset(&d, 0, sizeof d);
    assert_int_equal(manifest_check_published(mpath, on_diff, &d, err, sizeof err), 1);
    assert_non_null(strstr(d.field[0], "bilan.xlsx"));
    assert_non_null(strstr(d.field[0], "xl/workbook.xml"));
    assert_string_equal(d.expected[0], SHA_WORKBOOK);

    /* an unreadable manifest */
    err[0] = '\0';
    assert_int_equal(
        manifest_check_published(tu_path("pub/absent.yaml"), on_diff, &d, err, sizeof err), -1);
    assert_true(err[0] != '\0');
}

/* ---- manifest_zip_parts ------------------------------------------------ */

/* The parts listed through manifest_part_fn, in the order given. */
struct partlist {
    size_t n;
    char name[64][128];
    char sha[64][65];
};

static void on_part(void *data, const char *name, const char *sha256)
{
    struct partlist *l = data;
    assert_true(l->n < 64);
    snprintf(l->name[l->n], sizeof l->name[l->n], "%s", name);
    snprintf(l->sha[l->n], sizeof l->sha[l->n], "%s", sha256);
    l->n++;
}

/* The parts of the zip at path read here one after the other with minizip, each hashed with
 * OpenSSL's EVP: the list manifest_zip_parts must give, by another way. */
static void read_parts_here(const char *path, struct partlist *l)
{
    unzFile z = unzOpen(path);
    unsigned char buf[4096];
    int rc, n;
    memset(l, 0, sizeof *l);
    assert_non_null(z);
    for (rc = unzGoToFirstFile(z); rc == UNZ_OK; rc = unzGoToNextFile(z)) {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        unsigned char md[32];
        unsigned int mdlen = 0, k;
        unz_file_info info;
        assert_true(l->n < 64);
        assert_int_equal(
            unzGetCurrentFileInfo(z, &info, l->name[l->n], sizeof l->name[l->n], NULL, 0, NULL, 0),
            UNZ_OK);
        assert_int_equal(unzOpenCurrentFile(z), UNZ_OK);
        assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
        while ((n = unzReadCurrentFile(z, buf, sizeof buf)) > 0)
            EVP_DigestUpdate(ctx, buf, (size_t)n);
        assert_int_equal(n, 0);
        assert_int_equal(EVP_DigestFinal_ex(ctx, md, &mdlen), 1);
        EVP_MD_CTX_free(ctx);
        for (k = 0; k < mdlen; k++)
            snprintf(l->sha[l->n] + 2 * k, 3, "%02x", md[k]);
        assert_int_equal(unzCloseCurrentFile(z), UNZ_OK);
        l->n++;
    }
    assert_int_equal(rc, UNZ_END_OF_LIST_OF_FILE);
    unzClose(z);
}

/* A workbook as report writes one (libxlsxwriter): sheets of very different sizes, the largest
 * neither first nor last, a chart, shared strings. */
static const char *write_workbook(const char *name)
{
    static const int rows[] = {3, 40, 20000, 400, 1};
    const char *p = tu_path(name);
    lxw_workbook *wb = workbook_new(p);
    lxw_chart *chart;
    char text[64];
    size_t s;
    int r;
    assert_non_null(wb);
    for (s = 0; s < sizeof rows / sizeof *rows; s++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
        assert_non_null(ws);
        for (r = 0; r < rows[s]; r++) {
            snprintf(text, sizeof text, "ligne %d de la feuille %zu", r, s);
            worksheet_write_string(ws, (lxw_row_t)r, 0, text, NULL);
            worksheet_write_number(ws, (lxw_row_t)r, 1, r * 1.5 + (double)s, NULL);
            worksheet_write_number(ws, (lxw_row_t)r, 2, r % 97, NULL);
        }
        if (s == 1) {
            chart = workbook_add_chart(wb, LXW_CHART_COLUMN);
            chart_add_series(chart, NULL, "=Sheet2!$B$1:$B$40");
            worksheet_insert_chart(ws, 0, 4, chart);
        }
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    return p;
}

/* Whatever the number of readers, the parts come in the zip's order with the hashes a plain
 * sequential read gives. */
static void test_zip_parts_threads(void **state)
{
    (void)state;
    static const int threads[] = {1, 2, 3, 8, 50};
    struct partlist want, got;
    const char *p = write_workbook("threads.xlsx");
    size_t i, k, largest = 0;
    read_parts_here(p, &want);
    assert_true(want.n > 10);
    /* the test means something only when the largest part is not first: the readers take
     * the parts largest first, the list must not follow */
    {
        unzFile z = unzOpen(p);
        unz_file_info info;
        uLong big = 0;
        for (i = 0, k = unzGoToFirstFile(z); (int)k == UNZ_OK; i++, k = unzGoToNextFile(z)) {
            assert_int_equal(unzGetCurrentFileInfo(z, &info, NULL, 0, NULL, 0, NULL, 0), UNZ_OK);
            if (info.uncompressed_size > big)
                big = info.uncompressed_size, largest = i;
        }
        unzClose(z);
    }
    assert_true(largest > 0 && largest < want.n - 1);
    for (i = 0; i < sizeof threads / sizeof *threads; i++) {
        memset(&got, 0, sizeof got);
        assert_int_equal(manifest_zip_parts_threads(p, threads[i], on_part, &got), 0);
        assert_int_equal(got.n, want.n);
        for (k = 0; k < want.n; k++) {
            assert_string_equal(got.name[k], want.name[k]);
            assert_string_equal(got.sha[k], want.sha[k]);
        }
    }
    memset(&got, 0, sizeof got);
    assert_int_equal(manifest_zip_parts(p, on_part, &got), 0);
    assert_int_equal(got.n, want.n);
    assert_string_equal(got.sha[largest], want.sha[largest]);
}

/* A zip whose third part (the largest, so read first) has a wrong CRC-32: -1, and the parts
 * before it in the zip's order are listed, as a reader going through the zip in order would
 * have done; whatever the number of readers. A zip that is no zip: -1, nothing listed. */
static void test_zip_parts_bad_part(void **state)
{
    (void)state;
    static const int threads[] = {1, 2, 3, 8};
    const char *p = tu_path("badcrc.zip");
    char *big = malloc(200001);
    struct partlist got;
    zip_fileinfo zi;
    zipFile z;
    size_t i;
    assert_non_null(big);
    memset(big, 'x', 200000);
    big[200000] = '\0';
    unlink(p);
    z = zipOpen(p, APPEND_STATUS_CREATE);
    assert_non_null(z);
    memset(&zi, 0, sizeof zi);
    assert_int_equal(zipOpenNewFileInZip(z, "a.xml", &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                         Z_DEFAULT_COMPRESSION),
                     ZIP_OK);
    assert_int_equal(zipWriteInFileInZip(z, "<Types/>", 8), ZIP_OK);
    assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
    assert_int_equal(zipOpenNewFileInZip(z, "b.xml", &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                         Z_DEFAULT_COMPRESSION),
                     ZIP_OK);
    assert_int_equal(zipWriteInFileInZip(z, "<workbook/>", 11), ZIP_OK);
    assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
    /* stored as is (raw), with a CRC-32 that is not the content's */
    assert_int_equal(zipOpenNewFileInZip2(z, "c.xml", &zi, NULL, 0, NULL, 0, NULL, 0, 0, 1),
                     ZIP_OK);
    assert_int_equal(zipWriteInFileInZip(z, big, 200000), ZIP_OK);
    assert_int_equal(zipCloseFileInZipRaw(z, 200000, 0x12345678), ZIP_OK);
    assert_int_equal(zipOpenNewFileInZip(z, "d.xml", &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                         Z_DEFAULT_COMPRESSION),
                     ZIP_OK);
    assert_int_equal(zipWriteInFileInZip(z, "abc", 3), ZIP_OK);
    assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
    assert_int_equal(zipClose(z, NULL), ZIP_OK);
    free(big);
    for (i = 0; i < sizeof threads / sizeof *threads; i++) {
        memset(&got, 0, sizeof got);
        assert_int_equal(manifest_zip_parts_threads(p, threads[i], on_part, &got), -1);
        assert_int_equal(got.n, 2);
        assert_string_equal(got.name[0], "a.xml");
        assert_string_equal(got.sha[0], SHA_TYPES);
        assert_string_equal(got.name[1], "b.xml");
        assert_string_equal(got.sha[1], SHA_WORKBOOK);
    }
    memset(&got, 0, sizeof got);
    assert_int_equal(manifest_zip_parts(TU_WRITE_STR("nozip.xlsx", "not a zip\n"), on_part, &got),
                     -1);
    assert_int_equal(got.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_plain),
        cmocka_unit_test(test_sha256_gz),
        cmocka_unit_test(test_sha256_gz_truncated),
        cmocka_unit_test(test_hash_inputs),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_write_deterministic),
        cmocka_unit_test(test_compare_identical),
        cmocka_unit_test(test_compare_input_sha),
        cmocka_unit_test(test_compare_outputs),
        cmocka_unit_test(test_compare_extra_output_in_the_middle),
        cmocka_unit_test(test_check_published),
        cmocka_unit_test(test_zip_parts_threads),
        cmocka_unit_test(test_zip_parts_bad_part),
    };
    return cmocka_run_group_tests(tests, setup, tu_teardown_tmpdir_tree);
}
