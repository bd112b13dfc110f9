"""Personal data of the contract files of a drop, for the personal-data tests.
Independent of the C code: its own decoding and header matching.

    personal_values.py DROP            every value to look for, one per line
    personal_values.py --columns       the personal column names, folded, one per line

Values: apprentice names (4+ characters) and birth dates (as written and as
YYYY-MM-DD), and the personal columns of real DECA exports (spec/inputs.md,
"Real DECA exports": e-mails, telephone, street, 6+ characters). The short
personal values of those exports (street number, nationality code, birth
département: "12", "1", "014") would match anywhere, so they are not listed:
a test checks instead that no record file or output has a column of these
names (--columns)."""
import csv, gzip, io, os, re, sys, unicodedata

def fold(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub("[^a-z0-9]", "", s)

NAMES = {fold(x) for x in ["nom", "nom apprenti", "nom alternant", "prenom", "prénom apprenti", "prenom alternant"]}
BIRTH = {fold(x) for x in ["date_naissance", "datenaissance", "date de naissance"]}
# the personal columns of the DECA exports the spec names as unknown columns
LONG = {fold(x) for x in ["courriel", "courrielalternant", "courrielemployeur", "telephone", "adressevoie"]}
SHORT = {fold(x) for x in ["adressenumero", "nationalite", "departementnaissance"]}

if sys.argv[1:] == ["--columns"]:
    for c in sorted(NAMES | BIRTH | LONG | SHORT):
        print(c)
    sys.exit(0)

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
            if h in LONG and len(v) >= 6:
                out.add(v)
            if h in BIRTH and v:
                out.add(v)
                m = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", v)
                if m:
                    out.add("%s-%02d-%02d" % (m.group(3), int(m.group(2)), int(m.group(1))))
for v in sorted(out):
    print(v)
