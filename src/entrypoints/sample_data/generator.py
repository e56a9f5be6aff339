"""A realistic, deterministic sample expert directory for the demo and the benchmarks.

``generate_sample_experts(1558, seed=7)`` always returns the same rows, in any Python process:
every random choice comes from one ``random.Random(seed)`` and nothing depends on ``hash()`` or
set order. Rows look like a real marketplace export, gaps included: about 10% have no bio, 15% no
profile URL, 5% no job title, 8% no hourly rate, and a few charge 0.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from enrichment_core.experts import PROFILE_FIELDS
from enrichment_entrypoints.sample_data import vocabulary as vocab
from enrichment_entrypoints.sample_data.vocabulary import Domain

SAMPLE_COLUMNS: tuple[str, ...] = PROFILE_FIELDS  # exactly what ``read_experts_csv`` reads
PROFILE_BASE_URL = "https://experts.example.com/"
UTM_QUERY = "?utm_source=directory&utm_medium=profile"

# Share of rows with each gap, and of bios in each length band.
P_NO_BIO, P_NO_URL, P_NO_TITLE, P_NO_RATE, P_ZERO_RATE = 0.10, 0.15, 0.05, 0.08, 0.012
P_NO_UTM, P_NO_COMPANY, P_INDEPENDENT = 0.08, 0.03, 0.10
P_SHORT_BIO, P_LONG_BIO, P_CARD_BIO = 0.09, 0.10, 0.12
SHORT_BIO, MEDIUM_BIO, LONG_BIO = (40, 150), (200, 900), (1000, 2500)

_ACRONYM_AN = "AEFHILMNORSX"  # letters whose spoken name starts with a vowel sound
_MILLIONS = ("1.5", "2", "3.5", "5", "8", "12", "20", "35", "60", "120")
_T = TypeVar("_T")


def generate_sample_experts(count: int = 1558, *, seed: int = 7) -> list[dict[str, str]]:
    """Return ``count`` sample rows keyed by ``SAMPLE_COLUMNS``; an empty string marks a gap."""
    if count < 0:
        raise ValueError(f"count must be zero or more, not {count}")
    rng = random.Random(seed)
    taken: set[str] = set()  # membership only: iteration order never matters
    return [_row(rng, domain, taken) for domain in _allocate_domains(count, rng)]


def write_sample_csv(path: str | os.PathLike[str], *, count: int = 1558, seed: int = 7) -> int:
    """Write the sample directory as a UTF-8 CSV with a header row; return the rows written.

    The file appears atomically: rows go to a temporary file beside ``path``, then replace it.
    """
    rows = generate_sample_experts(count, seed=seed)
    target = Path(path)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=SAMPLE_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return len(rows)


def _int(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, items: Sequence[_T]) -> _T:
    return items[int(rng.random() * len(items))]


def _sample(rng: random.Random, items: Sequence[_T], k: int) -> list[_T]:
    """``k`` distinct items in random order (a partial Fisher-Yates shuffle)."""
    pool = list(items)
    for i in range(k):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _allocate_domains(count: int, rng: random.Random) -> list[Domain]:
    """Share ``count`` rows among the domains by weight (largest remainder), then shuffle."""
    total = sum(domain.weight for domain in vocab.DOMAINS)
    quotas = [count * domain.weight / total for domain in vocab.DOMAINS]
    seats = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(vocab.DOMAINS)), key=lambda i: (seats[i] - quotas[i], i))
    for i in by_remainder[: count - sum(seats)]:
        seats[i] += 1
    allocated = [domain for domain, n in zip(vocab.DOMAINS, seats, strict=True) for _ in range(n)]
    return _sample(rng, allocated, len(allocated))


def _row(rng: random.Random, domain: Domain, taken: set[str]) -> dict[str, str]:
    first, last = _pick(rng, vocab.FIRST_NAMES), _pick(rng, vocab.LAST_NAMES)
    username = _username(rng, first, last, taken)
    title = _pick(rng, domain.titles)
    independent = rng.random() < P_INDEPENDENT
    if independent:
        company = _pick(rng, ("Independent", "Self-employed", "Freelance"))
    elif rng.random() < P_NO_COMPANY:
        company = ""
    else:
        company = _pick(rng, domain.companies).format(
            last=_pick(rng, vocab.LAST_NAMES), last2=_pick(rng, vocab.LAST_NAMES)
        )
    bio = ""
    if rng.random() >= P_NO_BIO:
        bio = _bio(rng, domain, _slots(rng, domain, first, last, title, company, independent))
    url = "" if rng.random() < P_NO_URL else PROFILE_BASE_URL + username
    return {
        "username": username,
        "first_name": first,
        "last_name": last,
        "job_title": "" if rng.random() < P_NO_TITLE else title,
        "company": company,
        "bio": bio,
        "hourly_rate": _rate(rng, domain),
        "profile_url": url,
        "profile_url_utm": "" if not url or rng.random() < P_NO_UTM else url + UTM_QUERY,
        "category": domain.name,
    }


def _username(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    f, la = _ascii_slug(first), _ascii_slug(last)
    base = _pick(rng, (f + la, f"{f}.{la}", f[0] + la, f"{f}_{la}", la + f[0], f"{la}.{f}"))
    name = base if rng.random() < 0.6 else f"{base}{_int(rng, 1, 99)}"
    while name in taken:
        name = f"{base}{_int(rng, 1, 999)}"
    taken.add(name)
    return name


def _ascii_slug(name: str) -> str:
    folded = name.lower().translate(_FOLD)
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_only if ch.isalnum())


_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l"})


def _rate(rng: random.Random, domain: Domain) -> str:
    draw = rng.random()
    if draw < P_NO_RATE:
        return ""
    if draw < P_NO_RATE + P_ZERO_RATE:
        return "0"
    low, high = domain.rate
    rate = round(rng.triangular(low, high, low + (high - low) / 3) / 5) * 5
    if rate > low and rng.random() < 0.08:
        return f"{rate - 0.5:.2f}"
    return str(rate)


def _article(title: str) -> str:
    acronym = title[:2].isupper() and not title.startswith("HIPAA")
    vowel = title[0] in _ACRONYM_AN if acronym else title[0].lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {title}"


def _without_article(text: str) -> str:
    return text.removeprefix("the ").removeprefix("an ").removeprefix("a ")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slots(
    rng: random.Random,
    domain: Domain,
    first: str,
    last: str,
    title: str,
    company: str,
    independent: bool,
) -> dict[str, str]:
    """Every value a bio template may use, drawn once per expert (no repeats within a bio)."""
    if independent:
        at_company, joining = " working independently", "going independent"
    elif company:
        at_company, joining = f" at {company}", f"joining {company}"
    else:
        at_company, joining = "", "this role"
    years = _int(rng, 3, 32)
    city, region = _pick(rng, vocab.CITIES)
    third = rng.random() < 0.5
    slots = {"first": first, "full": f"{first} {last}", "title": title, "a_title": _article(title)}
    slots |= {"at_company": at_company, "joining": joining, "city": city, "region": region}
    slots |= {"years": str(years), "years2": str(_int(rng, 2, max(2, min(12, years - 1))))}
    slots |= {
        "voice": "third" if third else "first",
        "length": _pick(rng, vocab.ENGAGEMENT_LENGTHS),
    }
    for key, values, k in (
        ("spec", domain.specialties, 4),
        ("client", domain.clients, 3),
        ("industry", domain.industries, 3),
        ("employer", domain.employers, 2),
        ("cred", domain.credentials, 2),
        ("tool", domain.tools, 2),
        ("achievement", domain.achievements, 6),
    ):
        for i, value in enumerate(_sample(rng, values, k)):
            slots[key if i == 0 else f"{key}{i + 1}"] = value
    for i in range(1, 7):
        key = "achievement" if i == 1 else f"achievement{i}"
        slots[key] = slots[key].format(
            n=_int(rng, 6, 48), m=_pick(rng, _MILLIONS), pct=_int(rng, 12, 55)
        )
    side = _pick(rng, vocab.SIDE_ACTIVITIES)[1 if third else 0]
    slots["side"] = side.format(spec=slots["spec2"], industry=slots["industry"])
    slots["spec_cap"] = _capital(slots["spec"])
    slots["achievement_list"] = "\n".join(
        f"- {_capital(slots[f'achievement{i}'])}" for i in range(3, 7)
    )
    return slots


def _bio(rng: random.Random, domain: Domain, slots: dict[str, str]) -> str:
    band = rng.random()
    if band < P_SHORT_BIO:
        return _short_bio(rng, slots)
    if band < P_SHORT_BIO + P_LONG_BIO:
        return _long_bio(rng, slots)
    if band < P_SHORT_BIO + P_LONG_BIO + P_CARD_BIO:
        return _card_bio(slots, domain)
    return _prose_bio(rng, slots, _int(rng, *MEDIUM_BIO), MEDIUM_BIO[1])


def _short_bio(rng: random.Random, slots: dict[str, str]) -> str:
    low, high = SHORT_BIO
    for template in _sample(rng, vocab.SHORT_BIOS, len(vocab.SHORT_BIOS)):
        text = template.format(**slots)
        if len(text) < low:
            text += f" Based in {slots['city']}."
        if low <= len(text) <= high:
            return text
    return f"{slots['spec_cap']}: {slots['years']} years of experience."[:high]


def _sentences(rng: random.Random, slots: dict[str, str]) -> tuple[str, list[str]]:
    third = slots["voice"] == "third"
    intro = _pick(rng, vocab.INTRO_THIRD if third else vocab.INTRO_FIRST).format(**slots)
    body = vocab.BODY_THIRD if third else vocab.BODY_FIRST
    return intro, [sentence.format(**slots) for sentence in _sample(rng, body, len(body))]


def _prose_bio(rng: random.Random, slots: dict[str, str], target: int, limit: int) -> str:
    intro, body = _sentences(rng, slots)
    text = intro
    for sentence in body:
        if len(text) >= target:
            break
        if len(text) + 1 + len(sentence) <= limit:
            text += " " + sentence
    return text


def _long_bio(rng: random.Random, slots: dict[str, str]) -> str:
    """Several paragraphs: prose, a list of selected work, then how the expert works."""
    low, high = LONG_BIO
    target = _int(rng, low, high)
    intro, body = _sentences(rng, slots)
    third = slots["voice"] == "third"
    style = vocab.WORKING_STYLE_THIRD if third else vocab.WORKING_STYLE_FIRST
    closing = [s.format(**slots) + "." for s in _sample(rng, style, len(style))]
    cases = [
        c.format(**slots) for c in (vocab.CASE_STUDIES_THIRD if third else vocab.CASE_STUDIES_FIRST)
    ]
    work = f"{'Selected engagements' if third else 'Selected work'}:\n{slots['achievement_list']}"
    paragraphs: list[list[str]] = [[intro]]
    length = len(intro)
    for piece in [*body, cases[0], work, cases[1], *closing]:
        if length >= target:
            break
        current = paragraphs[-1]
        new_paragraph = "\n" in piece or not current or len(current) >= _int(rng, 3, 5)
        new_paragraph = new_paragraph or piece in cases
        added = len(piece) + (2 if new_paragraph else 1)  # "\n\n" or " " before it
        if length + added > high:
            continue
        if new_paragraph and current:
            paragraphs.append([])
        paragraphs[-1].append(piece)
        length += added
        if "\n" in piece or piece in cases:  # stands alone as its own paragraph
            paragraphs.append([])
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def _card_bio(slots: dict[str, str], domain: Domain) -> str:
    """A profile-card style bio: labelled lines rather than prose."""
    return "\n".join(
        (
            f"{slots['title']}{slots['at_company']} | {slots['years']}+ years",
            f"Specialties: {slots['spec']}, {slots['spec2']}, {slots['spec3']}",
            f"Industries: {slots['industry']}, {slots['industry2']}",
            f"Credentials: {_capital(_without_article(slots['cred']))}",
            f"Clients: {slots['client']}; {slots['client2']}",
            f"Based in {slots['city']} ({domain.name})",
        )
    )
