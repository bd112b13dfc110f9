/* schema.h: input schemas (schemas/input/NAME.yaml): canonical columns,
 * aliases, types, required flags and enumerations, and the matching of a
 * file's header to them through F(). */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stddef.h>

#include "csvin.h"

#define SCHEMA_MAX_COLS 256

enum col_type {
    T_TEXT,
    T_CONTRACT_NUMBER,
    T_ENUM,
    T_DATE,
    T_SIRET,
    T_UAI,
    T_POSTCODE,
    T_NAF,
    T_IDCC,
    T_UINT,
    T_BOOL,
    T_OPCO,
    T_REGION,
    T_CFD,
    T_RNCP,
    T_NIVEAU
};

typedef struct enum_val {
    char *canon;   /* the value written out */
    char **folded; /* F() of the canonical spelling and of every alias */
    size_t n;
} enum_val;

typedef struct schema_col {
    char *name;
    char **folded; /* F() of the name and of every alias */
    size_t nfolded;
    enum col_type type;
    int required, personal, free_text, contract_date;
    char *reject_code; /* code for an invalid required value */
    enum_val *values;
    size_t nvalues;
    char *missing_means; /* enum: canonical value a missing cell takes, or NULL */
    /* alias_when: F() of an alias that names this column only when the
     * header has a cell folding to when_header and no other cell names the
     * column; NULL when none */
    char *when_alias, *when_header;
} schema_col;

typedef struct schema {
    char *path;
    char *kind;
    enum csvin_encoding encoding;
    char delim; /* 0: detect */
    schema_col *cols;
    size_t ncols;
} schema;

/* schema_load: read and check one schema file. NULL with "file:line:col:
 * message" in err on failure (a configuration error, exit 78). */
schema *schema_load(const char *path, char *err, size_t errlen);
void schema_free(schema *s);
/* schema_col_index: index of a canonical column name, or -1. */
int schema_col_index(const schema *s, const char *name);
/* schema_enum: the canonical value whose spellings include F(value), or NULL. */
const char *schema_enum(const schema_col *c, const char *value, size_t len);

/* The result of matching a header row to a schema. */
typedef struct header_map {
    int *col_of_field; /* per header field: schema column index, or -1 */
    int *field_of_col; /* per schema column: header field index, or -1 */
    size_t nfields;
    char *ignored; /* "|"-separated names of ignored header cells ("(vide)" for empty), capped */
} header_map;

/* The cap on header_map.ignored, which becomes a field of qualite.csv.gz
 * (its readers take at most CSVIN_MAX_FIELD bytes, and a person reads it):
 * each name cut to SCHEMA_IGNORED_NAME_BYTES bytes at a character boundary
 * and followed by "…"; names listed in header order while the list holds
 * at most SCHEMA_IGNORED_MAX_NAMES names and SCHEMA_IGNORED_MAX_BYTES bytes;
 * the first name that does not fit and all later ones are counted in a
 * final "|… (+K autres)". */
#define SCHEMA_IGNORED_NAME_BYTES 100
#define SCHEMA_IGNORED_MAX_NAMES 50
#define SCHEMA_IGNORED_MAX_BYTES 2000

/*
 * schema_match: match header fields to the schema through F(). Returns 0, or
 * -1 with a message in err when two cells resolve to the same column, when a
 * required column is missing, or when a header cell holds an undefined
 * byte (*bad_col gets the 1-based field number, 0 otherwise).
 */
int schema_match(const schema *s, const csvin_row *hdr, header_map *m, int *bad_col, char *err,
                 size_t errlen);
void header_map_free(header_map *m);

#endif
