"""Build the offline tagger's vocabulary: ``src/adapters/local/data/vocabulary.json``.

Sources, recorded on every entry:

- O*NET-SOC occupation titles (``../shared/data/onet_occupations.csv``; O*NET® Database by
  USDOL/ETA, used under CC BY 4.0), turned into singular lowercase occupation names
  ("Claims Adjusters, Examiners, and Investigators" -> "claims adjuster", "claims examiner", ...;
  "Dentists, General" -> "dentist"; "..., All Other" titles dropped);
- ``scripts/vocabulary_domains.py``: directory fields and domain skills written for this project,
  one block per SOC major group (the project's own license).

Each entry also carries ``hub``: the mean cosine similarity (all-MiniLM-L6-v2) of the entry to
its 10 nearest O*NET occupation descriptions. An entry close to everything ("salesforce
development", "job analysis specialist") has a high hub value; the tagger subtracts a share of
it (cross-domain similarity local scaling, CSLS) so that such hubs do not tag every bio.

Run from the repository root: ``python scripts/build_vocabulary.py [path/to/onet_occupations.csv]``
(needs the ``local`` extra; ``HF_HUB_OFFLINE=1``). Deterministic: same inputs, same file.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vocabulary_domains import FIELDS, SKILLS, SOC_MAJOR_GROUPS

ROOT = Path(__file__).resolve().parents[1]
ONET = ROOT.parent / "shared" / "data" / "onet_occupations.csv"
OUT = ROOT / "src" / "adapters" / "local" / "data" / "vocabulary.json"
HUB_NEIGHBOURS = 10
ONET_SOURCE = "O*NET-SOC 2010 Occupation Data (O*NET® Database by USDOL/ETA)"
ONET_LICENSE = "CC BY 4.0"
OWN_SOURCE = "expert-enrichment hand-written domain list"
OWN_LICENSE = "the project's own license (pyproject.toml)"

_QUALIFIER = re.compile(r"^(except|including|all other)\b", re.I)
_IRREGULAR = {
    "women": "woman",
    "men": "man",
    "people": "person",
    "staff": "staff",
    "series": "series",
    "news": "news",
    "analysis": "analysis",
    "chassis": "chassis",
}


def singular(word: str) -> str:
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "ches", "shes", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def singular_phrase(phrase: str) -> str:
    words = phrase.split()
    return " ".join([*words[:-1], singular(words[-1])]) if words else ""


_NOT_PERSON = re.compile(r"(ions|ics|ings|ness|ware|ment|ance|ence)$", re.I)


_GENERIC = frozenset(
    [
        "worker",
        "attendant",
        "installer",
        "helper",
        "tender",
        "operator",
        "setter",
        "assistant",
        "aide",
        "specialist",
        "technician",
        "clerk",
        "laborer",
        "grader",
        "sewer",
    ]
)


def _is_occupation_plural(word: str) -> bool:
    w = word.lower()
    return w.endswith("s") and (w == "mechanics" or not _NOT_PERSON.search(w))


def occupation_names(title: str) -> list[str]:  # noqa: C901 - O*NET title grammar, case by case
    """O*NET title -> occupation names ('Claims Adjusters, Examiners, and Investigators' ->
    claims adjuster, claims examiner, claims investigator; 'Dentists, General' -> dentist;
    'Police, Fire, and Ambulance Dispatchers' -> police dispatcher, fire dispatcher, ...)."""
    if re.search(r"\ball other\b", title, re.I):
        return []
    parts = [re.sub(r"^and\s+", "", p.strip()) for p in title.split(",")]
    parts = [p for p in parts if p]
    names: list[str] = []
    if len(parts) > 1 and not _is_occupation_plural(parts[0].split()[-1]):
        # modifiers sharing the final noun
        last = re.split(r"\s+and\s+", parts[-1])[-1]
        noun = last.split()[-1]
        for p in parts[:-1]:
            names.append(f"{p} {noun}")
        names.append(parts[-1])
    else:
        kept = [parts[0]]
        for p in parts[1:]:
            if (
                _QUALIFIER.match(p)
                or not p[0].isupper()
                or not _is_occupation_plural(p.split()[-1])
            ):
                break  # a modifier: 'Dentists, General', 'Software Developers, Applications'
            kept.append(p)
        prefix = kept[0].split()[:-1]
        for i, p in enumerate(kept):
            if i and len(p.split()) == 1 and prefix:
                p = " ".join([*prefix, p])
            names.append(p)
    out: list[str] = []
    for n in names:
        pieces = re.split(r"\s+and\s+", n)
        if len(pieces) > 1 and all(_is_occupation_plural(x.split()[-1]) for x in pieces):
            out.extend(pieces)
        else:
            out.append(n)
    result = []
    for n in out:
        s = singular_phrase(n.replace(" / ", "/")).lower().strip()
        if (
            s
            and not re.search(r"\b(other|except|including|of|and|related)\b|--", s)
            and len(s.split()) <= 4
            and not set(s.split()) <= _GENERIC
        ):
            result.append(s)
    return result


def split(block: str) -> list[str]:
    return [t.strip().lower() for t in block.replace("\n", " ").split(";") if t.strip()]


def build(onet: Path = ONET) -> list[dict]:
    entries: dict[str, dict] = {}

    def add(tag: str, kind: str, group: str, source: str, license_: str, ref: str = "") -> None:
        if tag in entries:
            return
        entries[tag] = {
            "tag": tag,
            "kind": kind,
            "soc_major": group,
            "group": SOC_MAJOR_GROUPS[group],
            "source": source,
            "license": license_,
        }
        if ref:
            entries[tag]["ref"] = ref

    for group, block in FIELDS.items():
        for tag in split(block):
            add(tag, "field", group, OWN_SOURCE, OWN_LICENSE)
    with onet.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            group = row["onet_soc_code"][:2]
            for name in occupation_names(row["title"]):
                add(name, "occupation", group, ONET_SOURCE, ONET_LICENSE, row["onet_soc_code"])
    for group, block in SKILLS.items():
        for tag in split(block):
            add(tag, "skill", group, OWN_SOURCE, OWN_LICENSE)
    return sorted(entries.values(), key=lambda e: (e["soc_major"], e["kind"], e["tag"]))


def hubs(entries: list[dict], onet: Path) -> list[float]:
    """Each entry's mean similarity to its nearest O*NET descriptions (see the module doc)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from enrichment_adapters.local import model
    from enrichment_core.errors import TaggerUnavailableError

    with onet.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    def encode(texts):
        return model.encode(texts, unavailable=TaggerUnavailableError, precision="float32")

    descriptions = encode([f"{r['title']}. {r['description']}" for r in rows])
    similarity = encode([e["tag"] for e in entries]) @ descriptions.T
    nearest = np.sort(similarity, axis=1)[:, -HUB_NEIGHBOURS:]
    return [round(float(v), 4) for v in nearest.mean(axis=1)]


def main() -> None:
    onet = Path(sys.argv[1]) if len(sys.argv) > 1 else ONET
    if not onet.is_file():
        sys.exit(f"{onet} not found: pass the path of O*NET's occupation data CSV")
    entries = build(onet)
    for entry, hub in zip(entries, hubs(entries, onet), strict=True):
        entry["hub"] = hub
    document = {
        "description": "Directory tags for the offline tagger: fields, occupations and skills "
        "across all 23 SOC major groups.",
        "hub_model": "all-MiniLM-L6-v2",
        "sources": [
            {
                "source": ONET_SOURCE,
                "license": ONET_LICENSE,
                "credit": "O*NET® Database by USDOL/ETA, used under CC BY 4.0",
                "url": "https://www.onetcenter.org/database.html",
            },
            {"source": OWN_SOURCE, "license": OWN_LICENSE, "file": "scripts/vocabulary_domains.py"},
        ],
        "major_groups": SOC_MAJOR_GROUPS,
        "entries": entries,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    head = json.dumps(
        {k: v for k, v in document.items() if k != "entries"}, indent=1, ensure_ascii=False
    )
    lines = ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries)
    OUT.write_text(head[:-2] + ',\n "entries": [\n' + lines + "\n ]\n}\n", encoding="utf-8")
    kinds = Counter(e["kind"] for e in entries)
    groups = len({e["soc_major"] for e in entries})
    print(f"{len(entries)} entries ({dict(kinds)}) over {groups} SOC major groups -> {OUT}")


if __name__ == "__main__":
    main()
