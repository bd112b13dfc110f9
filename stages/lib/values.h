/* values.h: typed values of spec/inputs.md: dates, SIRET, UAI, postcode,
 * NAF, IDCC, RNCP, CFD, levels, integers, booleans; month arithmetic and
 * the exact percentage rounding of spec/indicators.md. Pure functions:
 * no allocation, no I/O. */
#ifndef VALUES_H
#define VALUES_H

#include <stddef.h>
#include <stdint.h>

/* A calendar date as days since 1970-01-01 (proleptic Gregorian). */
typedef int32_t date_t;
#define DATE_NONE INT32_MIN

date_t date_from_ymd(int y, int m, int d); /* no validation */
void date_to_ymd(date_t dt, int *y, int *m, int *d);
int date_year(date_t dt);
int date_month(date_t dt);
/* Writes YYYY-MM-DD and a NUL into buf (at least 11 bytes). */
void date_format(date_t dt, char *buf);
/* d + n months, same day number clamped to the month's last day. */
date_t date_add_months(date_t dt, int n);
/* The same for the date y-m-d (m 1-12, d 1-31) already split, without
 * converting it again: date_add_months(date_from_ymd(y, m, d), n). */
date_t date_ymd_add_months(int y, int m, int d, int n);
int date_is_leap(int y);
int date_days_in_month(int y, int m);

/*
 * val_date: parse one of the spec's date forms (D/M/YYYY, D-M-YYYY,
 * YYYY-MM-DD, YYYYMMDD, optional " HH:MM[:SS]", or "THH:MM[:SS]" after
 * YYYY-MM-DD only). s is already trimmed. Years 1900-2099 only.
 * Returns 0 and sets *out, or -1 when invalid.
 */
int val_date(const char *s, size_t len, date_t *out);
/* val_date_iso: val_date that also writes the date as YYYY-MM-DD and a NUL
 * into iso (11 bytes) straight from the parsed fields. */
int val_date_iso(const char *s, size_t len, date_t *out, char *iso);
/* Contract dates must also be on or after 2000-01-01. */
int val_contract_date(const char *s, size_t len, date_t *out);
/* val_date_ymd: exactly YYYY-MM-DD, a real date of val_date's years: the
 * one form the pipeline itself writes (facts files, manifest), read back
 * without val_date's input spellings. 0 and *out, or -1. */
int val_date_ymd(const char *s, size_t len, date_t *out);
/* val_observation_date: the NUL-terminated s as the observation date of
 * spec/outputs.md (--observation-date, observation_date): YYYY-MM-DD and,
 * like a contract date, on or after 2000-01-01 (a report dated before any
 * contract counts nothing, and 1970-01-01 would make libxlsxwriter stamp
 * the workbook with the current time). Every stage and the driver accept
 * exactly this. 0 and *out, or -1. */
int val_observation_date(const char *s, date_t *out);
/* val_years: the NUL-terminated s as the years of spec/outputs.md (--years,
 * the configuration's years): "YYYY" or "YYYY-YYYY" with first <= last,
 * years 2000-2099. 0 with *first and *last (equal for one year), or -1. */
int val_years(const char *s, int *first, int *last);
/* val_count: the NUL-terminated s as a whole number of an option (--rows,
 * --secrecy, --threads): one or more decimal digits, nothing else (no sign,
 * no space), at most max. 0 with *out, or -1 (*out unchanged). */
int val_count(const char *s, unsigned long max, unsigned long *out);
/* First valid YYYYMMDD or YYYY-MM-DD substring of a file base name not
 * adjacent to another digit; 0 and *out, or -1 when there is none. */
int val_date_in_name(const char *name, date_t *out);

/* age_debut: largest k with birth + 12k months <= start (may be negative). */
int val_age(date_t birth, date_t start);
/* "15-17", "18-20", "21-25", "26+" (14 counts as 15-17). */
const char *val_tranche_age(int age);
/* tranche_effectif: the employer's size band of a staff count, "0-4",
 * "5-9", "10-49", "50-249", "250+"; "ND" for a negative count (missing). */
const char *val_tranche_effectif(long staff);
/* The same band as an index of val_tranche_effectif_names (ND last). */
#define VAL_TRANCHES_EFFECTIF 6
extern const char *const val_tranche_effectif_names[VAL_TRANCHES_EFFECTIF];
int val_tranche_effectif_index(long staff);

/* SIRET: white space (spec's four) removed, 14 digits, Luhn or the La Poste
 * rule (356000000 prefix: digit sum multiple of 5). out gets the 14 digits
 * and a NUL (15 bytes). Returns 0 when valid, -1 otherwise. */
int val_siret(const char *s, size_t len, char *out);
/* UAI: 7 digits + check letter ABCDEFGHJKLMNPRSTUVWXYZ[n mod 23]; lower case
 * accepted and upper-cased into out (9 bytes). */
int val_uai(const char *s, size_t len, char *out);
/* Postcode: exactly 5 ASCII digits; out 6 bytes. */
int val_postcode(const char *s, size_t len, char *out);
/* Postcode -> département code: first two digits, 20000-20199 -> 2A,
 * 20200-20699 -> 2B, 97xxx/98xxx -> first three digits. out 4 bytes.
 * Does not check the code against the reference table. */
void val_postcode_dept(const char *cp5, char *out);
/* val_postcode_dept_index: the same département as an index of refdata's
 * dept_region (the code's number, 1000 for 2A, 1001 for 2B); 0 for "00". */
int val_postcode_dept_index(const char *cp5);
/* NAF: remove one dot, 4 digits + letter, upper-cased: out 6 bytes. */
int val_naf(const char *s, size_t len, char *out);
/* IDCC: 1-4 digits, left-padded to 4: out 5 bytes. */
int val_idcc(const char *s, size_t len, char *out);
/* RNCP: "34567", "rncp34567", "RNCP 34567" -> "RNCP34567": digits 1-6 long
 * after an optional case-insensitive RNCP prefix; out 11 bytes. */
int val_rncp(const char *s, size_t len, char *out);
/* CFD: exactly 8 ASCII letters or digits, upper-cased: out 9 bytes. */
int val_cfd(const char *s, size_t len, char *out);
/* Level: "3".."8", or roman V IV III II I -> 3 4 5 6 7 (case-insensitive).
 * Returns the level or -1. */
int val_niveau(const char *s, size_t len);
/* Level from a CFD's first character: 5->3 4->4 3->5 2->6 1->7 8->8, else -1. */
int val_niveau_from_cfd(const char *cfd);
/* Integer >= 0, ASCII digits only (at most 9 digits). -1 when invalid. */
long val_uint(const char *s, size_t len);
/* Boolean: oui/non o/n true/false 1/0 (case-insensitive): 1, 0 or -1. */
int val_bool(const char *s, size_t len);

/*
 * pct_format: 100*a/b rounded to one decimal, half away from zero, computed
 * exactly on integers; "-0.0" is written "0.0". Writes into buf (at least 32
 * bytes) and returns 0; with b == 0 writes "" and returns -1.
 */
int pct_format(int64_t a, int64_t b, char *buf);
/* ratio_format: a/b with one decimal, half away from zero (same rules). */
int ratio_format(int64_t a, int64_t b, char *buf);

#endif
