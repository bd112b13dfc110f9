/*
 * generate: deterministic synthetic data for the apprenticeship pipeline.
 *
 *   generate --samples DIR    the committed sample drop (contrats/, evenements/,
 *                             participations/), same bytes on every run
 *   generate --bench N DIR    DIR/contrats/contrats_20250115.csv, N contracts
 *                             (plain UTF-8, comma, DECA flat column names)
 *
 * Standalone C11 + zlib. Own PRNG (splitmix64, fixed seed), no clock, no
 * locale; gzip members are written by deflateInit2(15+16): no name, mtime 0.
 * Every name and birth date is invented (syllables), every SIRET is Luhn-valid
 * (La Poste ones: digit sum multiple of 5), every UAI has its check letter.
 * See samples/README.md for what the sample drop holds and the figures it
 * reproduces (spec/published-figures.md).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* --- PRNG: splitmix64 ------------------------------------------------------ */
static uint64_t rng_s;
static uint64_t next64(void)
{
    uint64_t z = (rng_s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static uint32_t rnd(uint32_t n)
{
    return (uint32_t)(((next64() >> 32) * (uint64_t)n) >> 32);
}
static double rndf(void)
{
    return (double)(next64() >> 11) * (1.0 / 9007199254740992.0);
}
static int chance(double p)
{
    return rndf() < p;
}
static int pickw(const int *w, int n)
{
    int t = 0, i;
    for (i = 0; i < n; i++)
        t += w[i];
    int r = (int)rnd((uint32_t)t);
    for (i = 0; i < n - 1; i++) {
        if (r < w[i])
            return i;
        r -= w[i];
    }
    return n - 1;
}

static void die(const char *what)
{
    fprintf(stderr, "generate: %s: %s\n", what, errno ? strerror(errno) : "error");
    exit(1);
}
static void *xcalloc(size_t n, size_t s)
{
    void *p = calloc(n ? n : 1, s);
    if (!p)
        die("out of memory");
    return p;
}

/* --- dates: days since 1970-01-01 ----------------------------------------- */
static int dfc(int y, int m, int d) /* days from civil */
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}
static void cfd(int z, int *y, int *m, int *d) /* civil from days */
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}
static int mdays(int y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : md[m - 1];
}
static int add_months(int z, int n)
{
    int y, m, d;
    cfd(z, &y, &m, &d);
    int t = y * 12 + (m - 1) + n;
    y = t / 12;
    m = t % 12 + 1;
    if (d > mdays(y, m))
        d = mdays(y, m);
    return dfc(y, m, d);
}
static int year_of(int z)
{
    int y, m, d;
    cfd(z, &y, &m, &d);
    return y;
}
enum { DS_DMY, DS_ISO, DS_YMD, DS_DMY1 };
static void fmt_date(char *b, int z, int style)
{
    int y, m, d;
    cfd(z, &y, &m, &d);
    if (style == DS_DMY)
        sprintf(b, "%02d/%02d/%04d", d % 100, m % 100, y % 10000);
    else if (style == DS_ISO)
        sprintf(b, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    else if (style == DS_YMD)
        sprintf(b, "%04d%02d%02d", y % 10000, m % 100, d % 100);
    else /* D-M-YYYY, no padding */
        sprintf(b, "%d-%d-%04d", d % 100, m % 100, y % 10000);
}
/* a date in the year with the seasonality of real entries (peak Aug-Oct) */
static const int month_w[12] = {5, 4, 5, 4, 4, 5, 8, 13, 24, 14, 6, 8};
static int season_date(int y)
{
    int m = pickw(month_w, 12) + 1;
    return dfc(y, m, 1 + (int)rnd((uint32_t)mdays(y, m)));
}

/* --- output: buffered plain or gzip, optional UTF-8 -> Windows-1252 -------- */
typedef struct {
    FILE *f;
    int gz, cp1252, crlf;
    char delim;
    z_stream z;
    unsigned char *buf, *zb;
    size_t n;
} Out;
#define OBUF (1u << 20)
static const char *out_path;
static void out_raw_flush(Out *o, int fin)
{
    if (!o->gz) {
        if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n)
            die(out_path);
        o->n = 0;
        return;
    }
    o->z.next_in = o->buf;
    o->z.avail_in = (uInt)o->n;
    int r;
    do {
        o->z.next_out = o->zb;
        o->z.avail_out = OBUF;
        r = deflate(&o->z, fin ? Z_FINISH : Z_NO_FLUSH);
        size_t k = OBUF - o->z.avail_out;
        if (k && fwrite(o->zb, 1, k, o->f) != k)
            die(out_path);
    } while (o->z.avail_out == 0 || (fin && r != Z_STREAM_END));
    o->n = 0;
}
static void out_open(Out *o, const char *path, int gz, int cp1252, char delim, int crlf)
{
    memset(o, 0, sizeof *o);
    out_path = path;
    if (!(o->f = fopen(path, "wb")))
        die(path);
    o->gz = gz, o->cp1252 = cp1252, o->delim = delim, o->crlf = crlf;
    o->buf = xcalloc(OBUF, 1);
    if (gz) {
        o->zb = xcalloc(OBUF, 1);
        if (deflateInit2(&o->z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            die("deflateInit2");
    }
}
static void out_close(Out *o)
{
    out_raw_flush(o, 1);
    if (o->gz)
        deflateEnd(&o->z);
    if (fclose(o->f))
        die(out_path);
    free(o->buf);
    free(o->zb);
}
static void out_byte(Out *o, unsigned char c)
{
    if (o->n == OBUF)
        out_raw_flush(o, 0);
    o->buf[o->n++] = c;
}
static void out_str(Out *o, const char *s)
{
    for (; *s; s++)
        out_byte(o, (unsigned char)*s);
}
/* A cell: quoted when it holds the delimiter, a quote or a line break. In the
 * cell text, \x01 stands for a NUL byte and \x02 for the undefined
 * Windows-1252 byte 0x81 (both written raw, for the ENCODAGE rows). */
static void out_cell(Out *o, const char *s)
{
    int q = strchr(s, o->delim) || strpbrk(s, "\"\r\n");
    if (q)
        out_byte(o, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (c == 1)
            c = 0;
        else if (c == 2)
            c = 0x81;
        else if (o->cp1252 && (c == 0xC2 || c == 0xC3) && p[1]) {
            c = ((c & 0x1F) << 6) | (p[1] & 0x3F);
            p++;
        } else if (o->cp1252 && c >= 0x80) {
            c = '?';
            while ((p[1] & 0xC0) == 0x80)
                p++;
        }
        if (c == '"')
            out_byte(o, '"');
        out_byte(o, (unsigned char)c);
    }
    if (q)
        out_byte(o, '"');
}
static void out_eol(Out *o)
{
    if (o->crlf)
        out_byte(o, '\r');
    out_byte(o, '\n');
}
static void out_row(Out *o, char **cells, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            out_byte(o, (unsigned char)o->delim);
        out_cell(o, cells[i]);
    }
    out_eol(o);
}
static void mkdirs(const char *dir, const char *sub)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
    if (sub) {
        snprintf(p, sizeof p, "%s/%s", dir, sub);
        if (mkdir(p, 0755) && errno != EEXIST)
            die(p);
    }
}

/* --- identifiers: SIREN/SIRET (Luhn), UAI ---------------------------------- */
static int luhn_digit(uint64_t prefix) /* check digit appended to prefix */
{
    int s = 0, dbl = 1;
    for (; prefix; prefix /= 10, dbl ^= 1) {
        int d = (int)(prefix % 10);
        if (dbl)
            d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        s += d;
    }
    return (10 - s % 10) % 10;
}
/* SIREN number idx: a bijection of idx onto 8 digits (no leading 0) + Luhn */
static uint32_t make_siren(uint32_t idx)
{
    uint64_t v = 10000000u + ((uint64_t)idx * 7654321u + 31415926u) % 90000000u;
    if (v == 35600000u)
        v = 99999998u; /* never the La Poste prefix */
    return (uint32_t)(v * 10 + (uint64_t)luhn_digit(v));
}
static uint64_t make_siret(uint32_t siren, int estab)
{
    uint64_t p =
        (uint64_t)siren * 10000u + (uint64_t)((siren / 7 + 13 * (unsigned)estab) % 9000u + 10u);
    return p * 10 + (uint64_t)luhn_digit(p);
}
static uint64_t la_poste_siret(int k) /* 356000000 + 5 digits, digit sum % 5 == 0 */
{
    uint64_t base = 35600000000000ULL + 10u * (uint64_t)(100 + k * 37 % 900); /* NIC 0xxxx */
    for (uint64_t s = base;; s++) {
        int sum = 0;
        for (uint64_t t = s; t; t /= 10)
            sum += (int)(t % 10);
        if (sum % 5 == 0)
            return s;
    }
}
static const char UAI_L[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
static void make_uai(char *b, int n7)
{
    unsigned u = (unsigned)n7 % 10000000u;
    sprintf(b, "%07u%c", u, UAI_L[u % 23]);
}

/* --- reference data -------------------------------------------------------- */
// clang-format off
static const char *DEPTS[][2] = {
    {"01", "84"}, {"02", "32"}, {"03", "84"}, {"04", "93"}, {"05", "93"}, {"06", "93"}, {"07", "84"},
    {"08", "44"}, {"09", "76"}, {"10", "44"}, {"11", "76"}, {"12", "76"}, {"13", "93"}, {"14", "28"},
    {"15", "84"}, {"16", "75"}, {"17", "75"}, {"18", "24"}, {"19", "75"}, {"2A", "94"}, {"2B", "94"},
    {"21", "27"}, {"22", "53"}, {"23", "75"}, {"24", "75"}, {"25", "27"}, {"26", "84"}, {"27", "28"},
    {"28", "24"}, {"29", "53"}, {"30", "76"}, {"31", "76"}, {"32", "76"}, {"33", "75"}, {"34", "76"},
    {"35", "53"}, {"36", "24"}, {"37", "24"}, {"38", "84"}, {"39", "27"}, {"40", "75"}, {"41", "24"},
    {"42", "84"}, {"43", "84"}, {"44", "52"}, {"45", "24"}, {"46", "76"}, {"47", "75"}, {"48", "76"},
    {"49", "52"}, {"50", "28"}, {"51", "44"}, {"52", "44"}, {"53", "52"}, {"54", "44"}, {"55", "44"},
    {"56", "53"}, {"57", "44"}, {"58", "27"}, {"59", "32"}, {"60", "32"}, {"61", "28"}, {"62", "32"},
    {"63", "84"}, {"64", "75"}, {"65", "76"}, {"66", "76"}, {"67", "44"}, {"68", "44"}, {"69", "84"},
    {"70", "27"}, {"71", "27"}, {"72", "52"}, {"73", "84"}, {"74", "84"}, {"75", "11"}, {"76", "28"},
    {"77", "11"}, {"78", "11"}, {"79", "75"}, {"80", "32"}, {"81", "76"}, {"82", "76"}, {"83", "93"},
    {"84", "93"}, {"85", "52"}, {"86", "75"}, {"87", "75"}, {"88", "44"}, {"89", "27"}, {"90", "27"},
    {"91", "11"}, {"92", "11"}, {"93", "11"}, {"94", "11"}, {"95", "11"}, {"971", "01"}, {"972", "02"},
    {"973", "03"}, {"974", "04"}, {"976", "06"}};
// clang-format on
#define NDEPT ((int)(sizeof DEPTS / sizeof DEPTS[0]))
/* a plausible postcode of département k (a town's code: 000-900 step 100, 2A/2B/DOM apart) */
static void dept_postcode(char *b, int k)
{
    const char *d = DEPTS[k][0];
    if (!strcmp(d, "2A"))
        sprintf(b, "200%02u", 90 + rnd(10));
    else if (!strcmp(d, "2B"))
        sprintf(b, "20%03u", 200 + 10 * rnd(40));
    else if (strlen(d) == 3)
        sprintf(b, "%s%02u", d, 10 * rnd(10));
    else
        sprintf(b, "%s%u00", d, rnd(10));
}
// clang-format off
static const char *REGIONS[][2] = {
    {"01", "Guadeloupe"}, {"02", "Martinique"}, {"03", "Guyane"}, {"04", "La Réunion"},
    {"06", "Mayotte"}, {"11", "Île-de-France"}, {"24", "Centre-Val de Loire"},
    {"27", "Bourgogne-Franche-Comté"}, {"28", "Normandie"}, {"32", "Hauts-de-France"},
    {"44", "Grand Est"}, {"52", "Pays de la Loire"}, {"53", "Bretagne"},
    {"75", "Nouvelle-Aquitaine"}, {"76", "Occitanie"}, {"84", "Auvergne-Rhône-Alpes"},
    {"93", "Provence-Alpes-Côte d'Azur"}, {"94", "Corse"}};
// clang-format on
#define NREG 18
#define REG_NORMANDIE 8
#define REG_BRETAGNE 12
static int dept_of_region(int r) /* a random département of region index r */
{
    int c[16], n = 0;
    for (int k = 0; k < NDEPT; k++)
        if (!strcmp(DEPTS[k][1], REGIONS[r][0]))
            c[n++] = k;
    return c[rnd((uint32_t)n)];
}
// clang-format off
static const char *NORM_CP[] = {"14000", "14100", "14200", "14400", "14500", "14700", "14800",
                                "27000", "27100", "27200", "27400", "27500", "50000", "50100",
                                "50200", "50300", "50400", "61000", "61100", "61200", "61300",
                                "76000", "76100", "76200", "76300", "76400", "76600", "76800"};
// clang-format on
// clang-format off
static const char *PDL_CP[] = {"44000", "44100", "44300", "44600", "49000", "49100", "49300",
                               "53000", "53100", "72000", "72100", "85000", "85100", "85300"};
// clang-format on
// clang-format off
static const char *BRE_CP[] = {"22000", "22100", "29200", "29000", "29600", "35000",
                               "35400", "35700", "56000", "56100", "56300"};
// clang-format on

enum {
    AKTO,
    OPCO_EP,
    OPCOMMERCE,
    CONSTRUCTYS,
    OPCO_SANTE,
    OPCO2I,
    OPCO_MOB,
    UNIFORMATION,
    ATLAS,
    OCAPIAT,
    AFDAS,
    NOPCO
};
// clang-format off
static const char *OPCO_FORMS[NOPCO][3] = {
    {"AKTO", "Akto", "OPCO AKTO"},          {"OPCO EP", "Opco-EP", "OPCO_EP"},
    {"OPCOMMERCE", "L'Opcommerce", "OPCO Commerce"}, {"CONSTRUCTYS", "Opco Constructys", "Constructys"},
    {"OPCO Santé", "OPCO_SANTE", "Opco de la santé"}, {"OPCO 2i", "OPCO2I", "Opco interindustriel"},
    {"OPCO Mobilités", "OPCO_MOBILITES", "Opco des mobilités"},
    {"Uniformation", "OPCO Cohésion sociale", "UNIFORMATION"}, {"ATLAS", "Opco Atlas", "Atlas"},
    {"OCAPIAT", "Opco Ocapiat", "Ocapiat"}, {"AFDAS", "OPCO Afdas", "Afdas"}};
// clang-format on
/* sector: NAF code and IDCC (from schemas/referentiels/idcc_opco.csv) of each OPCO */
// clang-format off
static const struct { int opco; const char *naf, *idcc; int w; } SECT[] = {
    {AKTO, "5610A", "1979", 30}, {AKTO, "5610C", "1501", 8},  {AKTO, "5510Z", "1979", 10},
    {AKTO, "5630Z", "1979", 6},  {AKTO, "5621Z", "1501", 3},  {AKTO, "8559A", "1516", 4},
    {AKTO, "8220Z", "2098", 3},  {OPCO_EP, "9602A", "2596", 5}, {OPCO_EP, "1071C", "0843", 6},
    {OPCO_EP, "6910Z", "1000", 2}, {OPCOMMERCE, "4711D", "2216", 5}, {OPCOMMERCE, "4711F", "2216", 3},
    {OPCOMMERCE, "4771Z", "2216", 2}, {CONSTRUCTYS, "4322A", "1596", 4},
    {CONSTRUCTYS, "4120A", "1597", 3}, {CONSTRUCTYS, "4399C", "1596", 2},
    {OPCO_SANTE, "8810A", "0029", 3}, {OPCO_SANTE, "8610Z", "2264", 2}, {OPCO2I, "2511Z", "3248", 3},
    {OPCO2I, "2562B", "3248", 2}, {OPCO_MOB, "4520A", "1090", 4}, {OPCO_MOB, "4941A", "0016", 2},
    {UNIFORMATION, "8891A", "2941", 2}, {UNIFORMATION, "9499Z", "1261", 2},
    {ATLAS, "6920Z", "1486", 2}, {ATLAS, "7112B", "1486", 1}, {OCAPIAT, "1013A", "7024", 2},
    {OCAPIAT, "0111Z", "7024", 2}, {AFDAS, "9312Z", "2121", 1}, {AFDAS, "9001Z", "1790", 1}};
// clang-format on
#define NSECT ((int)(sizeof SECT / sizeof SECT[0]))
static int sector_of(int opco)
{
    int w[NSECT];
    for (int i = 0; i < NSECT; i++)
        w[i] = SECT[i].opco == opco ? SECT[i].w : 0;
    return pickw(w, NSECT);
}
static const int EFF_W[] = {30, 25, 20, 12, 8, 5};
static const int EFF_LO[] = {0, 3, 6, 11, 50, 250}, EFF_HI[] = {2, 5, 10, 49, 249, 900};

/* --- invented names -------------------------------------------------------- */
// clang-format off
static const char *SYL[] = {"bra", "vo", "lin", "tes", "sa", "ri", "mo", "ran", "ke", "lu",
                            "ti", "por", "ne", "va", "gal", "do", "ser", "mi", "cor", "bel",
                            "za", "fu", "rou", "tan", "qui", "len", "ba", "dor", "sel", "vi",
                            "pa", "gre", "no", "ju", "fa", "lo", "cha", "ste", "mu", "ze"};
// clang-format on
#define NSYL ((uint32_t)(sizeof SYL / sizeof SYL[0]))
static const char *SUR_END[] = {"",    "in", "ide", "ard", "ot",  "el",
                                "ier", "ac", "eau", "on",  "ade", "uy"};
static const char *M_END[] = {"ric", "ton", "van", "mel", "dric",
                              "las", "bin", "tin", "lo",  "rien"};
static const char *F_END[] = {"lia", "ne", "ette", "ine", "ra", "lise", "nie", "die", "na", "elle"};
static void cap(char *s)
{
    if (*s >= 'a' && *s <= 'z')
        *s = (char)(*s - 32);
}
/* names of 7+ letters, so that no name is part of an ordinary word of the reports */
static void make_surname(char *b)
{
    do {
        int n = 2 + (int)rnd(2);
        b[0] = 0;
        for (int i = 0; i < n; i++)
            strcat(b, SYL[rnd(NSYL)]);
        strcat(b, SUR_END[rnd(12)]);
    } while (strlen(b) < 7);
    cap(b);
}
static void make_firstname(char *b, char sexe)
{
    do {
        strcpy(b, SYL[rnd(NSYL)]);
        strcat(b, SYL[rnd(NSYL)]);
        strcat(b, sexe == 'F' ? F_END[rnd(10)] : M_END[rnd(10)]);
    } while (strlen(b) < 7);
    cap(b);
}

/* --- companies, training centres, apprentices ------------------------------ */
typedef struct {
    uint32_t siren;
    char cp[6];
    int8_t sect; /* index in SECT, -1 for a training organisation */
    int8_t opco, eff;
    char uai[9]; /* training organisations acting as CFA */
} Company;
static Company *comp;
static int ncomp, capcomp;
static int new_company(int opco, const char *cp)
{
    if (ncomp == capcomp) {
        capcomp = capcomp ? capcomp * 2 : 4096;
        comp = realloc(comp, (size_t)capcomp * sizeof *comp);
        if (!comp)
            die("out of memory");
    }
    Company *c = &comp[ncomp];
    memset(c, 0, sizeof *c);
    c->siren = make_siren((uint32_t)ncomp + 1000);
    snprintf(c->cp, sizeof c->cp, "%s", cp);
    c->opco = (int8_t)opco;
    c->sect = opco < 0 ? -1 : (int8_t)sector_of(opco);
    c->eff = (int8_t)pickw(EFF_W, 6);
    if (opco < 0) {
        int dep = atoi(cp) / 1000;
        make_uai(c->uai, dep * 10000 + 1000 + (int)rnd(9000));
    }
    return ncomp++;
}
typedef struct {
    char nom[40], prenom[40];
    int naiss;
    char sexe;
} Person;
static Person *pers;
static int npers, cappers;
static const int AGE_W[] = {6, 14, 16, 16, 12, 10, 8, 5, 4, 3, 2, 2, 1, 1, 1, 1};
static int new_person(int deb)
{
    if (npers == cappers) {
        cappers = cappers ? cappers * 2 : 8192;
        pers = realloc(pers, (size_t)cappers * sizeof *pers);
        if (!pers)
            die("out of memory");
    }
    Person *p = &pers[npers];
    p->sexe = chance(0.38) ? 'F' : 'H';
    make_surname(p->nom);
    make_firstname(p->prenom, p->sexe);
    int a = 15 + pickw(AGE_W, 16);
    if (a == 30)
        a += (int)rnd(20);
    p->naiss = add_months(deb, -12 * a) - 1 - (int)rnd(364);
    return npers++;
}

/* --- sample contracts ------------------------------------------------------ */
enum { S_NORM, S_PDL, S_BRE, NSRC };
static const char *SRC_X[NSRC][4] = {{"2022-01-15", "2023-01-15", "2023-11-30", "2024-11-30"},
                                     {"2023-10-31", "2024-10-31"},
                                     {"2024-10-15"}};
static const int SRC_NX[NSRC] = {4, 2, 1};
static int X[NSRC][4];
enum { K_NORMAL, K_ANNULE, K_SUPPRIME, K_RAVANT, K_REJECT };
enum {
    D_NONE,
    D_COLONNES,
    D_REQ_NOM,
    D_REQ_CP,
    D_DATE_IMP,
    D_DATE_2Y,
    D_DATE_1899,
    D_DATES_FIN,
    D_DATES_RUPT,
    D_SIRET,
    D_UAI,
    D_ENUM_TYPE,
    D_ENUM_SEXE,
    D_CP4,
    D_AGE13,
    D_AGE81,
    D_ENC81,
    D_NUL,
    D_MULTI,
    D_EXTR,
    D_REQ_NUM
};
enum { I_NONE, I_NAF, I_IDCC, I_OPCO, I_NIV, I_EFF };
typedef struct {
    int deb, fin, concl, rupt, aven;
    int person, comp, cfa;
    uint32_t seq;
    int8_t src, kind, defect, opt, wopco, om, type, dip;
    uint8_t mask;   /* extraction indices where a version is written */
    int8_t rejv;    /* index of the extraction whose version carries `defect` */
    int8_t dup;     /* 1: last version twice; 2: twice, amended copy first */
    int8_t corrdeb; /* versions before the last one show a start 10 days earlier */
    int8_t linked, comment;
} Contract;
static Contract *ct;
static int nct, capct;
// clang-format off
static const struct { const char *cfd, *rncp, *niv; } DIP[] = {
    {"50022135", "37859", "3"}, {"50033427", "37861", "3"}, {"45022105", "37204", "4"},
    {"40022106", "35340", "4"}, {"32033405", "38373", "5"}, {"50022134", "37877", "3"},
    {"50033612", "35857", "3"}, {"32031213", "38362", "5"}, {"26033208", "36152", "6"},
    {"16031101", "35974", "7"}};
// clang-format on
static const int DIP_W[] = {24, 14, 8, 12, 8, 10, 6, 8, 6, 4};
static const char *TYPES[] = {"11", "21", "22", "23", "31", "32", "33", "35", "37"};
static const int TYPE_W[] = {88, 3, 2, 1, 2, 1, 1, 1, 1};

typedef struct {
    int first, n;
} Pool;
/* employer pools: [company region: 0 Normandie, 1 PdL, 2 Bretagne, 3 elsewhere][opco] */
static Pool emp[4][NOPCO], cfas[3];
static void make_pools(void)
{
    static const int sz[3][NOPCO] = {{5000, 700, 450, 400, 180, 220, 200, 120, 90, 100, 30},
                                     {500, 320, 220, 230, 90, 0, 0, 0, 0, 140, 0},
                                     {420, 240, 170, 190, 0, 0, 0, 0, 0, 180, 0}};
    static const char *OUT_CP[] = {"28000", "28100", "35000", "53000", "72000", "75011", "60000"};
    for (int r = 0; r < 3; r++) {
        const char **cps = r == 0 ? NORM_CP : r == 1 ? PDL_CP : BRE_CP;
        int ncp = r == 0 ? 28 : r == 1 ? 14 : 11;
        for (int o = 0; o < NOPCO; o++) {
            emp[r][o].first = ncomp;
            emp[r][o].n = sz[r][o];
            for (int i = 0; i < sz[r][o]; i++)
                new_company(o, cps[rnd((uint32_t)ncp)]);
        }
        cfas[r].first = ncomp;
        cfas[r].n = 24;
        for (int i = 0; i < 24; i++)
            new_company(-1, cps[rnd((uint32_t)ncp)]);
    }
    emp[3][AKTO].first = ncomp;
    emp[3][AKTO].n = 60;
    for (int i = 0; i < 60; i++)
        new_company(AKTO, OUT_CP[rnd(7)]);
}
static int pool_pick(const Pool *p)
{
    return p->first + (int)(chance(0.35) ? rnd((uint32_t)(p->n / 6 + 1)) : rnd((uint32_t)p->n));
}
static int src_last(int s)
{
    return X[s][SRC_NX[s] - 1];
}
static int first_x(int s, int d)
{
    for (int i = 0; i < SRC_NX[s]; i++)
        if (X[s][i] >= d)
            return i;
    return -1;
}
static const double P9[6] = {0.155, 0.15, 0.165, 0.185, 0.18, 0.175};
/* rupture date (0: none) of a contract: DARES-like 9-month rate for the entry year,
 * more in hotels-restaurants (NAF 55-56) and firms under 5; ~1/3 within 45 days */
static int draw_rupture(int y, const char *naf, int small, int deb, int fin)
{
    double p = P9[y - 2019] * (naf[0] == '5' && (naf[1] == '5' || naf[1] == '6') ? 1.2 : 0.9) *
               (small ? 1.1 : 0.97);
    double u = rndf();
    int r = 0;
    if (u < p)
        r = deb + (chance(0.44) ? 1 + (int)rnd(44) : 45 + (int)rnd(228));
    else if (u < p + 0.05)
        r = add_months(deb, 9) + (int)rnd((uint32_t)(fin - deb));
    if (r > fin)
        r = fin - (int)rnd(30);
    return r > deb ? r : 0;
}

/* one contract of source s, employer company e, started in year y */
static int new_contract(int s, int e, int y, int kind)
{
    if (nct == capct) {
        capct = capct ? capct * 2 : 16384;
        ct = realloc(ct, (size_t)capct * sizeof *ct);
        if (!ct)
            die("out of memory");
    }
    Contract *c = &ct[nct];
    memset(c, 0, sizeof *c);
    c->src = (int8_t)s, c->comp = e, c->kind = (int8_t)kind, c->seq = (uint32_t)nct + 1;
    do
        c->deb = season_date(y);
    while (c->deb > src_last(s));
    static const int DUR_W[] = {5, 25, 55, 15}, DUR_M[] = {6, 12, 24, 36};
    int dm = DUR_M[pickw(DUR_W, 4)];
    if (dm == 6)
        dm += (int)rnd(6);
    c->fin = add_months(c->deb, dm) - 1;
    c->concl = c->deb - 5 - (int)rnd(50);
    c->person = new_person(c->deb);
    c->cfa = pool_pick(&cfas[s]);
    c->dip = (int8_t)pickw(DIP_W, 10);
    c->type = (int8_t)pickw(TYPE_W, 9);
    c->wopco = comp[e].opco;
    int om = pickw((const int[]){86, 5, 6, 3}, 4);
    if (om == 3 && strcmp(SECT[comp[e].sect].idcc, "1979") && comp[e].opco == AKTO)
        om = 0;
    c->om = (int8_t)om;
    c->rupt = draw_rupture(y, SECT[comp[e].sect].naf, comp[e].eff < 2, c->deb, c->fin);
    if (kind == K_RAVANT)
        c->rupt = c->deb - 1 - (int)rnd(12);
    if (c->rupt > src_last(s))
        c->rupt = 0;
    if (chance(0.06)) {
        c->aven = c->deb + 30 + (int)rnd((uint32_t)(c->fin - c->deb - 30));
        if (c->aven > src_last(s) || (c->rupt && c->aven >= c->rupt))
            c->aven = 0;
    }
    /* versions: first extract after the start, then each extract that brings a change */
    int f = first_x(s, c->deb);
    c->mask = (uint8_t)(1u << f);
    int ir = c->rupt ? first_x(s, c->rupt > c->deb ? c->rupt : c->deb) : -1;
    int ia = c->aven ? first_x(s, c->aven) : -1;
    if (ir > f)
        c->mask |= (uint8_t)(1u << ir);
    if (ia > f)
        c->mask |= (uint8_t)(1u << ia);
    if (f + 1 < SRC_NX[s] && chance(0.10))
        c->mask |= (uint8_t)(1u << (f + 1 + (int)rnd((uint32_t)(SRC_NX[s] - f - 1))));
    if ((kind == K_ANNULE || kind == K_SUPPRIME) && f + 1 < SRC_NX[s])
        c->mask |= (uint8_t)(1u << (f + 1));
    if (kind == K_NORMAL && chance(0.004))
        c->dup = 1;
    if (kind == K_NORMAL) {
        static const int OPT_W[] = {994, 1, 1, 1, 1, 2};
        c->opt = (int8_t)pickw(OPT_W, 6);
        if (c->om == 3 && (c->opt == I_IDCC || c->opt == I_OPCO))
            c->opt = I_NONE;
    }
    c->rejv = -1;
    return nct++;
}

/* --- the sample population ------------------------------------------------- */
/* counted contracts per source, company region (0 Normandie, 1 PdL, 2 Bretagne,
 * 3 elsewhere) and OPCO, entry years 2019..2024. AKTO with a Normandie
 * employer: 2020 = 2159 + 10 + 4 = 2173, 2021 = 3050 + 15 + 6 = 3071. */
// clang-format off
static const struct { int8_t src, creg, opco; int n[6]; } GROUPS[] = {
    {S_NORM, 0, AKTO, {1420, 2159, 3050, 3150, 3180, 2990}},
    {S_NORM, 3, AKTO, {20, 25, 25, 25, 25, 20}},
    {S_NORM, 0, OPCO_EP, {300, 330, 360, 370, 380, 360}},
    {S_NORM, 0, OPCOMMERCE, {180, 200, 220, 230, 240, 230}},
    {S_NORM, 0, CONSTRUCTYS, {160, 180, 200, 210, 220, 210}},
    {S_NORM, 0, OPCO_SANTE, {70, 80, 90, 95, 100, 95}},
    {S_NORM, 0, OPCO2I, {90, 100, 110, 120, 125, 120}},
    {S_NORM, 0, OPCO_MOB, {80, 90, 100, 105, 110, 105}},
    {S_NORM, 0, UNIFORMATION, {40, 50, 60, 60, 65, 60}},
    {S_NORM, 0, ATLAS, {30, 35, 40, 45, 50, 48}},
    {S_NORM, 0, OCAPIAT, {40, 45, 50, 55, 55, 50}},
    {S_NORM, 0, AFDAS, {10, 12, 15, 15, 18, 15}},
    {S_PDL, 1, AKTO, {150, 230, 300, 320, 330, 320}},
    {S_PDL, 0, AKTO, {5, 10, 15, 12, 10, 8}},
    {S_PDL, 1, OPCO_EP, {120, 150, 180, 190, 200, 190}},
    {S_PDL, 1, OPCOMMERCE, {80, 100, 120, 130, 140, 130}},
    {S_PDL, 1, CONSTRUCTYS, {90, 100, 120, 125, 130, 125}},
    {S_PDL, 1, OPCO_SANTE, {30, 40, 50, 50, 55, 50}},
    {S_PDL, 1, OCAPIAT, {50, 60, 70, 75, 75, 70}},
    {S_BRE, 2, AKTO, {120, 180, 240, 250, 260, 250}},
    {S_BRE, 0, AKTO, {3, 4, 6, 5, 5, 4}},
    {S_BRE, 2, OPCO_EP, {90, 110, 140, 150, 150, 145}},
    {S_BRE, 2, OPCOMMERCE, {60, 80, 100, 100, 105, 100}},
    {S_BRE, 2, CONSTRUCTYS, {70, 80, 100, 100, 110, 100}},
    {S_BRE, 2, OCAPIAT, {70, 80, 100, 100, 100, 95}}};
// clang-format on
#define NGROUPS ((int)(sizeof GROUPS / sizeof GROUPS[0]))

/* rejected rows on top of the counted contracts: [source][extraction] = defects */
static void reject_only(int s, int creg, int opco, int y, int defect, int vi)
{
    int i = new_contract(s, pool_pick(&emp[creg][opco]), y, K_REJECT);
    ct[i].defect = (int8_t)defect;
    ct[i].rejv = (int8_t)vi;
    ct[i].mask = (uint8_t)(1u << vi);
    ct[i].dup = 0;
}
/* a rejected later version of a counted contract (the earlier version is kept) */
static void reject_later(int s, int vi, int y, int defect)
{
    for (int t = 0; t < 1000000; t++) {
        int i = (int)rnd((uint32_t)nct);
        Contract *c = &ct[i];
        if (c->src != s || c->kind != K_NORMAL || year_of(c->deb) != y || c->rejv >= 0 || c->dup ||
            (c->mask & ((1u << vi) - 1)) == 0 || (c->mask >> vi) > 1)
            continue;
        if (s == S_NORM && (c->comp < emp[0][AKTO].first ||
                            c->comp >= emp[0][AKTO].first + emp[0][AKTO].n || c->wopco != AKTO))
            continue; /* in Normandie files: only AKTO Normandie contracts */
        c->mask |= (uint8_t)(1u << vi);
        c->rejv = (int8_t)vi, c->defect = (int8_t)defect;
        return;
    }
    die("reject_later: no candidate");
}
static Contract *sort_base;
static int by_deb(const void *a, const void *b)
{
    const Contract *x = &sort_base[*(const int *)a], *y = &sort_base[*(const int *)b];
    if (x->src != y->src)
        return x->src - y->src;
    if (x->deb != y->deb)
        return x->deb < y->deb ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}
static int *order; /* contracts sorted by source, start date */

static void build_contracts(void)
{
    for (int s = 0; s < NSRC; s++)
        for (int i = 0; i < SRC_NX[s]; i++)
            X[s][i] = dfc(atoi(SRC_X[s][i]), atoi(SRC_X[s][i] + 5), atoi(SRC_X[s][i] + 8));
    make_pools();
    for (int g = 0; g < NGROUPS; g++)
        for (int y = 0; y < 6; y++) {
            int s = GROUPS[g].src, r = GROUPS[g].creg, o = GROUPS[g].opco, n = GROUPS[g].n[y];
            for (int k = 0; k < n; k++)
                new_contract(s, pool_pick(&emp[r][o]), 2019 + y, K_NORMAL);
            /* exclusions on top: cancelled, deleted, broken before the start */
            int ann = n / 250, sup = n / 900, rav = n / 400;
            if (s == S_NORM && r == 0 && o == AKTO && y == 1)
                ann = 5, sup = 1, rav = 3;
            if (s == S_NORM && r == 0 && o == AKTO && y == 2)
                ann = 7, sup = 2, rav = 5;
            if (s == S_PDL && r == 0 && o == AKTO && y == 2)
                ann = 1, rav = 1;
            for (int k = 0; k < ann; k++)
                new_contract(s, pool_pick(&emp[r][o]), 2019 + y, K_ANNULE);
            for (int k = 0; k < sup; k++)
                new_contract(s, pool_pick(&emp[r][o]), 2019 + y, K_SUPPRIME);
            for (int k = 0; k < rav; k++)
                new_contract(s, pool_pick(&emp[r][o]), 2019 + y, K_RAVANT);
        }
    /* AKTO employers whose file names another OPCO: the opco column wins (OPCO EP) */
    for (int k = 0; k < 3; k++) {
        int i = new_contract(S_NORM, pool_pick(&emp[0][AKTO]), 2021, K_NORMAL);
        ct[i].wopco = OPCO_EP, ct[i].om = 0, ct[i].opt = I_NONE;
    }
    /* two contracts with La Poste (356000000...) as employer */
    for (int k = 0; k < 2; k++) {
        int e = new_company(OPCO_MOB, k ? "14000" : "76000");
        comp[e].siren = 356000000u, comp[e].eff = 5;
        new_contract(S_NORM, e, 2022, K_NORMAL);
    }
    /* rejected rows: some in the AKTO Normandie 2020 and 2021 group (not counted) */
    static const int R21[] = {D_SIRET, D_UAI,   D_REQ_NOM, D_DATE_IMP, D_DATES_FIN,
                              D_AGE13, D_ENC81, D_MULTI,   D_ENUM_TYPE};
    static const int R20[] = {D_CP4, D_DATE_2Y, D_DATES_RUPT, D_ENUM_SEXE, D_AGE81, D_COLONNES};
    for (int k = 0; k < 9; k++)
        reject_only(S_NORM, 0, AKTO, 2021, R21[k], 0);
    for (int k = 0; k < 6; k++)
        reject_only(S_NORM, 0, AKTO, 2020, R20[k], 0);
    reject_only(S_PDL, 0, AKTO, 2021, D_SIRET, 0);
    static const int N3[] = {D_DATE_IMP, D_MULTI, D_REQ_NUM, D_NUL};
    for (int k = 0; k < 4; k++)
        reject_only(S_NORM, 0, k ? OPCO_EP : OPCOMMERCE, 2024, N3[k], 3);
    static const int P0[] = {D_EXTR, D_REQ_NOM, D_ENUM_TYPE, D_DATE_2Y,
                             D_CP4,  D_SIRET,   D_DATE_1899};
    for (int k = 0; k < 7; k++)
        reject_only(S_PDL, 1, k % 2 ? OPCO_EP : AKTO, 2020 + k % 3, P0[k], 0);
    reject_only(S_PDL, 1, OPCOMMERCE, 2024, D_EXTR, 1);
    reject_only(S_PDL, 1, CONSTRUCTYS, 2024, D_DATES_FIN, 1);
    static const int B0[] = {D_NUL,      D_SIRET,    D_UAI,       D_AGE13,
                             D_COLONNES, D_DATE_IMP, D_DATES_FIN, D_REQ_CP};
    for (int k = 0; k < 8; k++)
        reject_only(S_BRE, 2, k % 2 ? CONSTRUCTYS : AKTO, 2021 + k % 4, B0[k], 0);
    /* rejected later versions of counted AKTO Normandie contracts */
    static const int L1[] = {D_SIRET, D_DATE_1899, D_REQ_CP, D_NUL};
    static const int L2[] = {D_UAI, D_ENC81, D_DATES_RUPT, D_COLONNES};
    static const int L3[] = {D_ENUM_SEXE, D_AGE81, D_REQ_NOM, D_CP4, D_DATE_2Y};
    for (int k = 0; k < 4; k++)
        reject_later(S_NORM, 1, 2020 + k % 2, L1[k]);
    for (int k = 0; k < 4; k++)
        reject_later(S_NORM, 2, 2020 + k % 2, L2[k]);
    for (int k = 0; k < 5; k++)
        reject_later(S_NORM, 3, 2020 + k % 2, L3[k]);
    reject_later(S_PDL, 1, 2021, D_UAI);

    order = xcalloc((size_t)nct, sizeof *order);
    for (int i = 0; i < nct; i++)
        order[i] = i;
    sort_base = ct;
    qsort(order, (size_t)nct, sizeof *order, by_deb);
    /* a broken contract is often followed by a new one of the same apprentice
     * within 6 months (DARES: ~12% of a cohort broken with no new contract) */
    for (int a = 0; a < nct; a++) {
        Contract *c = &ct[order[a]];
        if (c->kind != K_NORMAL || !c->rupt || c->rejv >= 0 || !chance(0.55))
            continue;
        int lim = add_months(c->rupt, 6), start = a + 1;
        while (start < nct && ct[order[start]].src == c->src && ct[order[start]].deb <= c->rupt)
            start++;
        int span = 0;
        while (start + span < nct && ct[order[start + span]].src == c->src &&
               ct[order[start + span]].deb <= lim)
            span++;
        for (int t = 0; t < 8 && span; t++) {
            Contract *d = &ct[order[start + (int)rnd((uint32_t)span)]];
            if (d->kind != K_NORMAL || d->linked || d->rejv >= 0)
                continue;
            d->person = c->person, d->linked = 1;
            break;
        }
    }
    /* one person written two ways: Hélène-Marie / HELENE MARIE, same surname and birth date */
    for (int a = 0; a < nct; a++) {
        Contract *c = &ct[order[a]];
        if (c->src != S_NORM || c->kind != K_NORMAL || !c->rupt || c->rejv >= 0 ||
            year_of(c->deb) != 2021 || comp[c->comp].opco != AKTO || c->rupt > X[S_NORM][0])
            continue;
        for (int b = 0; b < nct; b++) {
            Contract *d = &ct[order[b]];
            if (d->src != S_PDL || d->kind != K_NORMAL || d->linked || d->rejv >= 0 ||
                d->deb <= c->rupt || d->deb > add_months(c->rupt, 6))
                continue;
            Person *p = &pers[c->person];
            strcpy(p->nom, "Tessaride"), strcpy(p->prenom, "Hélène-Marie"), p->sexe = 'F';
            int q = new_person(d->deb);
            pers[q] = *p;
            strcpy(pers[q].nom, "TESSARIDE"), strcpy(pers[q].prenom, "HELENE MARIE");
            d->person = q, d->linked = 1;
            a = nct;
            break;
        }
    }
    /* twice in one file; start date corrected in a later version; a comment */
    int dup2 = 0, corr = 0, com = 0;
    for (int a = 0; a < nct; a++) {
        Contract *c = &ct[order[a]];
        if (c->kind != K_NORMAL || c->rejv >= 0)
            continue;
        if (dup2 < 12 && c->aven && !c->rupt && c->aven <= X[c->src][0])
            c->dup = 2, dup2++;
        if (corr < 3 && c->src == S_NORM && comp[c->comp].opco == AKTO && c->wopco == AKTO &&
            c->deb >= dfc(2021, 1, 4) && c->deb <= dfc(2021, 1, 12) && !c->rupt) {
            c->corrdeb = 1, c->concl = c->deb - 25, c->mask |= 2, corr++;
        }
        if (com < 6 && c->src == S_PDL && year_of(c->deb) == 2021 && (c->mask & 1))
            c->comment = (int8_t)++com;
    }
}

/* --- contract rows --------------------------------------------------------- */
enum { DL_DECA, DL_REGION, DL_TAB };
static char F[26][200];
static int top_bit(unsigned m)
{
    int b = -1;
    for (; m; m >>= 1)
        b++;
    return b;
}
static void fill(const Contract *c, int vi, int dial, int drop_aven)
{
    static const char *ROMAN[] = {"V", "IV", "III", "II", "I"};
    uint32_t h = c->seq * 2654435761u;
    int style = dial == DL_DECA ? DS_DMY : dial == DL_REGION ? DS_ISO : DS_YMD;
    int xd = X[(int)c->src][vi], last = vi == top_bit(c->mask);
    const Company *e = &comp[c->comp], *cf = &comp[c->cfa];
    const Person *p = &pers[c->person];
    int y, m, d, show_r = c->rupt && c->rupt <= xd, show_a = c->aven && c->aven <= xd && !drop_aven;
    for (int i = 0; i < 26; i++)
        F[i][0] = 0;
    cfd(c->concl, &y, &m, &d);
    sprintf(F[0], "%03d%04d%02d%06u", atoi(e->cp) / 1000 % 1000, y % 10000, m % 100,
            c->seq % 1000000);
    if (dial == DL_REGION &&
        (h + (uint32_t)vi) % 37 == 0) { /* inner spaces, removed by the pipeline */
        memmove(F[0] + 8, F[0] + 7, 9), F[0][7] = ' ';
        memmove(F[0] + 4, F[0] + 3, 14), F[0][3] = ' ';
    }
    strcpy(F[1], TYPES[(int)c->type]);
    if (c->kind == K_ANNULE && last)
        strcpy(F[2], "Annulé");
    else if (c->kind == K_SUPPRIME && last)
        strcpy(F[2], "Supprimé");
    else if (c->corrdeb && last)
        strcpy(F[2], "Corrigé");
    else if (show_r && h % 4)
        strcpy(F[2], "Rompu");
    else if (show_a && h % 2)
        strcpy(F[2], "Corrigé");
    fmt_date(F[3], c->concl, style);
    fmt_date(F[4], c->corrdeb && !last ? c->deb - 10 : c->deb, style);
    fmt_date(F[5], c->fin, style);
    if (show_r)
        fmt_date(F[6], c->rupt, style);
    if (show_a)
        fmt_date(F[7], c->aven, style);
    uint64_t siret =
        e->siren == 356000000u ? la_poste_siret(c->comp % 7) : make_siret(e->siren, h % 10 == 0);
    sprintf(F[8], "%014llu", (unsigned long long)siret);
    const char *naf = SECT[(int)e->sect].naf, *idcc = SECT[(int)e->sect].idcc;
    if (dial == DL_REGION)
        sprintf(F[9], "%.2s.%s", naf, naf + 2);
    else
        strcpy(F[9], naf);
    if (dial == DL_TAB && h % 3 == 0)
        F[9][4] = (char)(F[9][4] + 32);
    if (dial == DL_TAB)
        while (idcc[1] && *idcc == '0')
            idcc++;
    strcpy(F[10], idcc);
    sprintf(F[11], "%d",
            EFF_LO[(int)e->eff] + (int)((c->comp * 2654435761u >> 8) %
                                        (uint32_t)(EFF_HI[(int)e->eff] - EFF_LO[(int)e->eff] + 1)));
    strcpy(F[12], e->cp);
    if (c->om < 3)
        strcpy(F[13], OPCO_FORMS[(int)c->wopco][(int)c->om]);
    strcpy(F[14], p->nom);
    if (dial == DL_DECA)
        for (char *t = F[14]; *t; t++)
            if (*t >= 'a' && *t <= 'z')
                *t = (char)(*t - 32);
    strcpy(F[15], p->prenom);
    fmt_date(F[16], p->naiss, dial == DL_TAB ? DS_DMY1 : style);
    int fem = p->sexe == 'F';
    if (dial == DL_DECA)
        strcpy(F[17], fem ? "2" : "1");
    else if (dial == DL_REGION)
        strcpy(F[17], h % 7 == 0 ? (fem ? "Femme" : "Homme") : (fem ? "F" : "H"));
    else
        strcpy(F[17], fem ? "F" : "M");
    int rq = h % 40 == 0;
    strcpy(F[18], dial == DL_DECA     ? (rq ? "Oui" : "Non")
                  : dial == DL_REGION ? (rq ? "oui" : "non")
                                      : (rq ? "1" : "0"));
    strcpy(F[19], cf->uai);
    sprintf(F[20], "%014llu", (unsigned long long)make_siret(cf->siren, 0));
    strcpy(F[21], DIP[(int)c->dip].cfd);
    sprintf(F[22], "%s%s",
            dial == DL_DECA  ? "RNCP"
            : dial == DL_TAB ? "rncp"
                             : "",
            DIP[(int)c->dip].rncp);
    int niv = DIP[(int)c->dip].niv[0] - '0';
    if (dial == DL_DECA && h % 5 == 0)
        F[23][0] = 0; /* derived from code_diplome */
    else if (dial == DL_REGION && h % 2)
        strcpy(F[23], ROMAN[niv - 3]);
    else
        sprintf(F[23], "%d", niv);
    fmt_date(F[24], xd, DS_ISO);
    if (c->comment == 1 && vi == 0)
        strcpy(F[25], "Changement de maître d'apprentissage, voir le \"courrier\" du "
                      "12/03/2021\nsuite: accord, RAS");
    else if (c->comment > 1)
        strcpy(F[25], "RAS");
    if (dial == DL_TAB && h % 3 == 0)
        strcpy(F[25], F[20]); /* training site (bare "siret", ignored) */
    switch (c->opt) {
    case I_NAF:
        strcpy(F[9], "56.1");
        break;
    case I_IDCC:
        strcpy(F[10], "19790");
        break;
    case I_OPCO:
        strcpy(F[13], "OPCO Normandie Services");
        break;
    case I_NIV:
        strcpy(F[23], "9");
        break;
    case I_EFF:
        strcpy(F[11], "-3");
        break;
    }
}
static void date_bad(char *b, int z, int style, int twodigit)
{
    int y, m, d;
    cfd(z, &y, &m, &d);
    if (!twodigit)
        sprintf(b,
                style == DS_DMY   ? "31/02/%04d"
                : style == DS_ISO ? "%04d-02-31"
                                  : "%04d0231",
                y % 10000);
    else if (style == DS_DMY)
        sprintf(b, "%02d/%02d/%02d", d % 100, m % 100, y % 100);
    else if (style == DS_ISO)
        sprintf(b, "%02d-%02d-%02d", y % 100, m % 100, d % 100);
    else
        sprintf(b, "%02d%02d%02d", y % 100, m % 100, d % 100);
}
static void apply_defect(const Contract *c, int defect, int dial)
{
    int style = dial == DL_DECA ? DS_DMY : dial == DL_REGION ? DS_ISO : DS_YMD;
    int bstyle = dial == DL_TAB ? DS_DMY1 : style; /* birth dates */
    size_t n;
    switch (defect) {
    case D_REQ_NOM:
        strcpy(F[14], "---");
        break;
    case D_REQ_CP:
        F[12][0] = 0;
        break;
    case D_REQ_NUM:
        F[0][0] = 0;
        break;
    case D_DATE_IMP:
        date_bad(F[4], c->deb, style, 0);
        break;
    case D_DATE_2Y:
        date_bad(F[4], c->deb, style, 1);
        break;
    case D_DATE_1899:
        fmt_date(F[16], dfc(1899, 3, 12), bstyle);
        break;
    case D_DATES_FIN:
        fmt_date(F[5], c->deb - 30, style);
        break;
    case D_DATES_RUPT:
        fmt_date(F[6], c->fin + 20, style);
        break;
    case D_MULTI:
        strcpy(F[17], "Z"); /* fall through: also SIRET and UAI */
    /* fall through */
    case D_SIRET:
        F[8][13] = (char)('0' + (F[8][13] - '0' + 1) % 10);
        if (defect == D_SIRET)
            break;
    /* fall through */
    case D_UAI:
        F[19][7] = F[19][7] == 'Z'   ? 'A'
                   : F[19][7] == 'N' ? 'P'
                   : F[19][7] == 'H' ? 'J'
                                     : (char)(F[19][7] + 1);
        break;
    case D_ENUM_TYPE:
        strcpy(F[1], "99");
        break;
    case D_ENUM_SEXE:
        strcpy(F[17], "Z");
        break;
    case D_CP4:
        F[12][4] = 0;
        break;
    case D_AGE13:
        fmt_date(F[16], add_months(c->deb, -13 * 12) + 20, bstyle);
        break;
    case D_AGE81:
        fmt_date(F[16], add_months(c->deb, -81 * 12) - 20, bstyle);
        break;
    case D_ENC81:
        n = strlen(F[14]);
        memmove(F[14] + 3, F[14] + 2, n - 1);
        F[14][2] = 2;
        break;
    case D_NUL:
        n = strlen(F[15]);
        memmove(F[15] + 3, F[15] + 2, n - 1);
        F[15][2] = 1;
        break;
    case D_EXTR:
        strcpy(F[24], "2024-02-30");
        break;
    }
}
// clang-format off
static const char *H_DECA[] = {"nocontrat", "typecontrat", "statut", "dateconclusion", "datedebutcontrat",
    "datefincontrat", "dateeffetrupture", "dateeffetavenant", "siretemployeur", "code_ape", "codeidcc",
    "nombredesalaries", "codepostalemployeur", "opco rattachement", "nom apprenti", "prénom apprenti",
    "datenaissance", "genre", "rqth", "uaicfa", "siretcfa", "codediplome", "code rncp", "niveau formation"};
// clang-format on
// clang-format off
static const char *H_REGION[] = {"N° contrat", "Type contrat", "Statut contrat", "Date de conclusion",
    "Date début contrat", "Date fin contrat", "Date rupture", "date_effet_avenant", "Siret employeur",
    "Code NAF", "Convention collective", "Effectif", "CP employeur", "Opérateur de compétences",
    "Nom alternant", "Prénom alternant", "Date de naissance", "Sexe", "Handicap", "UAI CFA", "Siret CFA",
    "Code diplôme", "Code RNCP", "Niveau diplome", "Date extraction", "Commentaire"};
// clang-format on
// clang-format off
static const char *H_TAB[] = {"no_contrat", "type_contrat", "statut", "date signature", "date debut execution",
    "date_fin_contrat", "date effet rupture", "dateeffetavenant", "siret_employeur", "siret", "ape",
    "code idcc", "nombre de salariés", "code postal employeur", "opco", "nom", "prenom", "date_naissance",
    "sexe", "rqth", "uai", "siret cfa", "cfd", "rncp", "niveau"};
// clang-format on
// clang-format off
static const int M_TAB[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 25, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};
// clang-format on

static void write_contracts(const char *dir, const char *name, int s, int dial, int vlo, int vhi)
{
    char path[4096], *cells[26];
    const char **hdr = dial == DL_DECA ? H_DECA : dial == DL_REGION ? H_REGION : H_TAB;
    int nc = dial == DL_DECA ? 24 : dial == DL_REGION ? 26 : 25, rows = 0;
    snprintf(path, sizeof path, "%s/contrats/%s", dir, name);
    Out o;
    out_open(&o, path, strstr(name, ".gz") != NULL, dial == DL_DECA,
             dial == DL_DECA     ? ';'
             : dial == DL_REGION ? ','
                                 : '\t',
             dial == DL_REGION);
    if (dial == DL_REGION)
        out_str(&o, "\xEF\xBB\xBF");
    out_row(&o, (char **)hdr, nc);
    for (int vi = vlo; vi <= vhi; vi++)
        for (int a = 0; a < nct; a++) {
            const Contract *c = &ct[order[a]];
            if (c->src != s || !(c->mask & (1u << vi)))
                continue;
            int copies = c->dup && vi == top_bit(c->mask) ? 2 : 1;
            for (int k = 0; k < copies; k++) {
                fill(c, vi, dial, c->dup == 2 && k == 1);
                if (c->rejv == vi)
                    apply_defect(c, c->defect, dial);
                for (int i = 0; i < nc; i++)
                    cells[i] = F[dial == DL_TAB ? M_TAB[i] : i];
                out_row(&o, cells, c->rejv == vi && c->defect == D_COLONNES ? nc - 1 : nc);
                if (++rows == 700 && dial == DL_REGION)
                    out_eol(&o); /* a blank line */
                if (rows == 900 && dial == DL_DECA && vi == 1)
                    out_str(&o, "  \n"); /* white space only */
            }
        }
    out_close(&o);
}

/* --- events and attendance -------------------------------------------------- */
enum { T_ENT, T_ORG, T_SALON };
typedef struct {
    char id[24];
    int date;
    int8_t type, opco, reg, regmode, file, bad;
    int visiteurs;
} Event;
static Event *ev;
static int nev;
typedef struct {
    int ev, comp;
    int8_t estab, pres, ptype, file, bad;
    uint32_t key;
} Part;
static Part *pt;
static int npt, cappt;
// clang-format off
static const char *const TYPE_FORMS[3][4] = {
    {"reunion_entreprises", "réunion d'information entreprises", "reunion entreprises", "information collective entreprises"},
    {"reunion_organismes", "réunion CFA/OF", "club des CFA", "reunion organismes de formation"},
    {"salon", "forum", "job dating", "Salon"}};
// clang-format on
static int add_event(int type, int y, int opco, int reg, int file)
{
    Event *e = &ev[nev];
    static const char *TT[] = {"RE", "RO", "SA"};
    int n = 1;
    for (int i = 0; i < nev; i++)
        n += ev[i].type == type && ev[i].opco == opco && year_of(ev[i].date) == y;
    snprintf(e->id, sizeof e->id, "%.6s-%d-%s-%04d", OPCO_FORMS[opco][0], y % 10000, TT[type],
             n % 10000);
    for (char *t = e->id; *t; t++)
        if (*t == ' ')
            *t = '_';
    e->type = (int8_t)type, e->opco = (int8_t)opco, e->reg = (int8_t)reg, e->file = (int8_t)file;
    do
        e->date = dfc(y, 1, 1) + (int)rnd(365);
    while (e->date > dfc(2024, 11, 20));
    e->regmode = (int8_t)pickw((const int[]){40, 25, 20, 15}, 4);
    if (type == T_SALON)
        e->visiteurs = chance(0.85) ? 150 + (int)rnd(1900) : -1;
    else
        e->visiteurs = -1;
    return nev++;
}
static void add_part(int e, int c, int estab, int pres, int ptype, int bad)
{
    if (npt == cappt) {
        cappt = cappt ? cappt * 2 : 16384;
        pt = realloc(pt, (size_t)cappt * sizeof *pt);
        if (!pt)
            die("out of memory");
    }
    Part *p = &pt[npt++];
    p->ev = e, p->comp = c, p->estab = (int8_t)estab, p->pres = (int8_t)pres,
    p->ptype = (int8_t)ptype;
    p->bad = (int8_t)bad, p->key = (uint32_t)next64();
    p->file = (int8_t)(ev[e].opco != AKTO || year_of(ev[e].date) != 2021 || ev[e].type == T_SALON ||
                       chance(0.15));
}
/* S distinct SIRENs (companies cs[]) over the events es[0..E): each company once at
 * its own event, `rep` companies a second time elsewhere, `two` companies through a
 * second establishment, `np` not-present rows of the set and `out` of outsiders */
static void attend(const int *es, int E, const int *cs, int S, int ptype, int rep, int two, int np,
                   int out, int opco)
{
    for (int k = 0; k < S; k++)
        add_part(es[k % E], cs[k], 0, 0, ptype, 0);
    for (int i = 0; i < rep; i++) {
        int k = (int)((uint64_t)i * 7 % (uint64_t)S);
        add_part(es[(k % E + 1 + i % (E - 1)) % E], cs[k], 0, 0, ptype, 0);
    }
    for (int i = 0; i < two; i++) {
        int k = (int)(((uint64_t)i * 11 + 3) % (uint64_t)S);
        add_part(es[(k + i % 2) % E], cs[k], 1, 0, ptype, 0);
    }
    for (int i = 0; i < np; i++)
        add_part(es[rnd((uint32_t)E)], cs[rnd((uint32_t)S)], 0, 1 + (int)rnd(2), ptype, 0);
    for (int i = 0; i < out; i++) {
        int c = new_company(ptype ? -1 : opco, "75011");
        add_part(es[rnd((uint32_t)E)], c, 0, 1 + (int)rnd(3), ptype, 0);
    }
}
static int pick_distinct(int *dst, const Pool *p, int n) /* n distinct companies of a pool */
{
    int *ix = xcalloc((size_t)p->n, sizeof *ix);
    for (int i = 0; i < p->n; i++)
        ix[i] = p->first + i;
    for (int i = 0; i < n; i++) {
        int j = i + (int)rnd((uint32_t)(p->n - i)), t = ix[i];
        ix[i] = ix[j], ix[j] = t, dst[i] = ix[i];
    }
    free(ix);
    return n;
}
static void build_events(void)
{
    ev = xcalloc(4000, sizeof *ev);
    int *es = xcalloc(4000, sizeof *es), *cs = xcalloc(8000, sizeof *cs), E, S, i;
    /* AKTO 2021, reunion_entreprises: 200 events (26 in Normandie); 5000 SIRENs (493) */
    for (E = 0; E < 26; E++)
        es[E] = add_event(T_ENT, 2021, AKTO, REG_NORMANDIE, 0);
    ev[es[3]].regmode = 4; /* an unknown région name with a Normandie postcode */
    S = pick_distinct(cs, &emp[0][AKTO], 300);
    while (S < 493)
        cs[S++] = new_company(AKTO, NORM_CP[rnd(28)]);
    attend(es, E, cs, S, 0, 80, 15, 40, 15, AKTO);
    add_part(es[7], cs[7], 0, 0, 0, 9); /* the deliberate duplicate: same SIRET, same event */
    int cross[10];
    memcpy(cross, cs + 100, sizeof cross);
    for (E = 0; E < 174; E++)
        es[E] = add_event(T_ENT, 2021, AKTO, E % 17 < REG_NORMANDIE ? E % 17 : E % 17 + 1, 0);
    S = pick_distinct(cs, &emp[1][AKTO], 400);
    S += pick_distinct(cs + S, &emp[2][AKTO], 300);
    while (S < 4507)
        cs[S++] = new_company(AKTO, "75011");
    attend(es, E, cs, S, 0, 650, 120, 200, 100, AKTO);
    for (i = 0; i < 10; i++)
        add_part(es[i * 17 % E], cross[i], 0, 0, 0, 0); /* Normandie firms elsewhere */
    /* AKTO 2021, reunion_organismes: 500 events, 2500 training organisations */
    for (E = 0; E < 500; E++)
        es[E] = add_event(T_ORG, 2021, AKTO, E % 9 ? (int)rnd(NREG) : REG_NORMANDIE, 0);
    for (S = 0; S < 72; S++)
        cs[S] = cfas[S / 24].first + S % 24;
    while (S < 2500)
        cs[S++] = new_company(-1, "75011");
    attend(es, E, cs, S, 1, 500, 40, 150, 60, AKTO);
    /* AKTO 2021 fairs: 70, 5 in Normandie; exhibitors are employers and CFAs */
    for (E = 0; E < 70; E++) {
        int r = (int)rnd(NREG - 1);
        es[E] = add_event(T_SALON, 2021, AKTO, E < 5 ? REG_NORMANDIE : r + (r >= REG_NORMANDIE), 1);
    }
    for (i = 0; i < E * 5; i++)
        add_part(es[i % E], i % 3 ? pool_pick(&emp[0][AKTO]) : pool_pick(&cfas[i % 3 == 0 ? 0 : 1]),
                 0, chance(0.9) ? 0 : 1, i % 3 == 0, 0);
    /* other years and other OPCOs (not in the published figures) */
    // clang-format off
    static const struct { int8_t type, opco; int16_t y, n, per; } OTHER[] = {
        {T_ENT, AKTO, 2020, 120, 8}, {T_ORG, AKTO, 2020, 300, 4}, {T_SALON, AKTO, 2020, 30, 4},
        {T_ENT, AKTO, 2022, 150, 8}, {T_ORG, AKTO, 2022, 340, 4}, {T_SALON, AKTO, 2022, 60, 4},
        {T_ENT, AKTO, 2023, 80, 6},  {T_ENT, AKTO, 2024, 60, 6},  {T_SALON, AKTO, 2023, 40, 3},
        {T_ENT, OPCO_EP, 2021, 60, 6}, {T_ENT, OPCO_EP, 2023, 40, 6}, {T_ENT, OPCOMMERCE, 2022, 30, 6},
        {T_SALON, CONSTRUCTYS, 2022, 20, 3}, {T_ORG, OPCO_EP, 2024, 30, 4}};
    // clang-format on
    for (size_t g = 0; g < sizeof OTHER / sizeof OTHER[0]; g++)
        for (int k = 0; k < OTHER[g].n; k++) {
            int y = OTHER[g].y, t = OTHER[g].type;
            int e = add_event(t, y, OTHER[g].opco, k % 4 ? (int)rnd(NREG) : REG_NORMANDIE,
                              t == T_SALON || y >= 2023);
            for (int j = 0; j < OTHER[g].per; j++) {
                int o = OTHER[g].opco, r = (int)rnd(3);
                int c = t == T_ORG    ? pool_pick(&cfas[r])
                        : emp[r][o].n ? pool_pick(&emp[r][o])
                                      : pool_pick(&emp[0][o]);
                add_part(e, c, 0, chance(0.85) ? 0 : 1 + (int)rnd(2), t == T_ORG, 0);
            }
        }
    /* La Poste visits an AKTO 2022 meeting */
    for (i = 0;
         i < nev && !(ev[i].opco == AKTO && ev[i].type == T_ENT && year_of(ev[i].date) == 2022);
         i++) {
    }
    add_part(i, ncomp - 1, 0, 0, 0, 0);
    for (i = 0; i < ncomp && comp[i].siren != 356000000u; i++) {
    }
    pt[npt - 1].comp = i;
    /* dirty attendance rows: unknown event, bad SIRET, unknown category, no SIRET */
    for (i = 1; i <= 6; i++)
        add_part(es[i], cs[i], 0, 0, 0, i <= 3 ? 1 : i - 2);
    /* dirty events (rejected, never referenced): unknown OPCO, bad date, unknown type,
     * missing date, repeated id, unknown region code without postcode, 4-digit postcode,
     * neither region nor postcode */
    for (i = 1; i <= 8; i++)
        ev[add_event(T_ENT, 2022, OPCO_EP, 11, i > 4)].bad = (int8_t)i;
    free(es);
    free(cs);
}
/* company names: their own invented words, disjoint from the apprentices' syllables */
static void denomination(char *b, const Company *c)
{
    static const char *FORM[] = {"SARL ", "SAS ", "Restaurant ", "Hôtel ", "Brasserie ",
                                 "EURL ", "",     "Maison "};
    static const char *W1[] = {"Alby",  "Orvex",  "Kewan", "Ystral",
                               "Wexor", "Quorys", "Ubrix", "Oxyl"};
    static const char *W2[] = {"", "ia", "ys", "ak", "um", "elt"};
    static const char *TAIL[] = {"", "", " & Fils", ", Caen", " Services", " (siège)"};
    uint32_t h = c->siren * 2246822519u;
    if (c->siren == 356000000u)
        strcpy(b, "La Poste");
    else if (c->sect < 0)
        sprintf(b, "%s %s%s", h % 2 ? "CFA" : "Organisme", W1[h % 8], W2[(h >> 8) % 6]);
    else
        sprintf(b, "%s%s%s%s", FORM[(h >> 4) % 8], W1[h % 8], W2[(h >> 8) % 6],
                TAIL[(h >> 16) % 6]);
}
static int by_event(const void *a, const void *b)
{
    const Part *x = a, *y = b;
    if (x->ev != y->ev)
        return x->ev - y->ev;
    return x->key < y->key ? -1 : x->key > y->key;
}
static void write_events(const char *dir)
{
    static const char *H1[] = {"id_evenement", "type_evenement", "date_evenement", "opco",
                               "code_region",  "code_postal",    "intitule",       "visiteurs"};
    static const char *H2[] = {"identifiant", "nature", "date réunion", "organisateur",
                               "région",      "cp",     "libellé",      "nb visiteurs"};
    static const char *ORG_FORMS[] = {"AKTO", "Akto", "OPCO AKTO",
                                      "Opco des entreprises à forte intensité de main d'oeuvre"};
    char path[4096], c[8][160], *cells[8];
    for (int i = 0; i < 8; i++)
        cells[i] = c[i];
    for (int f = 0; f < 2; f++) {
        snprintf(path, sizeof path, "%s/evenements/%s", dir,
                 f ? "reunions_salons_2021_2024.csv" : "evenements_2020_2022.csv");
        Out o;
        out_open(&o, path, 0, f == 1, f ? ';' : ',', 0);
        out_row(&o, (char **)(f ? H2 : H1), 8);
        for (int k = 0; k < nev; k++) {
            const Event *e = &ev[k];
            if (e->file != f)
                continue;
            uint32_t h = (uint32_t)k * 2654435761u;
            int r = e->reg, dep = dept_of_region(r);
            strcpy(c[0], e->id);
            strcpy(c[1], TYPE_FORMS[(int)e->type][h % 4]);
            fmt_date(c[2], e->date, f ? DS_DMY : DS_ISO);
            if (!f && h % 50 == 0)
                strcat(c[2], " 18:30");
            strcpy(c[3], e->opco == AKTO ? ORG_FORMS[(h >> 3) % 9 < 6 ? 0 : (h >> 3) % 9 - 5]
                                         : OPCO_FORMS[(int)e->opco][0]);
            c[4][0] = c[5][0] = 0;
            if (e->regmode == 0)
                strcpy(c[4], REGIONS[r][0]);
            else if (e->regmode == 1) {
                if (REGIONS[r][0][0] == '0')
                    strcpy(c[4], REGIONS[r][0] + 1);
                else
                    strcpy(c[4], REGIONS[r][1]);
                if (h % 2)
                    for (char *t = c[4]; *t; t++)
                        if (*t >= 'A' && *t <= 'Z')
                            *t = (char)(*t + 32);
            } else if (e->regmode == 2)
                strcpy(c[4], REGIONS[r][1]);
            if (e->regmode >= 2 || h % 3 == 0)
                dept_postcode(c[5], dep);
            if (e->regmode == 4)
                strcpy(c[4], "Neustrie");
            sprintf(c[6], "%s %s",
                    e->type == T_SALON ? "Forum de l'alternance" : "Réunion apprentissage",
                    REGIONS[r][1]);
            if (k == 2)
                strcpy(c[6], "Petit-déjeuner \"Recruter un apprenti\", Caen\nsalle 2");
            c[7][0] = 0;
            if (e->visiteurs >= 0)
                sprintf(c[7], "%d", e->visiteurs);
            if (k == 40)
                strcpy(c[7], "12"); /* visiteurs on a meeting: ignored, counted as invalid */
            switch (e->bad) {
            case 1:
                strcpy(c[3], "OPCO Imaginaire");
                break;
            case 2:
                strcpy(c[2], "2022-02-30");
                break;
            case 3:
                strcpy(c[1], "webinaire");
                break;
            case 4:
                c[2][0] = 0;
                break;
            case 5:
                strcpy(c[0], ev[7].id);
                break;
            case 6:
                strcpy(c[4], "99"), c[5][0] = 0;
                break;
            case 7:
                c[4][0] = 0, strcpy(c[5], "1400");
                break;
            case 8:
                c[4][0] = c[5][0] = 0;
                break;
            }
            out_row(&o, cells, 8);
        }
        out_close(&o);
    }
    static const char *P1[] = {"id_evenement", "siret", "type_participant", "presence",
                               "denomination"};
    static const char *P2[] = {"identifiant evenement", "siret participant", "categorie",
                               "présence", "raison sociale"};
    // clang-format off
    static const char *PRES[4][6] = {{"présent", "oui", "1", "", "Présent", "présent"},
                                     {"absent", "excusé", "non", "0", "Excusé", "absent"},
                                     {"inscrit", "inscrit", "Inscrit", "inscrit", "inscrit", "inscrit"},
                                     {"peut-être", "peut-être", "?", "?", "?", "?"}};
    // clang-format on
    static const char *PT[2][3] = {{"entreprise", "Entreprise", "employeur"},
                                   {"organisme_formation", "CFA", "OF"}};
    qsort(pt, (size_t)npt, sizeof *pt, by_event);
    /* random picks may repeat a company at one event: only the deliberate duplicate stays present
     */
    for (int a = 0, b; a < npt; a = b) {
        for (b = a; b < npt && pt[b].ev == pt[a].ev; b++) {
        }
        for (int i = a; i < b; i++)
            for (int j = a; j < i; j++)
                if (!pt[i].pres && !pt[j].pres && pt[i].comp == pt[j].comp &&
                    pt[i].estab == pt[j].estab && pt[i].bad != 9 && pt[j].bad != 9)
                    pt[i].pres = 1;
    }
    for (int f = 0; f < 2; f++) {
        snprintf(path, sizeof path, "%s/participations/%s", dir,
                 f ? "emargements_2020_2024.csv" : "participations_2021.csv.gz");
        Out o;
        out_open(&o, path, f == 0, 0, f ? '|' : ',', 0);
        out_row(&o, (char **)(f ? P2 : P1), 5);
        for (int k = 0; k < npt; k++) {
            const Part *p = &pt[k];
            if (p->file != f)
                continue;
            const Company *co = &comp[p->comp];
            strcpy(c[0], ev[p->ev].id);
            uint64_t s =
                co->siren == 356000000u ? la_poste_siret(3) : make_siret(co->siren, p->estab);
            sprintf(c[1], "%014llu", (unsigned long long)s);
            strcpy(c[2], PT[(int)p->ptype][p->key % 3]);
            strcpy(c[3], PRES[(int)p->pres][(p->key >> 4) % 6]);
            denomination(c[4], co);
            switch (p->bad) {
            case 1:
                sprintf(c[0], "AKTO-2021-RE-%04d", 9990 + k % 10);
                break;
            case 2:
                c[1][13] = (char)('0' + (c[1][13] - '0' + 3) % 10);
                break;
            case 3:
                strcpy(c[2], "particulier");
                break;
            case 4:
                c[1][0] = 0;
                break;
            }
            out_row(&o, cells, 5);
        }
        out_close(&o);
    }
}

/* --- the DECA employer export ----------------------------------------------- */
/* contrats/deca_employeurs_20241115.csv: the flat export DECA makes for employers, with
 * exactly its 41 columns (issue 11): comma, UTF-8, ISO dates, booleans true/false, sexe 1/2,
 * the employer's postcode in adressecodepostal (beside siretemployeur), no opco column (the
 * OPCO comes from codeidcc) and the apprentices' personal columns (e-mails, telephone,
 * address, nationality, birth département), all invented. Written after everything else
 * with its own seed, so the other files keep their bytes. Nothing in it changes a
 * published figure when the rules of spec/inputs.md are applied: the AKTO Normandie
 * contracts of 2020 and 2021 in it are all excluded (professionalisation, deleted, broken
 * before the start by DECA's flag alone), and the amendments that move an AKTO Normandie
 * start from December 2021 to January 2022 are ordered by number, the higher one first. */
// clang-format off
static const char *H_LBA[] = {"adressecodepostal", "adressenumero", "adressevoie", "codediplome",
    "codeidcc", "courriel", "courrielalternant", "courrielemployeur", "datedebutcontrat",
    "datedebutformation", "dateeffetavenant", "dateeffetrupture", "datefincontrat",
    "datefinformation", "datenaissance", "datesuppression", "denomination", "departementnaissance",
    "derniereclasse", "dispositif", "flagcorrection", "handicap", "intituleouqualification", "naf",
    "nationalite", "noavenant", "nocontrat", "nom", "nombredesalaries", "prenom", "rncp",
    "rupture_avant_debut", "sexe", "siret", "siretcfa", "siretemployeur", "statut", "telephone",
    "typecontrat", "typediplome", "uaicfa"};
// clang-format on
#define NLBA 41
enum {
    L_CP,
    L_NUMERO,
    L_VOIE,
    L_CFD,
    L_IDCC,
    L_COURRIEL,
    L_COURRIEL_ALT,
    L_COURRIEL_EMP,
    L_DEB,
    L_DEB_FORM,
    L_AVEN,
    L_RUPT,
    L_FIN,
    L_FIN_FORM,
    L_NAISS,
    L_SUPPR,
    L_DENOM,
    L_DEP_NAISS,
    L_CLASSE,
    L_DISP,
    L_FLAG,
    L_HANDICAP,
    L_INTITULE,
    L_NAF,
    L_NATIONALITE,
    L_NOAVENANT,
    L_NUM,
    L_NOM,
    L_EFFECTIF,
    L_PRENOM,
    L_RNCP,
    L_RAVANT,
    L_SEXE,
    L_SIRET,
    L_SIRETCFA,
    L_SIRETEMP,
    L_STATUT,
    L_TEL,
    L_TYPE,
    L_TYPEDIP,
    L_UAI
};
static const char *const DIP_LABEL[] = {"CAP CUISINE",
                                        "CAP COMMERCIALISATION ET SERVICES EN HCR",
                                        "BP ARTS DE LA CUISINE",
                                        "BAC PRO CUISINE",
                                        "BTS MANAGEMENT EN HOTELLERIE RESTAURATION",
                                        "CAP PRODUCTION ET SERVICE EN RESTAURATIONS",
                                        "CAP EQUIPIER POLYVALENT DU COMMERCE",
                                        "BTS NEGOCIATION ET DIGITALISATION",
                                        "LICENCE PRO HOTELLERIE",
                                        "MASTER MANAGEMENT"};
/* what a contract of the file is */
enum { LK_APPR, LK_NODISP, LK_PROF, LK_SUPPR, LK_RAVANT, LK_AV_FIN, LK_AV_DEB, LK_AV_MISSING };
typedef struct {
    int comp, cfa, person, deb, fin, concl, rupt, aven, suppr;
    int deb_old, fin_old; /* the older version of an amended contract */
    int8_t kind, type, dip, reg;
    uint32_t seq;
} Lba;
static char LF[NLBA][160];
static void lba_fill(const Lba *c, int older)
{
    const Company *e = &comp[c->comp], *cf = &comp[c->cfa];
    const Person *p = &pers[c->person];
    static const char *const VOIE[] = {"rue",   "allée",     "chemin", "impasse",
                                       "place", "boulevard", "quai"};
    static const char *const CLASSE[] = {"01", "11", "12", "21", "22", "31", "32", "40", "41"};
    static const char *const TYPEDIP[] = {"CAP", "BAC PRO", "BTS", "LICENCE", "MASTER"};
    int deb = older ? c->deb_old : c->deb, fin = older ? c->fin_old : c->fin, y, m, d;
    char w[40];
    for (int i = 0; i < NLBA; i++)
        LF[i][0] = 0;
    strcpy(LF[L_CP], e->cp);
    if (chance(0.9))
        sprintf(LF[L_NUMERO], "%u", 1 + rnd(150));
    strcpy(w, SYL[rnd(NSYL)]);
    strcat(w, SYL[rnd(NSYL)]);
    strcat(w, chance(0.5) ? "ais" : "ande");
    cap(w);
    sprintf(LF[L_VOIE], "%s %s", VOIE[rnd(7)], w);
    strcpy(LF[L_CFD], DIP[(int)c->dip].cfd);
    strcpy(LF[L_IDCC], SECT[(int)e->sect].idcc);
    sprintf(LF[L_COURRIEL], "%s.%s@courriel.example", p->prenom, p->nom);
    if (chance(0.7))
        sprintf(LF[L_COURRIEL_ALT], "%.4s%s%u@alternant.example", p->prenom, p->nom, 10 + rnd(90));
    for (char *t = LF[L_COURRIEL]; *t; t++)
        if (*t >= 'A' && *t <= 'Z')
            *t = (char)(*t + 32);
    for (char *t = LF[L_COURRIEL_ALT]; *t; t++)
        if (*t >= 'A' && *t <= 'Z')
            *t = (char)(*t + 32);
    denomination(LF[L_DENOM], e);
    strcpy(LF[L_COURRIEL_EMP], "contact@");
    for (const char *s = LF[L_DENOM]; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
            sprintf(LF[L_COURRIEL_EMP] + strlen(LF[L_COURRIEL_EMP]), "%c",
                    *s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    strcat(LF[L_COURRIEL_EMP], ".example");
    fmt_date(LF[L_DEB], deb, DS_ISO);
    fmt_date(LF[L_DEB_FORM], deb + (int)rnd(20), DS_ISO);
    if (c->aven)
        fmt_date(LF[L_AVEN], c->aven, DS_ISO);
    if (c->rupt)
        fmt_date(LF[L_RUPT], c->rupt, DS_ISO);
    fmt_date(LF[L_FIN], fin, DS_ISO);
    fmt_date(LF[L_FIN_FORM], fin - (int)rnd(60), DS_ISO);
    fmt_date(LF[L_NAISS], p->naiss, DS_ISO);
    if (c->suppr)
        fmt_date(LF[L_SUPPR], c->suppr, DS_ISO);
    /* birth département: mostly one of the employer's région, 099 abroad */
    int nat = pickw((const int[]){90, 6, 4}, 3);
    sprintf(LF[L_NATIONALITE], "%d", nat + 1);
    if (nat == 2)
        strcpy(LF[L_DEP_NAISS], "099");
    else
        sprintf(LF[L_DEP_NAISS], "%03d",
                atoi(DEPTS[dept_of_region(c->reg ? REG_BRETAGNE : REG_NORMANDIE)][0]));
    strcpy(LF[L_CLASSE], CLASSE[rnd(9)]);
    strcpy(LF[L_DISP], c->kind == LK_PROF ? "PROF" : c->kind == LK_NODISP ? "" : "APPR");
    strcpy(LF[L_FLAG], c->aven && !older ? "true" : "false");
    strcpy(LF[L_HANDICAP], chance(0.025) ? "true" : "false");
    strcpy(LF[L_INTITULE], DIP_LABEL[(int)c->dip]);
    strcpy(LF[L_NAF], SECT[(int)e->sect].naf);
    if (c->kind >= LK_AV_FIN)
        strcpy(LF[L_NOAVENANT], older ? (c->kind == LK_AV_MISSING ? "" : "1")
                                      : (c->kind == LK_AV_MISSING ? "1" : "2"));
    cfd(c->concl, &y, &m, &d);
    sprintf(LF[L_NUM], "%03d%04d%02d%06u", atoi(e->cp) / 1000 % 1000, y % 10000, m % 100,
            c->seq % 1000000);
    strcpy(LF[L_NOM], p->nom);
    for (char *t = LF[L_NOM]; *t; t++)
        if (*t >= 'a' && *t <= 'z')
            *t = (char)(*t - 32);
    sprintf(LF[L_EFFECTIF], "%d",
            EFF_LO[(int)e->eff] + (int)((c->comp * 2654435761u >> 8) %
                                        (uint32_t)(EFF_HI[(int)e->eff] - EFF_LO[(int)e->eff] + 1)));
    strcpy(LF[L_PRENOM], p->prenom);
    sprintf(LF[L_RNCP], "RNCP%s", DIP[(int)c->dip].rncp);
    strcpy(LF[L_RAVANT], c->kind == LK_RAVANT ? "true" : "false");
    strcpy(LF[L_SEXE], p->sexe == 'F' ? "2" : "1");
    sprintf(LF[L_SIRET], "%014llu", (unsigned long long)make_siret(cf->siren, 1));
    sprintf(LF[L_SIRETCFA], "%014llu", (unsigned long long)make_siret(cf->siren, 0));
    sprintf(LF[L_SIRETEMP], "%014llu", (unsigned long long)make_siret(e->siren, 0));
    if (c->kind == LK_RAVANT || c->rupt)
        strcpy(LF[L_STATUT], "Rompu");
    else if (c->aven)
        strcpy(LF[L_STATUT], "Corrigé");
    sprintf(LF[L_TEL], "0%u%08u", 6 + rnd(2), rnd(100000000));
    strcpy(LF[L_TYPE], TYPES[(int)c->type]);
    strcpy(LF[L_TYPEDIP], TYPEDIP[DIP[(int)c->dip].niv[0] - '3']);
    strcpy(LF[L_UAI], cf->uai);
}
/* a contract of kind k, employer of région index reg (0 Normandie, 2 Bretagne) and OPCO
 * o, starting in year y (before the extraction date xd) */
static Lba lba_new(int k, int reg, int o, int y, int xd, uint32_t seq)
{
    Lba c;
    memset(&c, 0, sizeof c);
    c.kind = (int8_t)k, c.reg = (int8_t)reg, c.seq = seq;
    c.comp = pool_pick(&emp[reg][o]);
    c.cfa = pool_pick(&cfas[reg]);
    do
        c.deb = season_date(y);
    while (c.deb > xd - 20);
    c.fin = add_months(c.deb, 24) - 1;
    c.concl = c.deb - 5 - (int)rnd(40);
    c.person = new_person(c.deb);
    c.type = (int8_t)pickw(TYPE_W, 9);
    c.dip = (int8_t)pickw(DIP_W, 10);
    if (k == LK_APPR || k == LK_NODISP) {
        c.rupt = draw_rupture(y, SECT[comp[c.comp].sect].naf, comp[c.comp].eff < 2, c.deb, c.fin);
        if (c.rupt > xd)
            c.rupt = 0;
    }
    if (k == LK_SUPPR)
        c.suppr = c.deb + 10 + (int)rnd(60);
    if (k == LK_AV_FIN) { /* the amendment extends the contract by 6 months */
        c.aven = c.deb + 60 + (int)rnd(200);
        if (c.aven > xd)
            c.aven = xd - 5;
        c.fin_old = c.fin, c.deb_old = c.deb;
        c.fin = add_months(c.fin, 6);
    }
    if (k == LK_AV_DEB || k == LK_AV_MISSING) { /* the start corrected from December to January */
        c.deb = dfc(y, 1, 3 + (int)rnd(10));
        c.deb_old = dfc(y - 1, 12, 20 + (int)rnd(10));
        c.fin = c.fin_old = add_months(c.deb, 24) - 1;
        c.concl = c.deb_old - 10;
        c.aven = dfc(y, 2, 1 + (int)rnd(20));
    }
    return c;
}
static void write_lba(const char *dir)
{
    /* contracts of the file, in order: [kind, région, OPCO, first year, last year, per year] */
    // clang-format off
    static const struct { int8_t kind, reg, opco; int16_t y0, y1, n; } PLAN[] = {
        {LK_APPR, 0, AKTO, 2022, 2024, 14},    {LK_APPR, 0, OPCO_EP, 2022, 2024, 6},
        {LK_APPR, 0, OPCOMMERCE, 2022, 2024, 5}, {LK_APPR, 0, CONSTRUCTYS, 2022, 2024, 4},
        {LK_APPR, 2, AKTO, 2022, 2024, 12},    {LK_APPR, 2, OPCO_EP, 2022, 2024, 6},
        {LK_APPR, 2, OCAPIAT, 2022, 2024, 5},  {LK_NODISP, 0, AKTO, 2022, 2024, 3},
        {LK_NODISP, 2, OPCOMMERCE, 2023, 2024, 3},
        /* excluded: professionalisation, AKTO Normandie 2020 and 2021 among them */
        {LK_PROF, 0, AKTO, 2020, 2020, 3},     {LK_PROF, 0, AKTO, 2021, 2021, 12},
        {LK_PROF, 0, AKTO, 2022, 2024, 4},     {LK_PROF, 0, OPCO_EP, 2022, 2024, 2},
        {LK_PROF, 2, OPCOMMERCE, 2022, 2024, 2}, {LK_PROF, 2, AKTO, 2023, 2024, 2},
        /* excluded: deleted (date_suppression only), broken before the start (DECA's flag only) */
        {LK_SUPPR, 0, AKTO, 2021, 2021, 2},    {LK_SUPPR, 2, OPCO_EP, 2023, 2024, 1},
        {LK_SUPPR, 0, CONSTRUCTYS, 2024, 2024, 1},
        {LK_RAVANT, 0, AKTO, 2021, 2021, 2},   {LK_RAVANT, 2, AKTO, 2023, 2024, 1},
        /* amendments ordered by number (same date_effet_avenant, higher number read first) */
        {LK_AV_DEB, 0, AKTO, 2022, 2022, 3},   {LK_AV_MISSING, 0, AKTO, 2022, 2022, 2},
        {LK_AV_FIN, 0, OPCO_EP, 2023, 2023, 3}, {LK_AV_FIN, 2, AKTO, 2023, 2024, 2}};
    // clang-format on
    const int xd = dfc(2024, 11, 15);
    char path[4096], *cells[NLBA];
    uint32_t seq = 900000;
    Out o;
    rng_s = 0x4445434145585031ULL; /* its own stream: the other files keep their bytes */
    snprintf(path, sizeof path, "%s/contrats/deca_employeurs_20241115.csv", dir);
    out_open(&o, path, 0, 0, ',', 0);
    out_row(&o, (char **)H_LBA, NLBA);
    for (int i = 0; i < NLBA; i++)
        cells[i] = LF[i];
    for (size_t g = 0; g < sizeof PLAN / sizeof PLAN[0]; g++)
        for (int y = PLAN[g].y0; y <= PLAN[g].y1; y++)
            for (int k = 0; k < PLAN[g].n; k++) {
                Lba c = lba_new(PLAN[g].kind, PLAN[g].reg, PLAN[g].opco, y, xd, ++seq);
                lba_fill(&c, 0);
                out_row(&o, cells, NLBA);
                if (c.kind >= LK_AV_FIN) {
                    lba_fill(&c, 1);
                    out_row(&o, cells, NLBA);
                }
            }
    out_close(&o);
}

/* --- benchmark drop --------------------------------------------------------- */
static char *put_s(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}
static char *put_num(char *p, uint64_t v, int width) /* width 0: as many digits as needed */
{
    char t[24];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    while (n < width)
        t[n++] = '0';
    while (n)
        *p++ = t[--n];
    return p;
}
static char *put_dmy(char *p, int z)
{
    int y, m, d;
    cfd(z, &y, &m, &d);
    p = put_num(p, (uint64_t)d, 2), *p++ = '/';
    p = put_num(p, (uint64_t)m, 2), *p++ = '/';
    return put_num(p, (uint64_t)y, 4);
}
static void bench(long n, const char *dir)
{
    static const int VOL[6] = {354000, 525600, 733200, 837000, 852000, 878900}; /* DARES */
    const int xd = dfc(2025, 1, 15);
    char path[4096], line[1024], *p;
    mkdirs(dir, "contrats");
    snprintf(path, sizeof path, "%s/contrats/contrats_20250115.csv", dir);
    int ncb = (int)(n / 3 + 1000), ncfa = NDEPT * 30;
    uint64_t *bsiret = xcalloc((size_t)ncb, sizeof *bsiret),
             *csiret = xcalloc((size_t)ncfa, sizeof *csiret);
    char(*bcp)[6] = xcalloc((size_t)ncb, 6), (*cuai)[9] = xcalloc((size_t)ncfa, 9);
    int8_t *bsect = xcalloc((size_t)ncb, 1), *beff = xcalloc((size_t)ncb, 1);
    int16_t *bdep = xcalloc((size_t)ncb, 2);
    int w[NSECT];
    for (int i = 0; i < NSECT; i++)
        w[i] = SECT[i].w * (SECT[i].opco == AKTO ? 1 : 4);
    for (int j = 0; j < ncb; j++) {
        bsiret[j] = make_siret(make_siren((uint32_t)j + 20000000u), 0);
        bsect[j] = (int8_t)pickw(w, NSECT), beff[j] = (int8_t)pickw(EFF_W, 6);
        bdep[j] = (int16_t)rnd(NDEPT);
        dept_postcode(bcp[j], bdep[j]);
    }
    for (int k = 0; k < ncfa; k++) {
        const char *d = DEPTS[k / 30][0];
        int d3 = !strcmp(d, "2A")   ? 620
                 : !strcmp(d, "2B") ? 720
                 : strlen(d) == 3   ? atoi(d)
                                    : atoi(d);
        make_uai(cuai[k], d3 * 10000 + 100 * (k % 30) + (int)rnd(100));
        csiret[k] = make_siret(make_siren((uint32_t)k + 60000000u), 0);
    }
    Out o;
    out_open(&o, path, 0, 0, ',', 0);
    out_str(
        &o,
        "nocontrat,typecontrat,statut,dateconclusion,datedebutcontrat,datefincontrat,"
        "dateeffetrupture,"
        "dateeffetavenant,siretemployeur,code_ape,codeidcc,nombredesalaries,codepostalemployeur,"
        "nom apprenti,prénom apprenti,datenaissance,genre,rqth,uaicfa,siretcfa,codediplome,code "
        "rncp,"
        "niveau formation\n");
    for (long i = 0; i < n; i++) {
        int y = 2019 + pickw(VOL, 6), j = (int)rnd((uint32_t)ncb), cf = bdep[j] * 30 + (int)rnd(30);
        int deb = season_date(y), dm = pickw((const int[]){25, 55, 15, 5}, 4);
        int fin = add_months(deb, dm == 0 ? 12 : dm == 1 ? 24 : dm == 2 ? 36 : 6 + (int)rnd(6)) - 1;
        int aven = 0, dip = pickw(DIP_W, 10),
            rupt = draw_rupture(y, SECT[bsect[j]].naf, beff[j] < 2, deb, fin);
        if (rupt > xd)
            rupt = 0;
        int versions = 1;
        if (chance(0.046)) {
            aven = deb + 30 + (int)rnd((uint32_t)(fin - deb - 30));
            if (aven < xd && (!rupt || aven < rupt))
                versions = 2;
        }
        char sexe = chance(0.38) ? 'F' : 'H', nom[40], prenom[40];
        make_surname(nom);
        make_firstname(prenom, sexe);
        for (char *t = nom; *t; t++)
            if (*t >= 'a' && *t <= 'z')
                *t = (char)(*t - 32);
        int naiss = add_months(deb, -12 * (15 + pickw(AGE_W, 12))) - 1 - (int)rnd(364);
        int eff = EFF_LO[beff[j]] + (int)rnd((uint32_t)(EFF_HI[beff[j]] - EFF_LO[beff[j]] + 1));
        const char *type = TYPES[pickw(TYPE_W, 9)], *statut = rupt            ? "Rompu"
                                                              : chance(0.003) ? "Annulé"
                                                                              : "";
        for (int v = 0; v < versions; v++) {
            p = line;
            p = put_s(p, bcp[j]), p -= 2, p = put_num(p, (uint64_t)y, 4),
            p = put_num(p, (uint64_t)i, 8), *p++ = ',';
            p = put_s(p, type), *p++ = ',';
            p = put_s(p, v ? "Corrigé" : statut), *p++ = ',';
            p = put_dmy(p, deb - 5 - (int)(i % 40)), *p++ = ',';
            p = put_dmy(p, deb), *p++ = ',';
            p = put_dmy(p, fin), *p++ = ',';
            if (rupt)
                p = put_dmy(p, rupt);
            *p++ = ',';
            if (v)
                p = put_dmy(p, aven);
            *p++ = ',';
            p = put_num(p, bsiret[j], 14), *p++ = ',';
            p = put_s(p, SECT[bsect[j]].naf), *p++ = ',';
            p = put_s(p, SECT[bsect[j]].idcc), *p++ = ',';
            p = put_num(p, (uint64_t)eff, 0), *p++ = ',';
            p = put_s(p, bcp[j]), *p++ = ',';
            p = put_s(p, nom), *p++ = ',';
            p = put_s(p, prenom), *p++ = ',';
            p = put_dmy(p, naiss), *p++ = ',';
            *p++ = sexe == 'F' ? '2' : '1', *p++ = ',';
            p = put_s(p, i % 40 ? "Non" : "Oui"), *p++ = ',';
            p = put_s(p, cuai[cf]), *p++ = ',';
            p = put_num(p, csiret[cf], 14), *p++ = ',';
            p = put_s(p, DIP[dip].cfd), *p++ = ',';
            p = put_s(p, "RNCP"), p = put_s(p, DIP[dip].rncp), *p++ = ',';
            p = put_s(p, DIP[dip].niv), *p++ = '\n';
            for (char *q = line; q < p; q++)
                out_byte(&o, (unsigned char)*q);
        }
    }
    out_close(&o);
    free(bsiret), free(csiret), free(bcp), free(cuai), free(bsect), free(beff), free(bdep);
}

/* --- main --------------------------------------------------------------------- */
static void usage(FILE *f)
{
    fputs("usage: generate --samples DIR\n"
          "       generate --bench N DIR\n"
          "       generate --help\n\n"
          "--samples DIR   write the committed sample drop into DIR (contrats/, evenements/,\n"
          "                participations/): byte-identical on every run\n"
          "--bench N DIR   write DIR/contrats/contrats_20250115.csv: N contracts (plain UTF-8,\n"
          "                comma, DECA flat column names, ~3% extra versions), entry years\n"
          "                2019-2024 in the proportions of the DARES national volumes\n",
          f);
}
int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--help")) {
        usage(stdout);
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "--samples")) {
        const char *dir = argv[2];
        rng_s = 0x53414D504C455331ULL;
        build_contracts();
        build_events();
        mkdirs(dir, "contrats");
        mkdirs(dir, "evenements");
        mkdirs(dir, "participations");
        write_contracts(dir, "contrats_normandie_20220115.csv.gz", S_NORM, DL_DECA, 0, 0);
        write_contracts(dir, "contrats_normandie_20230115.csv.gz", S_NORM, DL_DECA, 1, 1);
        write_contracts(dir, "contrats_normandie_20231130.csv.gz", S_NORM, DL_DECA, 2, 2);
        write_contracts(dir, "contrats_normandie_20241130.csv.gz", S_NORM, DL_DECA, 3, 3);
        write_contracts(dir, "export_paysdelaloire.csv.gz", S_PDL, DL_REGION, 0, 1);
        write_contracts(dir, "contrats_bretagne_2024-10-15.csv", S_BRE, DL_TAB, 0, 0);
        write_events(dir);
        write_lba(dir);
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "--bench")) {
        char *end;
        long n = strtol(argv[2], &end, 10);
        if (*end || n < 1 || n > 99999999) {
            fprintf(stderr, "generate: --bench: N must be a whole number from 1 to 99999999\n");
            return 2;
        }
        rng_s = 0x42454E4348000001ULL;
        bench(n, argv[3]);
        return 0;
    }
    usage(stderr);
    return 2;
}
