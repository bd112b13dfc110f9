#!/usr/bin/env python3
"""An outsider's attack on the published indicator tables (spec/indicators.md,
"Secondary suppression"), written independently of the C code.

    attack_secrecy.py OUTPUT_DIR [--truth NOSECRECY_DIR] [-v]

Reads only the published gzip CSV files of OUTPUT_DIR. Every cell written "s"
is an unknown; the relations an outsider knows are written as linear
equations (totals over regions and OPCOs, breakdown totals, the same figure
published twice, the months' cumulative sums), and solved exactly with
fractions.Fraction (Gauss-Jordan, per connected component of unknowns). A
hidden cell is *recovered* when its unknown is determined uniquely.

Prints one line per table: hidden cells and recovered ones, then (-v) each
recovered cell. With --truth (the same run with --no-secrecy), each recovered
value is checked against the true one: "recovered" then means recovered
and right. Exit status: 0 when nothing is recovered, 1 when something is,
2 on a usage or reading error.

Cells of a row that is not in the files are structural zeros when the row's
year is written (a group without data has no row), and unknowns otherwise
(--years leaves earlier years out). Distinct counts are treated as additive,
the cautious reading of the spec.
"""
import csv
import gzip
import os
import sys
from fractions import Fraction

COUNTS = {
    "contrats", "contrats_annee_precedente", "contrats_mois", "cumul", "cumul_annee_precedente",
    "ruptures", "ruptures_45j", "observables_9m", "ruptures_9m", "observables_12m",
    "ruptures_12m", "ruptures_suivies_nouveau_contrat", "ruptures_sans_nouveau_contrat",
    "evenements", "participations", "structures", "visiteurs", "entreprises",
    "entreprises_nouvelles", "entreprises_converties", "observables",
}
KEYS = {
    "croissance": ["annee", "region", "opco"],
    "croissance_mensuelle": ["annee", "mois", "region", "opco"],
    "ruptures": ["annee", "region", "opco"],
    "reunions": ["annee", "region", "opco", "type_evenement"],
    "courbe_ruptures": ["annee", "region", "opco", "mois"],
}
NOT_INDICATORS = {"qualite", "rejets"}


class Table:
    def __init__(self, name, head, rows):
        self.name = name
        self.head = head
        if name in KEYS:
            self.keys = KEYS[name]
            self.breakdown = None
        else:  # a breakdown table: annee, its column, then the base's indicators
            self.keys = head[:2]
            self.breakdown = head[1]
        self.counts = [c for c in head if c in COUNTS and c not in self.keys]
        self.rows = {}
        for r in rows:
            d = dict(zip(head, r))
            self.rows[tuple(d[k] for k in self.keys)] = d
        self.years = {k[0] for k in self.rows}


def load(outdir):
    tables = {}
    for f in sorted(os.listdir(outdir)):
        if not f.endswith(".csv.gz"):
            continue
        name = f[:-7]
        if name in NOT_INDICATORS:
            continue
        with gzip.open(os.path.join(outdir, f), "rt", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        if rows:
            tables[name] = Table(name, rows[0], rows[1:])
    return tables


class System:
    """Linear equations sum(coef * x) = const over named unknowns."""

    def __init__(self, tables):
        self.t = tables
        self.eqs = []
        self.hidden = {}  # unknown -> (table, keys, column)

    def term(self, table, keys, col):
        """(unknown, None) or (None, known value) for a cell."""
        t = self.t.get(table)
        if t is None or col not in t.counts:
            return None, None
        row = t.rows.get(tuple(keys))
        if row is None:
            if keys[0] in t.years:
                return None, 0  # a written year without this row: nothing counted
            return ("unwritten", table, tuple(keys), col), None
        v = row[col]
        if v == "s":
            u = (table, tuple(keys), col)
            self.hidden[u] = u
            return u, None
        return None, int(v) if v != "" else 0

    def add(self, cells):
        """cells: list of (coef, table, keys, col); adds sum(coef * cell) = 0."""
        lhs, const = {}, 0
        for coef, table, keys, col in cells:
            u, v = self.term(table, keys, col)
            if u is None and v is None:
                return
            if u is None:
                const -= coef * v
            else:
                lhs[u] = lhs.get(u, 0) + coef
        lhs = {u: c for u, c in lhs.items() if c}
        if lhs:
            self.eqs.append((lhs, const))

    def same(self, a, b):
        self.add([(1,) + a, (-1,) + b])


def relations(s):
    t = s.t
    # totals over regions and OPCOs (any table keyed by them), breakdown totals
    for name, tab in t.items():
        dims = [tab.breakdown] if tab.breakdown else [k for k in ("region", "opco") if k in tab.keys]
        for dim in dims:
            i = tab.keys.index(dim)
            groups = {}
            for k in tab.rows:
                g = k[:i] + k[i + 1:]
                groups.setdefault(g, []).append(k)
            for g, ks in groups.items():
                total = [k for k in ks if k[i] == "TOTAL"]
                parts = [k for k in ks if k[i] != "TOTAL"]
                if not total or not parts:
                    continue  # e.g. courbe_ruptures has only opco = TOTAL
                for col in tab.counts:
                    s.add([(1, name, k, col) for k in parts] + [(-1, name, total[0], col)])
    # the same figure published twice
    cr, rp, mo = t.get("croissance"), t.get("ruptures"), t.get("croissance_mensuelle")
    if cr and rp:
        for k in cr.rows:
            s.same(("croissance", k, "contrats"), ("ruptures", k, "contrats"))
    for name, tab in t.items():
        if "contrats_annee_precedente" in tab.counts:
            for k in tab.rows:
                prev = (str(int(k[0]) - 1),) + k[1:]
                s.same((name, k, "contrats_annee_precedente"), (name, prev, "contrats"))
        if tab.breakdown:
            base = rp if "ruptures" in tab.counts else cr
            bname = "ruptures" if "ruptures" in tab.counts else "croissance"
            for k in tab.rows:
                if k[1] == "TOTAL" and base:
                    for col in tab.counts:
                        if col in base.counts:
                            s.same((tab.name, k, col), (bname, (k[0], "TOTAL", "TOTAL"), col))
    if mo:
        last = {}
        for k in mo.rows:
            last[k[0]] = max(last.get(k[0], "00"), k[1])
        for k in mo.rows:
            y, m, r, o = k
            prev = (str(int(y) - 1), m, r, o)
            s.same(("croissance_mensuelle", k, "cumul_annee_precedente"),
                   ("croissance_mensuelle", prev, "cumul"))
            if m == "01":
                s.same(("croissance_mensuelle", k, "cumul"), ("croissance_mensuelle", k, "contrats_mois"))
            else:
                before = (y, "%02d" % (int(m) - 1), r, o)
                s.add([(1, "croissance_mensuelle", k, "cumul"),
                       (-1, "croissance_mensuelle", before, "cumul"),
                       (-1, "croissance_mensuelle", k, "contrats_mois")])
            if m == last[y] and cr:
                s.same(("croissance_mensuelle", k, "cumul"), ("croissance", (y, r, o), "contrats"))
    cu = t.get("courbe_ruptures")
    if cu and rp:
        for k in cu.rows:
            y, r, o, m = k
            if m in ("09", "12"):
                w = "9m" if m == "09" else "12m"
                s.same(("courbe_ruptures", k, "observables"), ("ruptures", (y, r, "TOTAL"), "observables_" + w))
                s.same(("courbe_ruptures", k, "ruptures"), ("ruptures", (y, r, "TOTAL"), "ruptures_" + w))


def solve(eqs):
    """Gauss-Jordan over Fractions; returns {unknown: value} for the determined ones."""
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for lhs, _ in eqs:
        us = list(lhs)
        for u in us[1:]:
            a, b = find(us[0]), find(u)
            if a != b:
                parent[a] = b
        find(us[0])
    comps = {}
    for e in eqs:
        comps.setdefault(find(next(iter(e[0]))), []).append(e)
    found = {}
    for ceqs in comps.values():
        rows = {}  # pivot -> [dict, const], fully reduced
        where = {}  # unknown -> set of pivots whose row holds it
        for lhs, const in sorted(ceqs, key=lambda e: len(e[0])):
            row = {u: Fraction(c) for u, c in lhs.items()}
            rhs = Fraction(const)
            for u in [u for u in row if u in rows]:
                c = row.pop(u, None)
                if c is None:
                    continue
                prow, prhs = rows[u]
                for v, pc in prow.items():
                    if v == u:
                        continue
                    nv = row.get(v, 0) - c * pc
                    if nv:
                        row[v] = nv
                    else:
                        row.pop(v, None)
                rhs -= c * prhs
            if not row:
                continue  # dependent (or, with distinct counts, inconsistent)
            p = min(row, key=lambda u: (len(where.get(u, ())), repr(u)))
            c = row[p]
            row = {u: v / c for u, v in row.items()}
            rhs /= c
            for q in list(where.get(p, ())):
                qrow, qrhs = rows[q]
                f = qrow.pop(p)
                for v, pc in row.items():
                    if v == p:
                        continue
                    nv = qrow.get(v, 0) - f * pc
                    if nv:
                        if v not in qrow:
                            where.setdefault(v, set()).add(q)
                        qrow[v] = nv
                    else:
                        if v in qrow:
                            del qrow[v]
                            where[v].discard(q)
                rows[q][1] = qrhs - f * rhs
            where.pop(p, None)
            rows[p] = [row, rhs]
            for v in row:
                if v != p:
                    where.setdefault(v, set()).add(p)
        for p, (row, rhs) in rows.items():
            if len(row) == 1:
                found[p] = rhs
    return found


def main(argv):
    args = [a for a in argv if not a.startswith("-")]
    verbose = "-v" in argv
    truth = None
    if "--truth" in argv:
        i = argv.index("--truth")
        truth = argv[i + 1]
        args.remove(truth)
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    tables = load(args[0])
    s = System(tables)
    relations(s)
    found = solve(s.eqs)
    true = load(truth) if truth else None
    hidden = {}
    for name, tab in tables.items():
        for k, row in tab.rows.items():
            for c in tab.counts:
                if row[c] == "s":
                    hidden.setdefault(name, []).append((k, c))
    total_h = total_r = wrong = 0
    for name in sorted(hidden):
        rec = []
        for k, c in hidden[name]:
            u = (name, k, c)
            if u in found:
                v = found[u]
                if true is not None:
                    tv = true[name].rows[k][c]
                    if str(v) != tv:
                        wrong += 1
                        continue
                rec.append((k, c, v))
        total_h += len(hidden[name])
        total_r += len(rec)
        print("%s: %d hidden, %d recovered" % (name, len(hidden[name]), len(rec)))
        if verbose:
            for k, c, v in rec:
                print("  %s %s = %s" % (" ".join(k), c, v))
    print("total: %d hidden, %d recovered%s" %
          (total_h, total_r, ", %d determined but not equal to the truth" % wrong if truth else ""))
    return 1 if total_r else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
