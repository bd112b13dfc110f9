#!/usr/bin/env python3
"""Checks a bilan.xlsx written by the report stage against the CSV reports
it was made from, the output schemas (schemas/output/*.yaml) and the
reference tables (schemas/referentiels/*.csv), read here independently.

usage: check_xlsx.py WORKBOOK CSV_DIR [--schemas DIR] [--observation-date YYYY-MM-DD]

Checks: sheet names and order (spec/outputs.md); per table sheet, the
header labels (the schema's, a libellé column beside each column with
`labels`), a sample of values against the CSV rows (numbers equal, "s" kept
as "s", empty as empty), the libellés against the reference tables, number
formats, frozen header, autofilter, column widths; every chart: its kind,
the year or cohort it shows (the latest complete year, or the latest cohort
observable for the whole window), and the cells its series point at, which
must repeat the CSV cells (a secret cell is a gap); the Synthèse: each of its
charts is a table's chart under a paragraph quoting the same years, its
figures are the CSV cells and a secret one is never quoted as a number; the
Tableau de bord: every pivot cell equals its CSV cell (OPCO TOTAL rows),
the régions and years it must show, one landscape page; the Méthodologie
titles and labels; the document properties. The observation date defaults to
the workbook's creation date. Prints one line per failure and exits 1 on any."""
import csv
import datetime
import gzip
import io
import os
import re
import sys

import openpyxl
import yaml

FIXED = ["croissance", "croissance_mensuelle", "ruptures", "courbe_ruptures", "reunions"]
LAST = "qualite"
NOT_PRODUCED = "Tableau non produit par cette exécution."
NUM_FORMAT = {"year": "0", "month": "00", "count": "#,##0", "pct": "0.0",
              "decimal1": "0.0", "days": "#,##0"}
PART_ROWS = 1048576 - 2  # title and header rows on every sheet
SAMPLE = 300
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc."]
DASH = "Tableau de bord"
DASH_YEARS = 6
NBSP = "\u00a0"
SECRET_TEXT = "non diffusable (secret statistique)"


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def read_csv(path):
    with gzip.open(path, "rb") as f:
        text = f.read().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def load_refs(ref_dir):
    """The libellés of the reference tables: OPCO names (the libellé up to its
    first comma), régions, départements, NAF sections."""
    def rows(name):
        with open(os.path.join(ref_dir, name + ".csv"), encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    return {
        "opco": {r["opco"]: r["libelle"].split(",")[0] for r in rows("opco")},
        "regions": {r["region"]: r["libelle"] for r in rows("regions")},
        "departements": {r["departement"]: r["libelle"] for r in rows("departements")},
        "naf_sections": {r["section"]: r["libelle"] for r in rows("naf_sections")},
    }


def label_of(col, code, refs):
    """The libellé the workbook must show beside code in column col, or None
    when col has no labels; "" when the code has none."""
    lab = col.get("labels")
    if lab is None:
        return None
    if isinstance(lab, dict):
        got = {str(k): v for k, v in lab.items()}.get(code)
    elif lab == "regions":
        got = refs["regions"].get(code) or ("Ensemble" if code == "TOTAL" else "Non déterminée")
    else:
        got = refs[lab].get(code)
    if got:
        return got
    return {"TOTAL": "Ensemble", "ND": "Non déterminé"}.get(code, "")


class Checker:
    def __init__(self):
        self.failures = []
        self.checks = 0

    def expect(self, cond, msg):
        self.checks += 1
        if not cond:
            self.failures.append(msg)
        return cond


def sheet_order(schemas):
    by_table = {s["table"]: s for s in schemas}
    order = [by_table[t] for t in FIXED if t in by_table]
    rest = sorted((s for s in schemas if s.get("sheet") and s["table"] not in FIXED + [LAST]),
                  key=lambda s: s["_file"])
    return order + rest + ([by_table[LAST]] if LAST in by_table else [])


def part_names(base, n):
    names = [base]
    for k in range(2, n + 1):
        suffix = " (%d)" % k
        names.append(base[:31 - len(suffix)] + suffix)
    return names


def is_num(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    last = (datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(y, m, min(d.day, last))


def latest_year(obs):
    """The latest year Y with 31 December Y <= D_obs."""
    return obs.year if (obs.month, obs.day) == (12, 31) else obs.year - 1


def cohort_for(obs, w):
    """The latest cohort whose every contract is observable w months."""
    c = obs.year
    while add_months(datetime.date(c, 12, 31), w) > obs:
        c -= 1
    return c


def sheet_columns(schema):
    """(heading, column, is_label) for each sheet column, in order."""
    out = []
    for c in schema["columns"]:
        out.append((c["label"], c, False))
        if c.get("labels") is not None:
            out.append((c.get("labels_heading", "Libellé"), c, True))
    return out


def cell_matches(ck, cell, v, fmt, where):
    """The workbook cell holds the CSV value v of a column of format fmt."""
    if v == "":
        ck.expect(cell.value is None, "%s: %r, expected an empty cell" % (where, cell.value))
    elif fmt != "text" and v == "s":
        ck.expect(cell.value == "s", "%s: %r, expected 's'" % (where, cell.value))
        ck.expect(cell.alignment.horizontal == "right", "%s: 's' not right-aligned" % where)
    elif fmt == "text":
        ck.expect(cell.value == v, "%s: %r, expected %r" % (where, cell.value, v))
    else:
        ok = isinstance(cell.value, (int, float)) and is_num(v) and \
            abs(cell.value - float(v)) < 1e-9
        ck.expect(ok, "%s: %r, expected the number %s" % (where, cell.value, v))
        ck.expect(cell.number_format == NUM_FORMAT[fmt], "%s: number format %r, expected %r"
                  % (where, cell.number_format, NUM_FORMAT[fmt]))


def check_table(ck, ws, schema, header, rows, first_part_rows, offset, refs):
    name = ws.title
    scols = sheet_columns(schema)
    headings = [h for h, _, _ in scols]
    got = [ws.cell(row=2, column=i + 1).value for i in range(len(scols))]
    ck.expect(got == headings, "%s: header %r, expected %r" % (name, got, headings))
    ck.expect(ws.freeze_panes == "A3", "%s: frozen panes %r, expected A3" % (name, ws.freeze_panes))
    ref = ws.auto_filter.ref
    last = openpyxl.utils.get_column_letter(len(scols))
    ck.expect(bool(ref) and ref.startswith("A2:" + last),
              "%s: autofilter %r, expected A2:%s..." % (name, ref, last))
    for _, c, _ in scols:
        if not ck.expect(c["name"] in header, "%s: CSV lacks column %s" % (name, c["name"])):
            return
    n = first_part_rows
    step = max(1, n // SAMPLE)
    sample = list(range(0, n, step))
    if n and sample[-1] != n - 1:
        sample.append(n - 1)
    for k in sample:
        csvrow = rows[offset + k]
        for i, (_, c, is_label) in enumerate(scols):
            v = csvrow[header.index(c["name"])]
            cell = ws.cell(row=3 + k, column=i + 1)
            where = "%s!%s (CSV row %d, %s%s)" % (name, cell.coordinate, offset + k + 2,
                                                  c["name"], " libellé" if is_label else "")
            if is_label:
                want = label_of(c, v, refs) or None
                ck.expect(cell.value == want, "%s: %r, expected %r" % (where, cell.value, want))
            else:
                cell_matches(ck, cell, v, c["format"], where)
    # widths: the longest cell, at most 60, plus 2 (libxlsxwriter adds < 1); the label of a
    # number column may wrap
    for i, (h, c, is_label) in enumerate(scols):
        letter = openpyxl.utils.get_column_letter(i + 1)
        width = ws.column_dimensions[letter].width
        ck.expect(width is not None and 2 < width <= 63,
                  "%s: column %s width %r out of range" % (name, letter, width))
        col = [r[header.index(c["name"])] for r in rows]
        if is_label:
            longest = max([len(h)] + [len(label_of(c, v, refs)) for v in col])
        elif c["format"] == "text":
            longest = max([len(h)] + [len(v) for v in col])
        else:
            continue
        want = min(longest, 60) + 2
        ck.expect(width is not None and abs(width - want) < 1,
                  "%s: column %s width %r, expected %d" % (name, letter, width, want))


def expected_chart(schema, header, rows, obs, refs):
    """(chart class, title years, categories, series values) the report must
    draw for this table, or None. A value is a CSV cell, None where the cell is
    secret or empty (a gap)."""
    table = schema["table"]
    Y, coh = latest_year(obs), cohort_for(obs, 9)
    col = {c["name"]: c for c in schema["columns"]}

    def get(r, n):
        return r[header.index(n)]

    def num(v):
        return float(v) if v not in ("", "s") and is_num(v) else None
    try:
        if table == "croissance_mensuelle":
            pts = [r for r in rows if get(r, "region") == "TOTAL" and get(r, "opco") == "TOTAL"
                   and get(r, "annee") == str(Y)]
            return ("LineChart", [Y, Y - 1], [MONTHS[int(get(r, "mois")) - 1] for r in pts],
                    [[num(get(r, "cumul")) for r in pts],
                     [num(get(r, "cumul_annee_precedente")) for r in pts]]) if pts else None
        if table == "ruptures":
            pts = [r for r in rows if get(r, "opco") == "TOTAL" and get(r, "annee") == str(coh)
                   and get(r, "region") != "TOTAL"]
            return ("BarChart", [coh], [get(r, "region_libelle") for r in pts],
                    [[num(get(r, "taux_rupture_9m_pct")) for r in pts]]) if pts else None
        if table == "courbe_ruptures":
            cur = {(get(r, "annee"), int(get(r, "mois"))): get(r, "taux_rupture_cumule_pct")
                   for r in rows if get(r, "region") == "TOTAL"}
            cohorts = [y for y in range(coh - 3, coh + 1) if any(k[0] == str(y) for k in cur)]
            if not cohorts:
                return None
            mmax = max(m for (y, m) in cur if int(y) in cohorts)
            return ("LineChart", [cohorts[0], cohorts[-1]], [str(m) for m in range(1, mmax + 1)],
                    [[num(cur.get((str(y), m), "")) for m in range(1, mmax + 1)]
                     for y in cohorts])
        if table == "reunions":
            pts = [r for r in rows if get(r, "region") == "TOTAL" and get(r, "annee") == str(Y)
                   and get(r, "type_evenement") == "reunion_entreprises"
                   and get(r, "opco") != "TOTAL"]
            return ("BarChart", [Y], [label_of(col["opco"], get(r, "opco"), refs) or get(r, "opco")
                                      for r in pts],
                    [[num(get(r, "participations")) for r in pts],
                     [num(get(r, "entreprises_converties")) for r in pts]]) if pts else None
        bc = schema.get("chart")
        if bc:
            b = schema["breakdown"]
            y = cohort_for(obs, int(bc["cohort_window_months"])) \
                if bc.get("cohort_window_months") else Y
            pts = [r for r in rows if get(r, "annee") == str(y)]
            lab = col[b].get("labels")
            order = [str(k) for k in lab] if isinstance(lab, dict) else []
            pts.sort(key=lambda r: (get(r, b) == "TOTAL",
                                    order.index(get(r, b)) if get(r, b) in order else len(order)))
            kind = "BarChart"  # openpyxl reads column and bar charts as BarChart
            return (kind, [y], [label_of(col[b], get(r, b), refs) or get(r, b) for r in pts],
                    [[num(get(r, bc["column"])) for r in pts]]) if pts else None
    except (ValueError, KeyError):
        return None
    return None


def chart_title(ch):
    t = ch.title
    if not t or not t.tx or not t.tx.rich:
        return ""
    return "".join(r.t for p in t.tx.rich.p for r in (p.r or []))


def ref_cells(wb, f):
    """The cells of a reference such as 'Sheet'!$M$3:$M$14."""
    m = re.match(r"^'?(.*?)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$", f or "")
    if not m or m.group(1) not in wb.sheetnames:
        return None
    ws = wb[m.group(1)]
    c0, r0 = m.group(2), int(m.group(3))
    c1, r1 = (m.group(4), int(m.group(5))) if m.group(4) else (c0, r0)
    return [ws["%s%d" % (c, r)] for c in ([c0] if c0 == c1 else [c0, c1])
            for r in range(r0, r1 + 1)]


def check_chart(ck, wb, ch, want, where):
    """Kind, title years, categories and values of chart ch against want."""
    kind, years, cats, series = want
    ck.expect(type(ch).__name__ == kind, "%s: chart %s, expected %s"
              % (where, type(ch).__name__, kind))
    ck.expect(getattr(ch, "display_blanks", None) == "gap",
              "%s: blanks shown as %r, expected gap" % (where, getattr(ch, "display_blanks", None)))
    title = chart_title(ch)
    for y in years:
        ck.expect(str(y) in title, "%s: chart title %r does not quote %d" % (where, title, y))
    if not ck.expect(len(ch.series) == len(series), "%s: %d series, expected %d"
                     % (where, len(ch.series), len(series))):
        return
    for se, vals in zip(ch.series, series):
        cf = se.cat.strRef.f if se.cat and se.cat.strRef else (
            se.cat.numRef.f if se.cat and se.cat.numRef else None)
        vf = se.val.numRef.f if se.val and se.val.numRef else None
        cc, vc = ref_cells(wb, cf), ref_cells(wb, vf)
        if not ck.expect(cc is not None and vc is not None,
                         "%s: series points at %r / %r" % (where, cf, vf)):
            continue
        gotc = [str(c.value) if c.value is not None else "" for c in cc]
        ck.expect(gotc == cats, "%s: categories %r, expected %r" % (where, gotc, cats))
        gotv = [c.value for c in vc]
        ok = len(gotv) == len(vals) and all(
            (w is None and g is None) or (w is not None and isinstance(g, (int, float))
                                          and abs(g - w) < 1e-9) for g, w in zip(gotv, vals))
        ck.expect(ok, "%s: series %s holds %r, expected %r" % (where, vf, gotv, vals))


def fr(v, pct=False, sign=False):
    """The French rendering of a CSV value in a Synthèse sentence."""
    if v == "":
        return "non disponible"
    if v == "s":
        return SECRET_TEXT
    neg = v.startswith("-")
    ip, _, dec = v.lstrip("-").partition(".")
    groups = []
    while len(ip) > 3:
        groups.insert(0, ip[-3:])
        ip = ip[:-3]
    out = NBSP.join([ip] + groups) + ("," + dec if dec else "")
    out = ("\u2212" if neg else ("+" if sign and float(v) != 0 else "")) + out
    return out + (NBSP + "%" if pct else "")


def check_synthese(ck, wb, tables, obs, refs):
    ws = wb["Synthèse"]
    Y, coh = latest_year(obs), cohort_for(obs, 9)
    texts = {c.row: str(c.value) for c in ws["A"] if c.value}
    alltext = " ".join(texts.values())
    by_table = {s["table"]: (s, h, r) for s, h, r, _ in tables}

    def para(start):
        return next((t for t in texts.values() if t.startswith(start)), None)

    def row_of(table, keys):
        s, h, rows = by_table.get(table, (None, None, None))
        if not rows:
            return None, None
        for r in rows:
            if all(r[h.index(k)] == v for k, v in keys.items()):
                return h, r
        return h, None
    # figures quoted: the CSV cells, a secret one spelled out, never as a number
    h, r = row_of("croissance", {"annee": str(Y), "region": "TOTAL", "opco": "TOTAL"})
    if r:
        p = para("Entrées en apprentissage en %d" % Y)
        if ck.expect(p is not None, "Synthèse: no paragraph on the entries of %d" % Y):
            for c, pct, sign in (("contrats", False, False), ("evolution_pct", True, True)):
                want = fr(r[h.index(c)], pct, sign)
                ck.expect(want in p, "Synthèse: %s of %d is %r, not quoted in %r"
                          % (c, Y, want, p))
    h, r = row_of("ruptures", {"annee": str(coh), "region": "TOTAL", "opco": "TOTAL"})
    if r:
        p = para("Taux de rupture à 9 mois de la cohorte %d" % coh)
        if ck.expect(p is not None, "Synthèse: no paragraph on the cohort %d" % coh):
            want = fr(r[h.index("taux_rupture_9m_pct")], True)
            ck.expect("%s (ruptures" % want in p, "Synthèse: the 9-month rate of %d is %r, "
                      "not quoted in %r" % (coh, want, p))
    h, r = row_of("reunions", {"annee": str(Y), "region": "TOTAL", "opco": "TOTAL",
                               "type_evenement": "reunion_entreprises"})
    if r:
        s = by_table["reunions"][0]
        lab = label_of(next(c for c in s["columns"] if c["name"] == "type_evenement"),
                       "reunion_entreprises", refs)
        p = para("%s en %d" % (lab, Y))
        if ck.expect(p is not None, "Synthèse: no paragraph starting %r" % ("%s en %d" % (lab, Y))):
            want = fr(r[h.index("taux_conversion_pct")], True)
            ck.expect("conversion : %s" % want in p, "Synthèse: the conversion rate of %d is %r, "
                      "not quoted in %r" % (Y, want, p))
    for pname in ("Type d'événement reunion_entreprises.", "Type d'événement reunion_entreprises,"):
        ck.expect(pname not in alltext, "Synthèse: the code reunion_entreprises without its label")
    # every chart: a table's chart, under a paragraph quoting the same years
    charts = {}
    for s, h, rows, names in tables:
        if rows is not None and names[0] in wb.sheetnames and wb[names[0]]._charts:
            charts[names[0]] = wb[names[0]]._charts[0]
    refs_of = {tuple(se.val.numRef.f for se in ch.series): name for name, ch in charts.items()}
    seen = set()
    for ch in ws._charts:
        key = tuple(se.val.numRef.f for se in ch.series)
        name = refs_of.get(key)
        if not ck.expect(name is not None, "Synthèse: chart %r is no table's chart"
                         % chart_title(ch)):
            continue
        seen.add(name)
        above = texts.get(ch.anchor._from.row - 1, "")
        years = re.findall(r"\b20\d\d\b", chart_title(ch))
        for y in years:
            ck.expect(y in above, "Synthèse: chart %r quotes %s, the paragraph above it does not: "
                      "%r" % (chart_title(ch), y, above))
    for name in charts:
        s = next(s for s, _, _, n in tables if n[0] == name)
        if s["table"] != "courbe_ruptures" and s["table"] != "ruptures" and not s.get("chart") \
                and s["table"] not in ("croissance_mensuelle", "reunions"):
            continue
        ck.expect(name in seen, "Synthèse: the chart of sheet %s is missing" % name)


def check_dashboard(ck, wb, tables, obs):
    if not ck.expect(DASH in wb.sheetnames, "no sheet %s" % DASH):
        return
    ws = wb[DASH]
    Y, coh = latest_year(obs), cohort_for(obs, 9)
    by_table = {s["table"]: (s, h, r) for s, h, r, _ in tables}
    pivots = [("croissance", None, "contrats", "evolution_pct", lambda y: y > Y),
              ("ruptures", None, "observables_9m", "taux_rupture_9m_pct", lambda y: y > coh),
              ("reunions", "reunion_entreprises", "evenements", "taux_conversion_pct",
               lambda y: y >= Y)]
    # the years: the last DASH_YEARS of those of the pivots' rows
    years = set()
    for t, typ, _, _, _ in pivots:
        s, h, rows = by_table.get(t, (None, None, None))
        for r in rows or []:
            if r[h.index("opco")] == "TOTAL":
                years.add(int(r[h.index("annee")]))
    years = sorted(years)
    years = [y for y in years if y > (max(years) if years else 0) - DASH_YEARS]
    colA = [(c.row, c.value) for c in ws["A"]]
    for t, typ, c1, c2, prov in pivots:
        s, h, rows = by_table.get(t, (None, None, None))
        sheet = s["sheet"] if s else t
        start = next((row for row, v in colA if isinstance(v, str)
                      and "(source : feuille %s," % sheet in v), None)
        if not ck.expect(start is not None, "%s: no pivot from sheet %s" % (DASH, sheet)):
            continue
        if rows is None:
            ck.expect(ws.cell(row=start + 1, column=1).value == NOT_PRODUCED,
                      "%s: pivot of %s without its CSV: no note" % (DASH, sheet))
            continue
        heads = [ws.cell(row=start + 1, column=2 + 2 * q).value for q in range(len(years))]
        want = ["%d%s" % (y, " *" if prov(y) else "") for y in years]
        ck.expect(heads == want, "%s: pivot %s years %r, expected %r" % (DASH, sheet, heads, want))
        labels = {c["name"]: c["label"] for c in s["columns"]}
        sub = [ws.cell(row=start + 2, column=2 + q).value for q in range(2)]
        ck.expect(sub == [labels[c1], labels[c2]], "%s: pivot %s sub-headings %r" % (DASH, sheet, sub))
        # the rows the pivot must show: OPCO TOTAL (and the event type), the years shown
        mine = [r for r in rows if r[h.index("opco")] == "TOTAL"
                and (typ is None or r[h.index("type_evenement")] == typ)
                and int(r[h.index("annee")]) in years]
        regs = sorted({r[h.index("region")] for r in mine},
                      key=lambda c: (c == "TOTAL", c.encode()))
        lib = {r[h.index("region")]: r[h.index("region_libelle")] for r in mine}
        got_labels = []
        row = start + 3
        while ws.cell(row=row, column=1).value and not str(ws.cell(row=row, column=1).value).startswith("* "):
            got_labels.append(ws.cell(row=row, column=1).value)
            row += 1
        ck.expect(got_labels == [lib[c] for c in regs],
                  "%s: pivot %s régions %r, expected %r" % (DASH, sheet, got_labels,
                                                            [lib[c] for c in regs]))
        fmt = {c["name"]: c["format"] for c in s["columns"]}
        for i, code in enumerate(regs[:len(got_labels)]):
            for q, y in enumerate(years):
                r = next((r for r in mine if r[h.index("region")] == code
                          and r[h.index("annee")] == str(y)), None)
                for j, cn in enumerate((c1, c2)):
                    cell = ws.cell(row=start + 3 + i, column=2 + 2 * q + j)
                    where = "%s!%s (%s %d %s %s)" % (DASH, cell.coordinate, sheet, y, code, cn)
                    v = r[h.index(cn)] if r else ""
                    if v == "" or v == "s":
                        ck.expect(cell.value == (v or None), "%s: %r, expected %r"
                                  % (where, cell.value, v or None))
                    else:
                        ck.expect(isinstance(cell.value, (int, float))
                                  and abs(cell.value - float(v)) < 1e-9,
                                  "%s: %r, expected the number %s" % (where, cell.value, v))
                        ck.expect(cell.number_format == NUM_FORMAT[fmt[cn]], "%s: format %r"
                                  % (where, cell.number_format))
        if regs and regs[-1] == "TOTAL":
            ck.expect(ws.cell(row=start + 2 + len(regs), column=1).font.b,
                      "%s: pivot %s: the grand total's row is not bold" % (DASH, sheet))
    # one printed landscape page
    ps = ws.page_setup
    ck.expect(ps.orientation == "landscape", "%s: orientation %r" % (DASH, ps.orientation))
    ck.expect(bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
              "%s: not fitted to the page" % DASH)
    ck.expect(ps.fitToWidth in (None, 1) and ps.fitToHeight in (None, 1),
              "%s: fitted to %r x %r pages, expected 1 x 1" % (DASH, ps.fitToWidth, ps.fitToHeight))
    last = max(row for row, v in colA if v)
    area = ws.print_area[0] if ws.print_area else ""
    m = re.match(r"^'?.*?'?!?\$A\$1:\$([A-Z]+)\$(\d+)$", area.split("!")[-1])
    ck.expect(m is not None and int(m.group(2)) >= last
              and openpyxl.utils.column_index_from_string(m.group(1)) >= 1 + 2 * len(years),
              "%s: print area %r does not cover the pivots" % (DASH, area))


def main(argv):
    args = argv[1:]
    here = os.path.dirname(os.path.abspath(__file__))
    schemas_dir = os.path.join(here, "..", "..", "schemas")
    obs = None
    if "--schemas" in args:
        i = args.index("--schemas")
        schemas_dir = args[i + 1]
        del args[i:i + 2]
    if "--observation-date" in args:
        i = args.index("--observation-date")
        obs = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 64
    book, csv_dir = args
    out = os.path.join(schemas_dir, "output")
    refs = load_refs(os.path.join(schemas_dir, "referentiels"))
    schemas = []
    for f in sorted(os.listdir(out)):
        if f.endswith(".yaml"):
            s = load_schema(os.path.join(out, f))
            s["_file"] = f
            schemas.append(s)
    ck = Checker()
    wb = openpyxl.load_workbook(book)
    props = wb.properties
    if obs:
        want = datetime.datetime.strptime(obs, "%Y-%m-%d")
        ck.expect(props.created == want, "created %r, expected %r" % (props.created, want))
    obs_date = datetime.datetime.strptime(obs, "%Y-%m-%d").date() if obs else props.created.date()

    tables, expected = [], ["Synthèse", DASH]
    for s in sheet_order(schemas):
        path = os.path.join(csv_dir, s["file"])
        header, rows = read_csv(path) if os.path.exists(path) else (None, None)
        parts = max(1, -(-len(rows) // PART_ROWS)) if rows is not None else 1
        names = part_names(s["sheet"], parts)
        expected += names
        tables.append((s, header, rows, names))
    expected += ["Méthodologie", "Provenance"]
    ck.expect(wb.sheetnames == expected, "sheets %r, expected %r" % (wb.sheetnames, expected))

    for s, header, rows, names in tables:
        if names[0] not in wb.sheetnames:
            continue
        ws = wb[names[0]]
        if rows is None:
            ck.expect(ws["A2"].value == NOT_PRODUCED,
                      "%s: no CSV, expected the note, found %r" % (ws.title, ws["A2"].value))
            ck.expect(not ws._charts, "%s: a chart without data" % ws.title)
            continue
        offset = 0
        for name in names:
            if name in wb.sheetnames:
                n = min(PART_ROWS, len(rows) - offset)
                check_table(ck, wb[name], s, header, rows, n, offset, refs)
                offset += n
        want = expected_chart(s, header, rows, obs_date, refs)
        charts = ws._charts
        if want is None:
            ck.expect(not charts, "%s: unexpected chart" % ws.title)
        elif ck.expect(len(charts) == 1, "%s: %d charts, expected 1" % (ws.title, len(charts))):
            check_chart(ck, wb, charts[0], want, ws.title)

    # Méthodologie: one source of truth, the schemas
    if "Méthodologie" in wb.sheetnames:
        colA = {c.value for c in wb["Méthodologie"]["A"] if c.value}
        for s in schemas:
            ck.expect(s["title"] in colA, "Méthodologie: no title %r" % s["title"])
            for c in s["columns"]:
                ck.expect(c["label"] in colA, "Méthodologie: no label %r" % c["label"])
    if "Synthèse" in wb.sheetnames:
        text = " ".join(str(c.value) for c in wb["Synthèse"]["A"] if c.value)
        for s in schemas:
            if s["table"] in ("croissance", "ruptures", "reunions"):
                ck.expect("feuille " + s["sheet"] in text,
                          "Synthèse: no sentence names the sheet %s" % s["sheet"])
        check_synthese(ck, wb, tables, obs_date, refs)
    check_dashboard(ck, wb, tables, obs_date)
    ck.expect(bool(props.title), "no document title")
    ck.expect(props.subject == "Indicateurs de l'apprentissage", "subject %r" % props.subject)

    for f in ck.failures:
        print("FAIL", f)
    print("check_xlsx: %d checks, %d failed" % (ck.checks, len(ck.failures)))
    return 1 if ck.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
