/* linsys.h: a sparse linear system over the integers, solved exactly, to
 * tell which unknowns it determines (the audit of statistical secrecy,
 * spec/indicators.md "Secondary suppression").
 *
 * Equations are sum(coef * x[var]) = rhs with 64-bit integer coefficients.
 * linsys_solve reduces them by Gauss-Jordan elimination without fractions:
 * a row is replaced by a*row - b*pivot (a, b divided by their gcd) and then
 * divided by the gcd of its entries, every product and sum checked for
 * overflow. An unknown is determined when a reduced row holds it alone,
 * that is when the unit vector of that unknown lies in the row space: no
 * vector of the null space is non-zero on it. Pivots are chosen sparse
 * first (fewest entries, then the column in fewest rows, a coefficient of
 * +-1 preferred) to keep the fill-in small.
 *
 * Some unknowns may be parameters (linsys_param): quantities whose values
 * are known but kept symbolic, so that the solution says which of them a
 * determined unknown depends on. A parameter is pivoted on only in a row
 * without any other unknown; an unknown is then determined when its row
 * holds no other unknown (parameters allowed), and hiding parameter p (making
 * it an unknown) leaves unknown v undetermined exactly when p is in v's row
 * and in no row of parameters alone (linsys_param_free): v = w.A with w
 * unique up to the left null space N of the unknowns' columns, so v stays
 * determined iff some w has w.a_p = 0, that is iff w.a_p = 0 or N.a_p != 0. */
#ifndef LINSYS_H
#define LINSYS_H

#include <stddef.h>
#include <stdint.h>

typedef struct linsys linsys;

/* linsys_new: an empty system over nvars unknowns numbered 0 .. nvars-1;
 * NULL when out of memory. */
linsys *linsys_new(size_t nvars);

/* linsys_param: makes unknown v a parameter (before linsys_solve). 0 or -1. */
int linsys_param(linsys *s, size_t v);

/* linsys_add: adds sum(coef[i] * x[var[i]]) = rhs. A repeated unknown has
 * its coefficients summed; zero coefficients are dropped; an equation left
 * empty only records whether it holds (0 = rhs). Returns 0, or -1 when an
 * unknown is out of range, a sum overflows or memory runs out. Not after
 * linsys_solve. */
int linsys_add(linsys *s, const uint32_t *var, const int64_t *coef, size_t n, int64_t rhs);

/* linsys_solve: reduces the system. Returns 0, or -1 with a message in err
 * when a coefficient would overflow 64 bits or memory runs out (nothing is
 * then known about the unknowns). */
int linsys_solve(linsys *s, char *err, size_t errlen);

/* linsys_determined: after linsys_solve, 1 when unknown v (not a
 * parameter) is determined by the equations and the parameters, its value
 * num/den in lowest terms (den > 0) when num and den are not NULL and no
 * parameter is involved; 0 when it is not determined. */
int linsys_determined(const linsys *s, size_t v, int64_t *num, int64_t *den);

/* linsys_row: after linsys_solve, the reduced equation of determined unknown
 * v: n entries (v itself and parameters) sum(coef * x[var]) = *rhs; the
 * arrays stay valid until linsys_free. 0 when v is not determined. */
size_t linsys_row(const linsys *s, size_t v, const uint32_t **var, const int64_t **coef,
                  int64_t *rhs);

/* linsys_param_free: after linsys_solve, 1 when parameter p appears in no
 * reduced equation of parameters alone. */
int linsys_param_free(const linsys *s, size_t p);

/* linsys_rank: after linsys_solve, the rank of the system. */
size_t linsys_rank(const linsys *s);

/* linsys_consistent: 0 when some equation reduced to 0 = c with c != 0
 * (the system has no solution), 1 otherwise. */
int linsys_consistent(const linsys *s);

void linsys_free(linsys *s);

#endif
