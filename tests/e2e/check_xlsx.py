#!/usr/bin/env python3
"""Checks a bilan.xlsx written by the report stage against the CSV reports
it was made from and the output schemas (schemas/output/*.yaml).

usage: check_xlsx.py WORKBOOK CSV_DIR [--schemas DIR] [--observation-date YYYY-MM-DD]

Checks: sheet names and order; per table sheet, the header labels (the
schema's), a sample of values against the CSV rows (numbers equal, "s" kept
as "s", empty as empty), number formats, frozen header, autofilter, column
widths; the expected charts; the Méthodologie titles and labels; the
document properties. Prints one line per failure and exits 1 on any."""
import csv
import datetime
import gzip
import io
import os
import sys

import openpyxl

FIXED = ["croissance", "croissance_mensuelle", "ruptures", "reunions", "qualite"]
NOT_PRODUCED = "Tableau non produit par cette exécution."
NUM_FORMAT = {"year": "0", "month": "00", "count": "#,##0", "pct": "0.0",
              "decimal1": "0.0", "days": "#,##0"}
PART_ROWS = 1048576 - 2  # title and header rows on every sheet
SAMPLE = 300


def tiny_yaml(path):
    """The schema keys this checker needs (table, file, sheet, title, and
    each column's name, label, format) when PyYAML is not installed."""
    def scalar(v):
        v = v.strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
            q = v[0]
            v = v[1:-1]
            return v.replace("''", "'") if q == "'" else v.replace('\\"', '"')
        return v
    doc, cols, col = {}, None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
            text = line.strip()
            if indent == 0 and ":" in text:
                key, _, val = text.partition(":")
                cols = [] if key == "columns" else None
                if key == "columns":
                    doc["columns"] = cols
                elif val.strip() not in (">", "|", ">-", "|-", ""):
                    doc[key] = scalar(val)
            elif cols is not None and text.startswith("- "):
                col = {}
                cols.append(col)
                key, _, val = text[2:].partition(":")
                col[key.strip()] = scalar(val)
            elif cols is not None and col is not None and ":" in text and indent <= 4:
                key, _, val = text.partition(":")
                if val.strip() not in (">", "|", ">-", "|-"):
                    col[key.strip()] = scalar(val)
    return doc


def load_schema(path):
    try:
        import yaml
    except ImportError:
        return tiny_yaml(path)
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def read_csv(path):
    with gzip.open(path, "rb") as f:
        text = f.read().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


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
    rest = sorted((s for s in schemas if s.get("sheet") and s["table"] not in FIXED),
                  key=lambda s: s["_file"])
    return order + rest


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


def check_table(ck, ws, schema, header, rows, first_part_rows, offset):
    name = ws.title
    cols = schema["columns"]
    labels = [c["label"] for c in cols]
    got = [ws.cell(row=2, column=i + 1).value for i in range(len(cols))]
    ck.expect(got == labels, "%s: header %r, schema labels %r" % (name, got, labels))
    ck.expect(ws.freeze_panes == "A3", "%s: frozen panes %r, expected A3" % (name, ws.freeze_panes))
    ref = ws.auto_filter.ref
    ck.expect(bool(ref) and ref.startswith("A2:"), "%s: autofilter %r" % (name, ref))
    index = {}
    for i, c in enumerate(cols):
        if not ck.expect(c["name"] in header, "%s: CSV lacks column %s" % (name, c["name"])):
            return
        index[i] = header.index(c["name"])
    n = first_part_rows
    step = max(1, n // SAMPLE)
    sample = list(range(0, n, step))
    if n and sample[-1] != n - 1:
        sample.append(n - 1)
    for k in sample:
        csvrow = rows[offset + k]
        for i, c in enumerate(cols):
            v = csvrow[index[i]]
            cell = ws.cell(row=3 + k, column=i + 1)
            where = "%s!%s (CSV row %d, %s)" % (name, cell.coordinate, offset + k + 2, c["name"])
            fmt = c["format"]
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
                ck.expect(cell.number_format == NUM_FORMAT[fmt],
                          "%s: number format %r, expected %r"
                          % (where, cell.number_format, NUM_FORMAT[fmt]))
    # widths: the longest cell, at most 60, plus 2 (libxlsxwriter adds < 1)
    for i, c in enumerate(cols):
        letter = openpyxl.utils.get_column_letter(i + 1)
        width = ws.column_dimensions[letter].width
        ck.expect(width is not None and 2 < width <= 63,
                  "%s: column %s width %r out of range" % (name, letter, width))
        longest = len(c["label"])
        if c["format"] == "text":
            longest = max([longest] + [len(r[index[i]]) for r in rows])
            want = min(longest, 60) + 2
            ck.expect(width is not None and abs(width - want) < 1,
                      "%s: column %s width %r, expected %d" % (name, letter, width, want))


def expected_chart(table, header, rows):
    """(chart class, series count) the report should draw, or None."""
    def col(r, n):
        return r[header.index(n)]
    try:
        if table == "croissance_mensuelle":
            tot = [r for r in rows if col(r, "region") == "TOTAL" and col(r, "opco") == "TOTAL"]
            return ("LineChart", 2) if tot else None
        if table == "ruptures":
            obs = [r for r in rows if col(r, "opco") == "TOTAL"
                   and (col(r, "observables_9m") == "s"
                        or (col(r, "observables_9m").isdigit() and int(col(r, "observables_9m")) > 0))]
            if not obs:
                return None
            years = [int(col(r, "annee")) for r in obs if col(r, "region") == "TOTAL"] or \
                    [int(col(r, "annee")) for r in obs]
            y = str(max(years))
            pts = [r for r in rows if col(r, "opco") == "TOTAL" and col(r, "annee") == y
                   and col(r, "region") != "TOTAL"]
            return ("BarChart", 1) if pts else None
        if table == "reunions":
            ent = [r for r in rows if col(r, "region") == "TOTAL"
                   and col(r, "type_evenement") == "reunion_entreprises"]
            if not ent:
                return None
            y = str(max(int(col(r, "annee")) for r in ent))
            pts = [r for r in ent if col(r, "annee") == y and col(r, "opco") != "TOTAL"]
            return ("BarChart", 2) if pts else None
    except ValueError:
        return None
    return None


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
    schemas = []
    for f in sorted(os.listdir(out)):
        if f.endswith(".yaml"):
            s = load_schema(os.path.join(out, f))
            s["_file"] = f
            schemas.append(s)
    ck = Checker()
    wb = openpyxl.load_workbook(book)

    tables, expected = [], ["Synthèse"]
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
                check_table(ck, wb[name], s, header, rows, n, offset)
                offset += n
        want = expected_chart(s["table"], header, rows)
        charts = ws._charts
        if want is None:
            ck.expect(not charts, "%s: unexpected chart" % ws.title)
        elif ck.expect(len(charts) == 1, "%s: %d charts, expected 1" % (ws.title, len(charts))):
            ch = charts[0]
            ck.expect(type(ch).__name__ == want[0],
                      "%s: chart %s, expected %s" % (ws.title, type(ch).__name__, want[0]))
            ck.expect(len(ch.series) == want[1],
                      "%s: %d series, expected %d" % (ws.title, len(ch.series), want[1]))
            ck.expect(getattr(ch, "display_blanks", None) == "gap",
                      "%s: blanks shown as %r, expected gap" % (ws.title, getattr(ch, "display_blanks", None)))
            for se in ch.series:
                ref = se.val.numRef.f if se.val and se.val.numRef else ""
                ck.expect(ws.title in ref, "%s: series values %r off the sheet" % (ws.title, ref))

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
    props = wb.properties
    ck.expect(bool(props.title), "no document title")
    ck.expect(props.subject == "Indicateurs de l'apprentissage", "subject %r" % props.subject)
    if obs:
        want = datetime.datetime.strptime(obs, "%Y-%m-%d")
        ck.expect(props.created == want, "created %r, expected %r" % (props.created, want))

    for f in ck.failures:
        print("FAIL", f)
    print("check_xlsx: %d checks, %d failed" % (ck.checks, len(ck.failures)))
    return 1 if ck.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
