"""Prints, one per line, every apprentice name (4+ characters) and birth date
(as written and as YYYY-MM-DD) of the contract files of a drop. Independent
of the C code: its own decoding and header matching."""
import csv, gzip, io, os, re, sys, unicodedata

def fold(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub("[^a-z0-9]", "", s)

NAMES = {fold(x) for x in ["nom", "nom apprenti", "nom alternant", "prenom", "prénom apprenti", "prenom alternant"]}
BIRTH = {fold(x) for x in ["date_naissance", "datenaissance", "date de naissance"]}
out = set()
root = os.path.join(sys.argv[1], "contrats")
for name in sorted(os.listdir(root)):
    raw = open(os.path.join(root, name), "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = next(l for l in text.splitlines() if l.strip())
    delim = max(";,\t|", key=lambda d: first.count(d))
    rows = csv.reader(io.StringIO(text), delimiter=delim)
    head = [fold(h) for h in next(r for r in rows if any(c.strip() for c in r))]
    for row in rows:
        for i, h in enumerate(head):
            if i >= len(row):
                continue
            v = row[i].strip()
            if h in NAMES and len(v) >= 4 and v.upper() not in ("NULL", "N/A"):
                out.add(v)
            if h in BIRTH and v:
                out.add(v)
                m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", v)
                if m:
                    out.add("%s-%02d-%02d" % (m.group(3), int(m.group(2)), int(m.group(1))))
for v in sorted(out):
    print(v)
