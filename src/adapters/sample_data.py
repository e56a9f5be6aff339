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
from pathlib import Path

from adapters.sample_vocabulary import (
    CITIES,
    DOMAINS,
    ENGAGEMENT_LENGTHS,
    FIRST_NAMES,
    LAST_NAMES,
    SIDE_ACTIVITIES,
    WORKING_STYLE_FIRST,
    WORKING_STYLE_THIRD,
    Domain,
)

SAMPLE_COLUMNS: tuple[str, ...] = (
    "username",
    "first_name",
    "last_name",
    "job_title",
    "company",
    "bio",
    "hourly_rate",
    "profile_url",
    "profile_url_utm",
    "category",
)
PROFILE_BASE_URL = "https://experts.example.com/"
UTM_QUERY = "?utm_source=directory&utm_medium=profile"

# Share of rows with each gap, and of bios in each length band.
P_NO_BIO, P_NO_URL, P_NO_TITLE, P_NO_RATE, P_ZERO_RATE = 0.10, 0.15, 0.05, 0.08, 0.012
P_NO_UTM, P_NO_COMPANY, P_INDEPENDENT = 0.08, 0.03, 0.10
P_SHORT_BIO, P_LONG_BIO, P_CARD_BIO = 0.09, 0.10, 0.12
SHORT_BIO, MEDIUM_BIO, LONG_BIO = (40, 150), (200, 900), (1000, 2500)

_INTRO_FIRST = (
    "I'm {a_title} with {years} years of experience in {spec} and {spec2}.",
    "I am {a_title}{at_company}, focused on {spec} for {client}.",
    "Hi, I'm {first}. For the last {years} years I have worked on {spec}, mostly for {client}.",
    "{title}{at_company}. I help {client} with {spec} and {spec2}.",
)
_INTRO_THIRD = (
    "{full} is {a_title}{at_company}, specializing in {spec} and {spec2}.",
    "{full} has {years} years of experience in {spec}, most recently as {a_title}{at_company}.",
    "With more than {years} years in {industry}, {full} advises {client} on {spec}.",
    "{full} ({title}) works on {spec} and {spec2} for {client}.",
)
_BODY_FIRST = (
    "Before {joining}, I spent {years2} years at {employer}.",
    "Earlier in my career I worked at {employer2}.",
    "My clients include {client2} and {client3}.",
    "I hold {cred}.",
    "I have {achievement}.",
    "One recent highlight: I have {achievement2}.",
    "Most of my work is in {industry} and {industry2}.",
    "Ask me about {spec3}, {spec4} or {tool}.",
    "Day to day I work with {tool} and {tool2}.",
    "I'm based in {city} and work with clients across {region}.",
    "Outside client work I {side}.",
    "Engagements range from a one-hour call to a {length} project.",
    "I also hold {cred2}.",
)
_BODY_THIRD = (
    "Before {joining}, {first} spent {years2} years at {employer}.",
    "Earlier, {first} worked at {employer2}.",
    "Notable clients include {client2} and {client3}.",
    "{first} holds {cred}.",
    "{first} has {achievement}.",
    "Most recently, {first} has {achievement2}.",
    "Industries served: {industry}, {industry2} and {industry3}.",
    "Typical questions: {spec3}, {spec4} and {tool}.",
    "{first} works daily with {tool} and {tool2}.",
    "Based in {city}, {first} works with clients across {region}.",
    "Outside client work, {first} {side}.",
    "{first} takes on anything from a one-hour call to a {length} engagement.",
    "{first} also holds {cred2}.",
)
_SHORT = (
    "{title} focused on {spec}.",
    "{spec_cap} for {client}. {years}+ years of experience.",
    "I help {client} with {spec}.",
    "{spec_cap} and {spec2}. Based in {city}.",
    "{years} years in {spec}; previously at {employer}.",
    "{title}{at_company}: {spec}.",
)
_ACRONYM_AN = "AEFHILMNORSX"  # letters whose spoken name starts with a vowel sound


def generate_sample_experts(count: int = 1558, *, seed: int = 7) -> list[dict[str, str]]:
    """Return ``count`` sample rows keyed by ``SAMPLE_COLUMNS``; an empty string marks a gap."""
    if count < 0:
        raise ValueError(f"count must be zero or more, not {count}")
    rng = random.Random(seed)
    domains = _allocate_domains(count, rng)
    taken: set[str] = set()  # membership only: iteration order never matters
    return [_row(rng, domain, taken) for domain in domains]


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


def _allocate_domains(count: int, rng: random.Random) -> list[Domain]:
    """Share ``count`` rows among the domains by weight (largest remainder), then shuffle."""
    total = sum(domain.weight for domain in DOMAINS)
    quotas = [count * domain.weight / total for domain in DOMAINS]
    seats = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(DOMAINS)), key=lambda i: (seats[i] - quotas[i], i))
    for i in by_remainder[: count - sum(seats)]:
        seats[i] += 1
    allocated = [domain for domain, n in zip(DOMAINS, seats, strict=True) for _ in range(n)]
    rng.shuffle(allocated)
    return allocated


def _row(rng: random.Random, domain: Domain, taken: set[str]) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    username = _username(rng, first, last, taken)
    title = rng.choice(domain.titles)
    company = rng.choice(domain.companies).format(
        last=rng.choice(LAST_NAMES), last2=rng.choice(LAST_NAMES)
    )
    independent = rng.random() < P_INDEPENDENT
    if independent:
        company = rng.choice(("Independent", "Self-employed", "Freelance"))
    elif rng.random() < P_NO_COMPANY:
        company = ""
    slots = _slots(rng, domain, first, f"{first} {last}", title, company, independent)
    bio = "" if rng.random() < P_NO_BIO else _bio(rng, domain, slots)
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
    base = rng.choice((f + la, f"{f}.{la}", f[0] + la, f"{f}_{la}", la + f[0], f"{la}.{f}"))
    name = base if rng.random() < 0.6 else f"{base}{rng.randint(1, 99)}"
    while name in taken:
        name = f"{base}{rng.randint(1, 999)}"
    taken.add(name)
    return name


def _ascii_slug(name: str) -> str:
    folded = name.lower().translate(str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l"}))
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_only if ch.isalnum())


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


def _slots(
    rng: random.Random,
    domain: Domain,
    first: str,
    full: str,
    title: str,
    company: str,
    independent: bool,
) -> dict[str, str]:
    """Every value a bio template may use, drawn once per expert (no repeats within a bio)."""
    specs = rng.sample(domain.specialties, 4)
    clients = rng.sample(domain.clients, 3)
    industries = rng.sample(domain.industries, 3)
    employers = rng.sample(domain.employers, 2)
    creds = rng.sample(domain.credentials, 2)
    tools = rng.sample(domain.tools, 2)
    achievements = [_fill_numbers(rng, a) for a in rng.sample(domain.achievements, 6)]
    city, region = rng.choice(CITIES)
    voice = rng.randrange(2)
    side = rng.choice(SIDE_ACTIVITIES)[voice].format(spec=specs[1], industry=industries[0])
    if independent:
        at_company, joining = " working independently", "going independent"
    else:
        at_company, joining = (
            (f" at {company}", f"joining {company}") if company else ("", "this role")
        )
    slots = {
        "first": first,
        "full": full,
        "title": title,
        "a_title": _article(title),
        "at_company": at_company,
        "joining": joining,
        "years": str(rng.randint(3, 32)),
        "years2": str(rng.randint(2, 12)),
        "city": city,
        "region": region,
        "side": side,
        "length": rng.choice(ENGAGEMENT_LENGTHS),
        "voice": "third" if voice else "first",
        "spec_cap": specs[0][:1].upper() + specs[0][1:],
        "achievement_list": "\n".join(f"- {a[:1].upper()}{a[1:]}" for a in achievements[2:]),
    }
    for key, values in (
        ("spec", specs),
        ("client", clients),
        ("industry", industries),
        ("employer", employers),
        ("cred", creds),
        ("tool", tools),
        ("achievement", achievements),
    ):
        for i, value in enumerate(values):
            slots[key if i == 0 else f"{key}{i + 1}"] = value
    return slots


def _fill_numbers(rng: random.Random, template: str) -> str:
    millions = rng.choice(("1.5", "2", "3.5", "5", "8", "12", "20", "35", "60", "120"))
    return template.format(n=rng.randint(6, 48), m=millions, pct=rng.randint(12, 55))


def _bio(rng: random.Random, domain: Domain, slots: dict[str, str]) -> str:
    band = rng.random()
    if band < P_SHORT_BIO:
        return _short_bio(rng, slots)
    if band < P_SHORT_BIO + P_LONG_BIO:
        return _long_bio(rng, slots)
    if band < P_SHORT_BIO + P_LONG_BIO + P_CARD_BIO:
        return _card_bio(slots, domain)
    return _prose_bio(rng, slots, rng.randint(*MEDIUM_BIO), MEDIUM_BIO[1])


def _short_bio(rng: random.Random, slots: dict[str, str]) -> str:
    low, high = SHORT_BIO
    for template in rng.sample(_SHORT, len(_SHORT)):
        text = template.format(**slots)
        if len(text) < low:
            text += f" Based in {slots['city']}."
        if low <= len(text) <= high:
            return text
    return f"{slots['spec_cap']}. {slots['years']} years of experience."[:high]


def _sentences(rng: random.Random, slots: dict[str, str]) -> tuple[str, list[str]]:
    third = slots["voice"] == "third"
    intro = rng.choice(_INTRO_THIRD if third else _INTRO_FIRST).format(**slots)
    body = list(_BODY_THIRD if third else _BODY_FIRST)
    rng.shuffle(body)
    return intro, [sentence.format(**slots) for sentence in body]


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
    low, high = LONG_BIO
    target = rng.randint(low, high)
    intro, body = _sentences(rng, slots)
    style = WORKING_STYLE_THIRD if slots["voice"] == "third" else WORKING_STYLE_FIRST
    extra = [s.format(**slots) + "." for s in rng.sample(style, len(style))]
    heading = "Selected work:" if slots["voice"] == "first" else "Selected engagements:"
    paragraphs: list[list[str]] = [[intro]]
    pieces = [*body, f"{heading}\n{slots['achievement_list']}", *extra]
    length = len(intro)
    for piece in pieces:
        if length >= target:
            break
        if length + 2 + len(piece) > high:
            continue
        if "\n" in piece or len(paragraphs[-1]) >= rng.randint(3, 5):
            paragraphs.append([])
        paragraphs[-1].append(piece)
        if "\n" in piece:  # a list stands alone as its own paragraph
            paragraphs.append([])
        length = len("\n\n".join(" ".join(p) for p in paragraphs if p))
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def _card_bio(slots: dict[str, str], domain: Domain) -> str:
    """A profile-card style bio: labelled lines rather than prose."""
    headline = f"{slots['title']}{slots['at_company']} | {slots['years']}+ years"
    lines = (
        headline,
        f"Specialties: {slots['spec']}, {slots['spec2']}, {slots['spec3']}",
        f"Industries: {slots['industry']}, {slots['industry2']}",
        f"Credentials: {slots['cred'][:1].upper()}{slots['cred'][1:]}",
        f"Clients: {slots['client']}; {slots['client2']}",
        f"Based in {slots['city']} ({domain.name})",
    )
    return "\n".join(lines)
