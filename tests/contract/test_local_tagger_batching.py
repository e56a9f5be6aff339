"""``LocalTagGenerator.generate_tags``: concurrent callers share model passes, each gets its own
answer. The model is a scripted encode (hashing vectors) whose passes are counted and can be held
open, so nothing here depends on timing."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import anyio
import numpy as np
import pytest

from enrichment_adapters.local import tagger as tagger_module
from enrichment_adapters.local.tagger import LocalTagGenerator
from enrichment_core.errors import InvalidTagOutputError, TaggerUnavailableError
from enrichment_core.ports import TagRequest, Vectors
from tests.contract.tagger_contract import TAX_LAWYER, VET

GOOD = [
    TAX_LAWYER,
    VET,
    TagRequest(username="cook", job_title="Head Chef", bio="I run a restaurant kitchen."),
    TagRequest(username="dev", job_title="Backend Engineer", bio="I build Python web services."),
]
CONTENTLESS = TagRequest(username="blank", job_title=None, bio="n/a")


class ScriptedEncode:
    """Hashing vectors for any texts; records each call, can hold one open or fail one."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Semaphore(0)
        self.fail_calls: set[int] = set()  # these calls (1 = the first after the fixture) fail

    def __call__(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        self.entered.release()
        assert self.gate.wait(timeout=30), "the test never released the held pass"
        if len(self.calls) in self.fail_calls:
            raise TaggerUnavailableError("the model could not be loaded")
        rows = [
            np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:15], 16)).normal(
                size=384
            )
            for t in texts
        ]
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), 384)
        unit: Vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return unit


@pytest.fixture
def encode(monkeypatch: pytest.MonkeyPatch) -> ScriptedEncode:
    scripted = ScriptedEncode()
    monkeypatch.setattr(tagger_module, "_encode", scripted)
    return scripted


@pytest.fixture
def tagger(encode: ScriptedEncode, tmp_path: Path) -> Iterator[LocalTagGenerator]:
    local = LocalTagGenerator(cache_dir=tmp_path)
    local.vocabulary_vectors()  # embedded now (one scripted call), not inside the passes below
    encode.calls.clear()
    encode.entered = threading.Semaphore(0)  # count only the passes of the test itself
    yield local
    encode.gate.set()
    local.close()


def queued(tagger: LocalTagGenerator) -> int:
    batcher = tagger._batcher
    with batcher._cond:
        return sum(not ticket.waiter.abandoned for ticket in batcher._queue)


async def until(condition: object, what: str) -> None:
    for _ in range(10_000):
        if callable(condition) and condition():
            return
        await anyio.sleep(0.001)
    raise AssertionError(f"never happened: {what}")


def texts_of(tagger: LocalTagGenerator, request: TagRequest) -> set[str]:
    """The texts the tagger embeds for one expert (what a pass holding it must contain)."""
    prepared = tagger_module._prepare(request)
    assert not isinstance(prepared, InvalidTagOutputError)
    return set(prepared.chunks) | ({prepared.title} if prepared.title else set())


Answers = dict[str, list[str] | BaseException]


async def ask(tagger: LocalTagGenerator, request: TagRequest, answers: Answers) -> None:
    try:
        answers[request.username] = list(await tagger.generate_tags(request))
    except Exception as exc:  # noqa: BLE001 - the test inspects what each caller got
        answers[request.username] = exc


async def with_first_pass_held(
    tagger: LocalTagGenerator,
    encode: ScriptedEncode,
    group: anyio.abc.TaskGroup,
    answers: Answers,
) -> None:
    """Start one call whose model pass is held open until ``encode.gate`` is set."""
    encode.gate.clear()
    group.start_soon(ask, tagger, GOOD[0], answers)
    assert await anyio.to_thread.run_sync(entered, encode)


def entered(encode: ScriptedEncode) -> bool:
    return encode.entered.acquire(timeout=30)


def test_callers_waiting_during_a_pass_share_the_next_one_and_get_their_own_tags(
    tagger: LocalTagGenerator, encode: ScriptedEncode
) -> None:
    answers: Answers = {}

    async def main() -> None:
        async with anyio.create_task_group() as group:
            await with_first_pass_held(tagger, encode, group, answers)
            for request in GOOD[1:]:
                group.start_soon(ask, tagger, request, answers)
            await until(lambda: queued(tagger) == 3, "three callers queued")
            encode.gate.set()

    anyio.run(main)
    assert len(encode.calls) == 2  # one pass for the first caller, one shared by the other three
    assert set(encode.calls[1]) == set().union(*(texts_of(tagger, r) for r in GOOD[1:]))
    assert tagger.batching_stats().largest == 3
    for request in GOOD:
        assert answers[request.username] == tagger.tag_one(request)


def test_a_bio_with_nothing_to_tag_fails_only_its_own_caller(
    tagger: LocalTagGenerator, encode: ScriptedEncode
) -> None:
    answers: Answers = {}

    async def main() -> None:
        async with anyio.create_task_group() as group:
            await with_first_pass_held(tagger, encode, group, answers)
            for request in [GOOD[1], CONTENTLESS, GOOD[2]]:
                group.start_soon(ask, tagger, request, answers)
            await until(lambda: queued(tagger) == 3, "three callers queued")
            encode.gate.set()

    anyio.run(main)
    assert len(encode.calls) == 2
    assert isinstance(answers["blank"], InvalidTagOutputError)
    assert answers[GOOD[1].username] == tagger.tag_one(GOOD[1])
    assert answers[GOOD[2].username] == tagger.tag_one(GOOD[2])


def test_a_failed_pass_reaches_every_caller_in_it_and_the_next_pass_works(
    tagger: LocalTagGenerator, encode: ScriptedEncode
) -> None:
    answers: Answers = {}
    encode.fail_calls = {2}  # the pass shared by the two callers queued behind the first one

    async def main() -> None:
        async with anyio.create_task_group() as group:
            await with_first_pass_held(tagger, encode, group, answers)
            for request in GOOD[1:3]:
                group.start_soon(ask, tagger, request, answers)
            await until(lambda: queued(tagger) == 2, "two callers queued")
            encode.gate.set()
        await ask(tagger, GOOD[3], answers)  # the next pass

    anyio.run(main)
    assert len(encode.calls) == 3
    assert answers[GOOD[0].username] == tagger.tag_one(GOOD[0])
    for request in GOOD[1:3]:
        error = answers[request.username]
        assert isinstance(error, TaggerUnavailableError), error
    assert answers[GOOD[3].username] == tagger.tag_one(GOOD[3])


def test_a_cancelled_caller_returns_at_once_and_the_others_are_answered(
    tagger: LocalTagGenerator, encode: ScriptedEncode
) -> None:
    answers: Answers = {}
    outcome: list[str] = []

    async def impatient(request: TagRequest) -> None:
        with anyio.move_on_after(0.01) as scope:
            await tagger.generate_tags(request)
        outcome.append("cancelled" if scope.cancelled_caught else "answered")

    async def main() -> None:
        async with anyio.create_task_group() as group:
            await with_first_pass_held(tagger, encode, group, answers)
            group.start_soon(ask, tagger, GOOD[1], answers)
            await until(lambda: queued(tagger) == 1, "one caller queued")
            await impatient(GOOD[2])  # queued behind the held pass: gives up, pass still held
            assert outcome == ["cancelled"]
            assert queued(tagger) == 1  # its expert left the queue; the other one is still there
            encode.gate.set()
        await ask(tagger, GOOD[3], answers)

    anyio.run(main)
    assert len(encode.calls) == 3  # the held pass, the other caller's, the next call's
    assert not set(encode.calls[1]) & texts_of(tagger, GOOD[2])  # never embedded
    for request in [GOOD[0], GOOD[1], GOOD[3]]:
        assert answers[request.username] == tagger.tag_one(request)


def test_a_caller_cancelled_inside_a_pass_does_not_break_the_pass(
    tagger: LocalTagGenerator, encode: ScriptedEncode
) -> None:
    answers: Answers = {}
    scopes: list[anyio.CancelScope] = []
    gave_up = anyio.Event()

    async def impatient() -> None:
        with anyio.CancelScope() as scope:
            scopes.append(scope)
            await tagger.generate_tags(GOOD[0])
        gave_up.set()

    async def main() -> None:
        async with anyio.create_task_group() as group:
            encode.gate.clear()
            group.start_soon(impatient)
            assert await anyio.to_thread.run_sync(entered, encode)  # its pass is running
            scopes[0].cancel()
            await gave_up.wait()  # returned while its pass is still held open
            group.start_soon(ask, tagger, GOOD[1], answers)
            await until(lambda: queued(tagger) == 1, "one caller queued")
            encode.gate.set()

    anyio.run(main)
    assert len(encode.calls) == 2
    assert answers[GOOD[1].username] == tagger.tag_one(GOOD[1])


def test_after_close_each_call_is_a_pass_of_its_own_and_still_answered(
    tagger: LocalTagGenerator, encode: ScriptedEncode
) -> None:
    tagger.close()
    answers: Answers = {}

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for request in GOOD[:2]:
                group.start_soon(ask, tagger, request, answers)

    anyio.run(main)
    assert len(encode.calls) == 2
    for request in GOOD[:2]:
        assert answers[request.username] == tagger.tag_one(request)
