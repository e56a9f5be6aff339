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

from enrichment_core.experts import PROFILE_FIELDS
from enrichment_entrypoints.sample_data import vocabulary as vocab
from enrichment_entrypoints.sample_data.bios import between, bio_for, pick, sample, slots_for
from enrichment_entrypoints.sample_data.vocabulary import Domain

SAMPLE_COLUMNS: tuple[str, ...] = PROFILE_FIELDS  # exactly what ``read_experts_csv`` reads
PROFILE_BASE_URL = "https://experts.example.com/"
UTM_QUERY = "?utm_source=directory&utm_medium=profile"

# Share of rows with each gap, and of bios in each length band.
P_NO_BIO, P_NO_URL, P_NO_TITLE, P_NO_RATE, P_ZERO_RATE = 0.10, 0.15, 0.05, 0.08, 0.012
P_NO_UTM, P_NO_COMPANY, P_INDEPENDENT = 0.08, 0.03, 0.10


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


def _allocate_domains(count: int, rng: random.Random) -> list[Domain]:
    """Share ``count`` rows among the domains by weight (largest remainder), then shuffle."""
    total = sum(domain.weight for domain in vocab.DOMAINS)
    quotas = [count * domain.weight / total for domain in vocab.DOMAINS]
    seats = [int(quota) for quota in quotas]
    by_remainder = sorted(range(len(vocab.DOMAINS)), key=lambda i: (seats[i] - quotas[i], i))
    for i in by_remainder[: count - sum(seats)]:
        seats[i] += 1
    allocated = [domain for domain, n in zip(vocab.DOMAINS, seats, strict=True) for _ in range(n)]
    return sample(rng, allocated, len(allocated))


def _row(rng: random.Random, domain: Domain, taken: set[str]) -> dict[str, str]:
    first, last = pick(rng, vocab.FIRST_NAMES), pick(rng, vocab.LAST_NAMES)
    username = _username(rng, first, last, taken)
    title = pick(rng, domain.titles)
    independent = rng.random() < P_INDEPENDENT
    if independent:
        company = pick(rng, ("Independent", "Self-employed", "Freelance"))
    elif rng.random() < P_NO_COMPANY:
        company = ""
    else:
        company = pick(rng, domain.companies).format(
            last=pick(rng, vocab.LAST_NAMES), last2=pick(rng, vocab.LAST_NAMES)
        )
    bio = ""
    if rng.random() >= P_NO_BIO:
        bio = bio_for(rng, domain, slots_for(rng, domain, first, last, title, company, independent))
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
    base = pick(rng, (f + la, f"{f}.{la}", f[0] + la, f"{f}_{la}", la + f[0], f"{la}.{f}"))
    name = base if rng.random() < 0.6 else f"{base}{between(rng, 1, 99)}"
    while name in taken:
        name = f"{base}{between(rng, 1, 999)}"
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
