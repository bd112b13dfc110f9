/* refdata.h: the reference tables of spec/inputs.md (départements,
 * régions, OPCOs and their aliases, IDCC -> OPCO, CFAs, NAF sections): the
 * shipped defaults in schemas/referentiels/, each replaced by a file of the
 * same name in <input>/referentiels/ when there is one. */
#ifndef REFDATA_H
#define REFDATA_H

#include <stddef.h>

#include "apperr.h"

#define REF_TABLES 6

typedef struct ref_file {
    const char *name; /* "departements", ... */
    char *path;       /* the file read, NULL when none (cfa has no default) */
    int dropped;      /* 1 when it came from <input>/referentiels/ */
} ref_file;

typedef struct refdata {
    ref_file files[REF_TABLES];
    /* régions */
    size_t nreg, capreg, capreg_lib, capreg_folded;
    char (*reg_code)[4];
    char **reg_lib;
    char **reg_folded;
    /* départements: code -> region index (-1: unknown); 1..999 numeric, 1000 2A, 1001 2B */
    short dept_region[1002];
    char **dept_lib; /* same index, NULL when unknown */
    /* OPCOs */
    size_t nopco, capopco_code, capopco_lib;
    char **opco_code;
    char **opco_lib;
    size_t nspell, capspell_folded, capspell_opco;
    char **spell_folded; /* F() of every code and alias */
    int *spell_opco;
    short idcc_opco[10000]; /* -1 when unknown */
    /* CFAs (optional table) */
    int have_cfa;
    size_t ncfa, capcfa;
    char (*cfa_uai)[9]; /* sorted */
    /* NAF divisions -> section letter ('\0' unknown) */
    char naf_section[100];
    char *naf_section_lib[26]; /* section A-Z -> libellé, NULL when unknown */
} refdata;

/*
 * refdata_load: load every table. schemas_dir holds input/NAME.yaml (the
 * tables' schemas) and referentiels/NAME.csv (the defaults); input_dir may
 * be NULL. Returns NULL with a message and *code (APPERR_DATA bad content or
 * both NAME.csv and NAME.csv.gz, APPERR_READ unreadable, APPERR_CONFIG bad
 * schema, APPERR_NOMEM) on error.
 */
refdata *refdata_load(const char *schemas_dir, const char *input_dir, enum apperr *code, char *err,
                      size_t errlen);
void refdata_free(refdata *r);

/* Région code of a département code ("14", "2A", "971"), or NULL. */
const char *ref_dept_region(const refdata *r, const char *dept);
/* The index of a département code in dept_region and dept_lib (1-999,
 * 1000 for 2A, 1001 for 2B), or -1 for a malformed code. */
int ref_dept_index(const char *dept);
/* 1 when the département code is in the table. */
int ref_dept_known(const refdata *r, const char *dept);
/* A région given as 1-2 digits (left-padded) present in the table, or as a
 * libellé compared through F(): the canonical code, or NULL. */
const char *ref_region(const refdata *r, const char *s, size_t len);
/* libellé of a région code; "Non déterminée" for ND, "Ensemble" for TOTAL. */
const char *ref_region_lib(const refdata *r, const char *code);
/* Canonical OPCO code of a code or alias (through F()), or NULL. */
const char *ref_opco(const refdata *r, const char *s, size_t len);
/* OPCO of a 4-digit IDCC, or NULL. */
const char *ref_idcc_opco(const refdata *r, const char *idcc4);
/* libellé of an OPCO code, or NULL. */
const char *ref_opco_lib(const refdata *r, const char *code);
/* libellé of a département code ("14", "2A", "971"), or NULL. */
const char *ref_dept_lib(const refdata *r, const char *dept);
/* libellé of a NAF section letter ("I"), or NULL. */
const char *ref_naf_section_lib(const refdata *r, const char *section);
/* 1 when the UAI is in cfa.csv. */
int ref_cfa_known(const refdata *r, const char *uai);

#endif
