/* secrecy.h: statistical secrecy over all the indicator tables at once
 * (spec/indicators.md, "Statistical secrecy" and "Secondary suppression"):
 * the primary secret cells, the secondary cells that keep them from being
 * recomputed, and the audit that proves no hidden count is determined by
 * the published cells.
 *
 * The caller declares the tables (their key and count columns, by name)
 * and adds every row in the table's sort order. The relations an outsider
 * knows are derived from the names, as the spec lists them:
 *  - totals: in a table keyed by `region` and/or `opco`, for each count
 *    column and each value of the other keys, the non-TOTAL values add up to
 *    the TOTAL one; in a breakdown table, the breakdown values add up to the
 *    year's TOTAL row (when a group has a TOTAL row and at least one other);
 *  - the same figure published twice, made one unknown ("hidden together"):
 *    `contrats` of croissance and ruptures; `contrats_annee_precedente` of
 *    year Y and `contrats` of Y-1; `cumul_annee_precedente` of (Y, m) and
 *    `cumul` of (Y-1, m); `cumul` of a year's last month and croissance's
 *    `contrats` (when they are equal: a contract may start after the
 *    observation date); a breakdown's TOTAL row and its base's grand total;
 *    courbe_ruptures (Y, region, 09 / 12) and ruptures (Y, region, TOTAL)
 *    observables_9m / ruptures_9m (_12m);
 *  - months: `cumul` of m = `cumul` of m-1 + `contrats_mois` of m.
 * Rows added with written = 0 (the year before --years) are not published:
 * their cells are unknowns the outsider cannot see, kept so that relations
 * through them count.
 *
 * Choosing secondary cells: every relation with exactly one hidden unknown
 * (and no unpublished one) gets a complement among its published non-zero
 * cells: detail cells before totals, then the lowest cost
 * (value + 10) x (max(n, -2) + 3), where n is the number of such relations
 * the cell would leave to protect less those it closes, then the first in
 * the tables' order. Then the exact audit (linsys.h, per connected component of
 * hidden unknowns) finds hidden cells still determined; each gets a
 * complement in one of its relations, and both steps repeat until the audit
 * finds none. Zeros are never hidden. */
#ifndef SECRECY_H
#define SECRECY_H

#include <stddef.h>
#include <stdint.h>

/* A count cell without a value (written empty, e.g. visiteurs): not an
 * unknown, adds nothing to a total. */
#define SECRECY_MISSING INT64_MIN

/* What hides a cell. */
enum secrecy_mark { SECRECY_SHOWN = 0, SECRECY_PRIMARY = 1, SECRECY_SECONDARY = 2 };

/* Test hook: skip the secondary suppression (the audit must then fail). */
#define SECRECY_PRIMARY_ONLY 1

typedef struct secrecy secrecy;

typedef struct secrecy_stats {
    size_t primary, secondary; /* written cells hidden as primary / secondary */
    size_t determined;         /* written hidden cells the audit found determined */
} secrecy_stats;

/* secrecy_new: counts c with 0 < c < threshold are primary (threshold > 0).
 * NULL when out of memory. */
secrecy *secrecy_new(int threshold);
void secrecy_free(secrecy *s);

/* secrecy_table: declares a table. keys: its key columns in sort order;
 * counts: its count columns; breakdown: the key whose values add up to
 * TOTAL in a breakdown table (NULL otherwise) and base the table whose
 * indicators it repeats. Returns the table's number, or -1 when out of
 * memory. */
int secrecy_table(secrecy *s, const char *name, const char *const *keys, size_t nkeys,
                  const char *const *counts, size_t ncounts, const char *breakdown,
                  const char *base);

/* secrecy_row: appends a row to table t: its key values (copied) and counts
 * (SECRECY_MISSING for none); written 0 for a row that is not published.
 * 0, or -1 when out of memory or the row repeats the keys of another. */
int secrecy_row(secrecy *s, int t, const char *const *keys, const int64_t *counts, int written);

/* secrecy_run: chooses the hidden cells and audits them. Returns 0 when
 * the audit passes; 1 when a hidden count is determined (err names the
 * table, row, column and value of the first); -1 with a message on an
 * internal error (out of memory, overflow, figures that should be equal and
 * are not, no cell left to hide). flags: SECRECY_PRIMARY_ONLY or 0. */
int secrecy_run(secrecy *s, int flags, char *err, size_t errlen);

/* secrecy_mark: after secrecy_run, what hides count c of row r of table t. */
enum secrecy_mark secrecy_mark(const secrecy *s, int t, size_t r, size_t c);

/* secrecy_stats: after secrecy_run, the counts of table t. */
secrecy_stats secrecy_table_stats(const secrecy *s, int t);

#endif
