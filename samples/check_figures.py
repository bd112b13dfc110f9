#!/usr/bin/env python3
"""Independent check of the sample drop: prints the published figures.

A deliberately simple reading of samples/drop (or the folder given), written
from spec/inputs.md and spec/indicators.md without the pipeline's code:
decode (UTF-8, else Windows-1252), find the columns by their aliases (and
adressecodepostal as the employer's postcode only beside siretemployeur),
reject the rows the spec rejects, merge contract versions (latest extraction,
then latest date_effet_avenant, then highest numero_avenant, then last read),
apply the exclusions (cancelled or deleted, broken before the start by date or
by DECA's flag, a dispositif other than APPR), then count. Standard library
only.

    python3 samples/check_figures.py [DROP] [-v]

Prints, in this order, AKTO Normandie contracts 2021 and 2020, then the 2021
AKTO meetings: reunion_entreprises events and SIRENs (all regions, then
Normandie), reunion_organismes events and SIRENs, fairs (all, Normandie).
-v also prints, per file, rows read, rejected and the rejection codes.
Exit status 1 when a figure differs from spec/published-figures.md.
"""
import csv, gzip, io, os, re, sys, unicodedata
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "schemas", "referentiels")
EXPECTED = [3071, 2173, 200, 5000, 26, 493, 500, 2500, 70, 5]

# --- F(): fold names and codes ------------------------------------------------
SPECIAL = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l",
           "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "º": "o", "ª": "a"}


def F(s):
    s = "".join(SPECIAL.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", s)


WS = " \t\u00a0\u202f"
MISSING = {"", "null", "na", "n/a", "-"}


def val(row, col, free=False):
    """value of canonical column col (None when missing)"""
    i = col_index.get(col)
    if i is None:
        return None
    v = row[i].strip(WS)
    if v == "" or (not free and v.lower() in MISSING):
        return None
    return v


# --- reference tables ------------------------------------------------------------
def ref(name):
    with open(os.path.join(REF, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


DEPT_REGION = {r["departement"]: r["region"] for r in ref("departements.csv")}
REGIONS = {r["region"]: r["libelle"] for r in ref("regions.csv")}
REGION_BY_NAME = {F(lib): code for code, lib in REGIONS.items()}
OPCO_ALIAS = {}
for r in ref("opco.csv"):
    OPCO_ALIAS[F(r["opco"])] = r["opco"]
    for a in r["aliases"].split("|"):
        OPCO_ALIAS[F(a)] = r["opco"]
IDCC_OPCO = {r["idcc"]: r["opco"] for r in ref("idcc_opco.csv")}

# --- checks ------------------------------------------------------------------------
DATE_RES = [
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})( \d\d:\d\d(:\d\d)?)?$"), "dmy"),
    (re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})( \d\d:\d\d(:\d\d)?)?$"), "dmy"),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})([ T]\d\d:\d\d(:\d\d)?)?$"), "ymd"),
    (re.compile(r"(\d{4})(\d{2})(\d{2})( \d\d:\d\d(:\d\d)?)?$"), "ymd"),
]


def parse_date(s, contract=False):
    """(y, m, d) or None"""
    import datetime
    for rx, kind in DATE_RES:
        m = rx.match(s)
        if not m:
            continue
        a, b, c = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y, mo, d = (c, b, a) if kind == "dmy" else (a, b, c)
        t = m.group(4)
        if t:
            hh, mm = int(t[1:3]), int(t[4:6])
            ss = int(t[7:9]) if len(t) > 6 else 0
            if hh > 23 or mm > 59 or ss > 59:
                return None
        if not 1900 <= y <= 2099:
            return None
        try:
            datetime.date(y, mo, d)
        except ValueError:
            return None
        if contract and (y, mo, d) < (2000, 1, 1):
            return None
        return (y, mo, d)
    return None


def siret_ok(s):
    s = re.sub("[ \t\u00a0\u202f]", "", s)
    if not re.fullmatch(r"\d{14}", s):
        return None
    digits = [int(c) for c in s]
    if s.startswith("356000000"):
        return s if sum(digits) % 5 == 0 else None
    tot = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        tot += d
    return s if tot % 10 == 0 else None


def uai_ok(s):
    s = s.upper()
    return bool(re.fullmatch(r"\d{7}[A-Z]", s)) and s[7] == "ABCDEFGHJKLMNPRSTUVWXYZ"[int(s[:7]) % 23]


def region_of_postcode(cp):
    if not re.fullmatch(r"\d{5}", cp):
        return None
    n = int(cp)
    if cp.startswith("20"):
        dep = "2A" if n < 20200 else "2B" if n < 20700 else "ND"
    elif cp[:2] in ("97", "98"):
        dep = cp[:3]
    else:
        dep = cp[:2]
    return DEPT_REGION.get(dep, "ND")


def months_between_age(birth, start):
    """age_debut: largest k with birth + 12k months <= start"""
    k = start[0] - birth[0]
    if (start[1], start[2]) < (birth[1], birth[2]):
        # clamped anniversary: 29 Feb birth in a non-leap year is 28 Feb
        if not (birth[1] == 2 and birth[2] == 29 and start[1] == 2 and start[2] == 28 and
                not (start[0] % 4 == 0 and (start[0] % 100 != 0 or start[0] % 400 == 0))):
            k -= 1
    return k


# --- reading a file ------------------------------------------------------------------
def read_rows(path):
    """yields (line, cells) after the header; sets col_index"""
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8")
        enc = "UTF-8"
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # the 5 undefined bytes become U+FFFD
        enc = "Windows-1252"
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    first = next(l for l in lines if l.strip(WS))
    counts = {d: 0 for d in ";,\t|"}
    inq = False
    for ch in first:
        if ch == '"':
            inq = not inq
        elif not inq and ch in counts:
            counts[ch] += 1
    delim = max(";,\t|", key=lambda d: (counts[d], -";,\t|".index(d)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False)
    header = None
    for cells in reader:
        if len(cells) <= 1 and not "".join(cells).strip(WS):
            continue  # blank line
        if header is None:
            header = cells
            col_index.clear()
            folded = [F(name) for name in header]
            for i, name in enumerate(folded):
                c = ALIASES.get(name)
                if c:
                    col_index[c] = i
            # a conditional alias names its column only beside the cell it needs, and
            # when no other cell names the column (adressecodepostal, siretemployeur)
            for canon, (alias, needs) in CONDITIONAL.items():
                if canon not in col_index and F(needs) in folded and F(alias) in folded:
                    col_index[canon] = folded.index(F(alias))
            continue
        yield reader.line_num, cells, len(header), enc


col_index = {}
ALIASES = {}
CONDITIONAL = {}  # canonical -> (alias, header cell it needs)


def set_schema(table, conditional=None):
    ALIASES.clear()
    CONDITIONAL.clear()
    CONDITIONAL.update(conditional or {})
    for canon, aliases in table.items():
        ALIASES[F(canon)] = canon
        for a in aliases:
            ALIASES[F(a)] = canon


CONTRATS = {
    "numero_contrat": ["nocontrat", "no_contrat", "numero contrat", "n° contrat", "num_contrat"],
    "type_contrat": ["typecontrat", "type contrat"], "statut": ["statut contrat"],
    "date_conclusion": ["dateconclusion", "date de conclusion", "date signature"],
    "date_debut_contrat": ["datedebutcontrat", "date début contrat", "date debut execution"],
    "date_fin_contrat": ["datefincontrat", "date fin contrat"],
    "date_rupture": ["dateeffetrupture", "date effet rupture", "date rupture"],
    "date_effet_avenant": ["dateeffetavenant"], "siret_employeur": ["siretemployeur", "siret employeur"],
    "naf": ["code naf", "code_ape", "ape"], "idcc": ["codeidcc", "code idcc", "convention collective"],
    "effectif_employeur": ["nombredesalaries", "nombre de salariés", "effectif"],
    "code_postal_employeur": ["codepostalemployeur", "cp employeur", "code postal employeur"],
    "opco": ["opco rattachement", "operateur de competences"], "nom": ["nom apprenti", "nom alternant"],
    "prenom": ["prénom apprenti", "prenom alternant"], "date_naissance": ["datenaissance", "date de naissance"],
    "sexe": ["genre"], "handicap": ["rqth"], "uai_cfa": ["uaicfa", "uai", "uai cfa", "code uai"],
    "siret_cfa": ["siretcfa", "siret cfa"], "code_diplome": ["codediplome", "code diplôme", "cfd"],
    "rncp": ["code rncp"], "niveau": ["niveau formation", "niveau diplome"],
    "date_extraction": ["dateextraction", "date extraction"],
    "dispositif": [], "numero_avenant": ["noavenant", "no avenant", "numero avenant"],
    "date_suppression": ["datesuppression", "date suppression"], "rupture_avant_debut": [],
}
CONTRATS_CONDITIONAL = {"code_postal_employeur": ("adressecodepostal", "siretemployeur")}
DISPOSITIFS = {"APPR"}  # the configuration's default (samples/config.yaml sets none)
DISPOSITIF = {"appr": "APPR", "apprentissage": "APPR", "prof": "PROF", "professionnalisation": "PROF"}
BOOL = {"oui": True, "o": True, "true": True, "1": True, "non": False, "n": False, "false": False, "0": False}
EVENTS = {
    "id_evenement": ["identifiant", "id", "code evenement"], "type_evenement": ["type", "nature"],
    "date_evenement": ["date", "date réunion"], "opco": ["organisateur"],
    "code_region": ["region", "région"], "code_postal": ["cp", "code postal lieu"],
    "intitule": ["titre", "libellé"], "visiteurs": ["nb visiteurs", "nombre de visiteurs"],
}
PARTS = {
    "id_evenement": ["identifiant evenement", "id"], "siret": ["siret structure", "siret participant"],
    "type_participant": ["type structure", "categorie"], "presence": ["statut", "présence"],
    "denomination": ["raison sociale", "nom structure"],
}
TYPES_EV = {F(a): t for t, al in {
    "reunion_entreprises": ["reunion_entreprises", "réunion d'information entreprises", "reunion entreprises",
                            "information collective entreprises"],
    "reunion_organismes": ["reunion_organismes", "réunion CFA/OF", "reunion organismes de formation", "club des CFA"],
    "salon": ["salon", "forum", "job dating"]}.items() for a in al}
PTYPES = {F(a): t for t, al in {"entreprise": ["entreprise", "employeur"],
                                "organisme_formation": ["organisme_formation", "CFA", "OF", "organisme de formation"]}.items()
          for a in al}
PRESENCE = {F(a): t for t, al in {"present": ["present", "présent", "oui", "1"], "absent": ["absent", "non", "0", "excusé"],
                                  "inscrit": ["inscrit"]}.items() for a in al}
SEXE = {F(a) for a in ["H", "M", "1", "Homme", "Masculin", "F", "2", "Femme", "Féminin"]}
TYPES_CONTRAT = {"11", "21", "22", "23"} | {str(n) for n in range(31, 39)}

stats = {}


def files(drop, sub):
    d = os.path.join(drop, sub)
    if not os.path.isdir(d):
        return []
    names = sorted(n for n in os.listdir(d) if not n.startswith(".") and (n.endswith(".csv") or n.endswith(".csv.gz")))
    return [(sub + "/" + n, os.path.join(d, n)) for n in names]


def name_date(path):
    for m in re.finditer(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)", os.path.basename(path)):
        if len(m.group(0)) in (8, 10) and parse_date(m.group(0) if "-" in m.group(0) else m.group(0), True):
            return parse_date(m.group(0), True)
    return None


def common_reject(cells, ncols):
    if len(cells) != ncols:
        return "COLONNES"
    if any("\ufffd" in c or "\x00" in c for c in cells):
        return "ENCODAGE"
    return None


def contract_reasons(row, fdate):
    r = []
    num = val(row, "numero_contrat")
    if num is None:
        r.append("REQUIS")
    t = val(row, "type_contrat")
    if t is None or t not in TYPES_CONTRAT:
        r.append("ENUM" if t else "REQUIS")
    dates = {}
    for col, req in (("date_debut_contrat", True), ("date_fin_contrat", True)):
        v = val(row, col)
        dates[col] = parse_date(v, True) if v else None
        if dates[col] is None:
            r.append("DATE" if v else "REQUIS")
    v = val(row, "date_rupture")
    rupt = parse_date(v, True) if v else None
    if val(row, "siret_employeur") is None or not siret_ok(val(row, "siret_employeur")):
        r.append("SIRET" if val(row, "siret_employeur") else "REQUIS")
    cp = val(row, "code_postal_employeur")
    if cp is None or not re.fullmatch(r"\d{5}", cp):
        r.append("CODE_POSTAL" if cp else "REQUIS")
    for col in ("nom", "prenom"):
        if not F(val(row, col, free=True) or ""):
            r.append("REQUIS")
    v = val(row, "date_naissance")
    birth = parse_date(v) if v else None
    if birth is None:
        r.append("DATE" if v else "REQUIS")
    s = val(row, "sexe")
    if s is None or F(s) not in SEXE:
        r.append("ENUM" if s else "REQUIS")
    u = val(row, "uai_cfa")
    if u is None or not uai_ok(u):
        r.append("UAI" if u else "REQUIS")
    x = val(row, "date_extraction")
    xd = parse_date(x, True) if x else None
    if xd is None and fdate is None:
        r.append("DATE")
    deb, fin = dates["date_debut_contrat"], dates["date_fin_contrat"]
    if deb and fin and fin <= deb:
        r.append("DATES")
    if rupt and fin and rupt > fin:
        r.append("DATES")
    if deb and birth and not 14 <= months_between_age(birth, deb) <= 80:
        r.append("AGE")
    return r, (num or "").upper().translate({ord(c): None for c in WS}), deb, rupt, xd or fdate


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv[1:]
    drop = args[0] if args else os.path.join(HERE, "drop")

    # contracts: accepted versions, then merge and exclusions
    set_schema(CONTRATS, CONTRATS_CONDITIONAL)
    versions = {}
    order = 0
    for rel, path in files(drop, "contrats"):
        st = stats[rel] = Counter()
        fdate = name_date(path)
        for line, cells, ncols, enc in read_rows(path):
            st["lus"] += 1
            bad = common_reject(cells, ncols)
            reasons, num, deb, rupt, xd = ([bad], None, None, None, None) if bad else contract_reasons(cells, fdate)
            if reasons:
                st["rejetes"] += 1
                for code in set(reasons):
                    st[code] += 1
                continue
            order += 1
            av = val(cells, "date_effet_avenant")
            av = parse_date(av, True) if av else None
            avn = val(cells, "numero_avenant")
            avn = int(avn) if avn and re.fullmatch(r"\d+", avn) else -1  # invalid or missing: lowest
            key = (xd, av or (0, 0, 0), avn, order)
            if num not in versions or key > versions[num][0]:
                opco = val(cells, "opco")
                opco = OPCO_ALIAS.get(F(opco)) if opco else None
                idcc = val(cells, "idcc")
                if opco is None and idcc and re.fullmatch(r"\d{1,4}", idcc):
                    opco = IDCC_OPCO.get(idcc.zfill(4))
                statut = F(val(cells, "statut") or "")
                sup = val(cells, "date_suppression")
                deleted = statut in ("annule", "supprime") or bool(sup and parse_date(sup, True))
                rad = BOOL.get(F(val(cells, "rupture_avant_debut") or ""), False)
                disp = DISPOSITIF.get(F(val(cells, "dispositif") or ""))  # invalid: missing
                versions[num] = (key, deb, rupt, deleted, rad, disp,
                                 region_of_postcode(val(cells, "code_postal_employeur")), opco or "ND")
    kept = Counter()
    excluded = Counter()
    for num, (key, deb, rupt, deleted, rad, disp, region, opco) in versions.items():
        if deleted:
            excluded["annule"] += 1
            continue
        if (rupt and rupt < deb) or rad:
            excluded["rupture_avant_debut"] += 1
            continue
        if disp and disp not in DISPOSITIFS:
            excluded["dispositif"] += 1
            continue
        kept[(deb[0], region, opco)] += 1

    # events
    set_schema(EVENTS)
    events = {}
    for rel, path in files(drop, "evenements"):
        st = stats[rel] = Counter()
        for line, cells, ncols, enc in read_rows(path):
            st["lus"] += 1
            r = []
            bad = common_reject(cells, ncols)
            if bad:
                r = [bad]
            else:
                eid = val(cells, "id_evenement")
                if eid is None:
                    r.append("REQUIS")
                t = val(cells, "type_evenement")
                if t is None or F(t) not in TYPES_EV:
                    r.append("ENUM" if t else "REQUIS")
                d = val(cells, "date_evenement")
                dd = parse_date(d) if d else None
                if dd is None:
                    r.append("DATE" if d else "REQUIS")
                o = val(cells, "opco")
                if o is None or F(o) not in OPCO_ALIAS:
                    r.append("OPCO" if o else "REQUIS")
                cr, cp = val(cells, "code_region"), val(cells, "code_postal")
                region = None
                if cr is not None:
                    if re.fullmatch(r"\d{1,2}", cr) and cr.zfill(2) in REGIONS:
                        region = cr.zfill(2)
                    elif F(cr) in REGION_BY_NAME:
                        region = REGION_BY_NAME[F(cr)]
                if region is None and cp is not None:
                    region = region_of_postcode(cp)
                if region is None:
                    r.append("REQUIS" if cr is None and cp is None else "ENUM" if cr is not None else "CODE_POSTAL")
                if not r and eid in events:
                    r.append("DOUBLON")
            if r:
                st["rejetes"] += 1
                for code in set(r):
                    st[code] += 1
                continue
            events[eid] = (dd[0], region, OPCO_ALIAS[F(o)], TYPES_EV[F(t)])

    # attendance
    set_schema(PARTS)
    present = defaultdict(set)  # event -> SIRETs present
    for rel, path in files(drop, "participations"):
        st = stats[rel] = Counter()
        for line, cells, ncols, enc in read_rows(path):
            st["lus"] += 1
            r = []
            bad = common_reject(cells, ncols)
            if bad:
                r = [bad]
            else:
                eid = val(cells, "id_evenement")
                if eid is None:
                    r.append("REQUIS")
                s = val(cells, "siret")
                siret = siret_ok(s) if s else None
                if siret is None:
                    r.append("SIRET" if s else "REQUIS")
                t = val(cells, "type_participant")
                if t is None or F(t) not in PTYPES:
                    r.append("ENUM" if t else "REQUIS")
                if not r and eid not in events:
                    r.append("EVENEMENT_INCONNU")
            if r:
                st["rejetes"] += 1
                for code in set(r):
                    st[code] += 1
                continue
            p = val(cells, "presence")
            if p is None or PRESENCE.get(F(p)) == "present":
                if siret in present[eid]:
                    st["doublons_participations"] += 1
                present[eid].add(siret)

    def meetings(typ, region):
        ids = [e for e, (y, reg, o, t) in events.items()
               if y == 2021 and o == "AKTO" and t == typ and (region is None or reg == region)]
        sirens = {s[:9] for e in ids for s in present[e]}
        return len(ids), len(sirens)

    e_all, s_all = meetings("reunion_entreprises", None)
    e_nor, s_nor = meetings("reunion_entreprises", "28")
    o_all, so_all = meetings("reunion_organismes", None)
    f_all, _ = meetings("salon", None)
    f_nor, _ = meetings("salon", "28")
    got = [kept[(2021, "28", "AKTO")], kept[(2020, "28", "AKTO")], e_all, s_all, e_nor, s_nor, o_all, so_all,
           f_all, f_nor]
    labels = ["croissance 2021 Normandie AKTO contrats", "croissance 2021 Normandie AKTO contrats_annee_precedente",
              "reunions 2021 TOTAL AKTO reunion_entreprises evenements", "  structures (distinct SIRENs)",
              "reunions 2021 Normandie AKTO reunion_entreprises evenements", "  structures (distinct SIRENs)",
              "reunions 2021 TOTAL AKTO reunion_organismes evenements", "  structures (distinct SIRENs)",
              "reunions 2021 TOTAL AKTO salon evenements", "reunions 2021 Normandie AKTO salon evenements"]
    for lab, g, e in zip(labels, got, EXPECTED):
        print("%-60s %6d%s" % (lab, g, "" if g == e else "   (published: %d)" % e))
    print(" / ".join(str(g) for g in got))
    if verbose:
        print("\nkept contracts %d, excluded %s" % (sum(kept.values()), dict(excluded)))
        for rel, st in stats.items():
            lus, rej = st.pop("lus", 0), st.pop("rejetes", 0)
            print("%-48s read %6d rejected %3d (%.2f%%) %s" % (rel, lus, rej, 100.0 * rej / max(lus, 1),
                                                            " ".join("%s=%d" % kv for kv in sorted(st.items()))))
    return 0 if got == EXPECTED else 1


if __name__ == "__main__":
    sys.exit(main())
