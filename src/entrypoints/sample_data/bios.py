"""The bios of the sample directory: short, medium prose, long and card-style, first or third
person, composed from the domain's vocabulary with one ``random.Random`` (deterministic).

Also the seeded helpers every generator draw goes through (``between``, ``pick``, ``sample``):
they use only ``rng.random()``, so the output is the same in every Python version.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from enrichment_entrypoints.sample_data import vocabulary as vocab
from enrichment_entrypoints.sample_data.vocabulary import Domain

# Share of bios in each length band, and the bands (characters).
P_SHORT_BIO, P_LONG_BIO, P_CARD_BIO = 0.09, 0.10, 0.12
SHORT_BIO, MEDIUM_BIO, LONG_BIO = (40, 150), (200, 900), (1000, 2500)

_ACRONYM_AN = "AEFHILMNORSX"  # letters whose spoken name starts with a vowel sound
_MILLIONS = ("1.5", "2", "3.5", "5", "8", "12", "20", "35", "60", "120")
_T = TypeVar("_T")


def between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def pick(rng: random.Random, items: Sequence[_T]) -> _T:
    return items[int(rng.random() * len(items))]


def sample(rng: random.Random, items: Sequence[_T], k: int) -> list[_T]:
    """``k`` distinct items in random order (a partial Fisher-Yates shuffle)."""
    pool = list(items)
    for i in range(k):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _article(title: str) -> str:
    acronym = title[:2].isupper() and not title.startswith("HIPAA")
    vowel = title[0] in _ACRONYM_AN if acronym else title[0].lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {title}"


def _without_article(text: str) -> str:
    return text.removeprefix("the ").removeprefix("an ").removeprefix("a ")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def slots_for(
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
    years = between(rng, 3, 32)
    city, region = pick(rng, vocab.CITIES)
    third = rng.random() < 0.5
    slots = {"first": first, "full": f"{first} {last}", "title": title, "a_title": _article(title)}
    slots |= {"at_company": at_company, "joining": joining, "city": city, "region": region}
    slots |= {"years": str(years), "years2": str(between(rng, 2, max(2, min(12, years - 1))))}
    slots |= {
        "voice": "third" if third else "first",
        "length": pick(rng, vocab.ENGAGEMENT_LENGTHS),
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
        for i, value in enumerate(sample(rng, values, k)):
            slots[key if i == 0 else f"{key}{i + 1}"] = value
    for i in range(1, 7):
        key = "achievement" if i == 1 else f"achievement{i}"
        slots[key] = slots[key].format(
            n=between(rng, 6, 48), m=pick(rng, _MILLIONS), pct=between(rng, 12, 55)
        )
    side = pick(rng, vocab.SIDE_ACTIVITIES)[1 if third else 0]
    slots["side"] = side.format(spec=slots["spec2"], industry=slots["industry"])
    slots["spec_cap"] = _capital(slots["spec"])
    slots["achievement_list"] = "\n".join(
        f"- {_capital(slots[f'achievement{i}'])}" for i in range(3, 7)
    )
    return slots


def bio_for(rng: random.Random, domain: Domain, slots: dict[str, str]) -> str:
    band = rng.random()
    if band < P_SHORT_BIO:
        return _short_bio(rng, slots)
    if band < P_SHORT_BIO + P_LONG_BIO:
        return _long_bio(rng, slots)
    if band < P_SHORT_BIO + P_LONG_BIO + P_CARD_BIO:
        return _card_bio(slots, domain)
    return _prose_bio(rng, slots, between(rng, *MEDIUM_BIO), MEDIUM_BIO[1])


def _short_bio(rng: random.Random, slots: dict[str, str]) -> str:
    low, high = SHORT_BIO
    for template in sample(rng, vocab.SHORT_BIOS, len(vocab.SHORT_BIOS)):
        text = template.format(**slots)
        if len(text) < low:
            text += f" Based in {slots['city']}."
        if low <= len(text) <= high:
            return text
    return f"{slots['spec_cap']}: {slots['years']} years of experience."[:high]


def _sentences(rng: random.Random, slots: dict[str, str]) -> tuple[str, list[str]]:
    third = slots["voice"] == "third"
    intro = pick(rng, vocab.INTRO_THIRD if third else vocab.INTRO_FIRST).format(**slots)
    body = vocab.BODY_THIRD if third else vocab.BODY_FIRST
    return intro, [sentence.format(**slots) for sentence in sample(rng, body, len(body))]


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
    target = between(rng, low, high)
    intro, body = _sentences(rng, slots)
    third = slots["voice"] == "third"
    style = vocab.WORKING_STYLE_THIRD if third else vocab.WORKING_STYLE_FIRST
    closing = [s.format(**slots) + "." for s in sample(rng, style, len(style))]
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
        new_paragraph = "\n" in piece or not current or len(current) >= between(rng, 3, 5)
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
