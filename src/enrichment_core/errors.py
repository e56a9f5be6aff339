"""Domain exceptions. Entrypoints translate them once: click prints one line, FastAPI one JSON shape.

Every message says what happened and, where it can, what to do next.
"""

from __future__ import annotations


class EnrichmentError(Exception):
    """Base class for every error the library raises on purpose."""


# --- experts -------------------------------------------------------------------------------


class InvalidExpertError(EnrichmentError, ValueError):
    """An expert record breaks a rule (missing username, negative rate, oversize field...)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class DuplicateExpertError(EnrichmentError):
    def __init__(self, username: str) -> None:
        super().__init__(f"an expert with username {username!r} already exists")
        self.username = username


class ExpertNotFoundError(EnrichmentError, LookupError):
    def __init__(self, key: object) -> None:
        super().__init__(f"no expert {key!r}")
        self.key = key


# --- storage and queries --------------------------------------------------------------------


class StorageError(EnrichmentError):
    """The expert store cannot be reached or refused an operation (database down, bad URL...)."""


class InvalidQueryError(EnrichmentError, ValueError):
    """The query or its options cannot be searched (empty, too long, k out of range)."""


# --- tagging -------------------------------------------------------------------------------


class TaggingError(EnrichmentError):
    """A tagger could not produce tags for one expert.

    The batch run retries every one of these once and then skips the expert (locked decision 6);
    the subclass decides only the pause before that retry (a ``TransientTaggingError`` waits, an
    ``InvalidTagOutputError`` is retried at once) and whether the whole run stops
    (``TaggerCredentialsError``).
    """


class RateLimitedError(TaggingError):
    """The provider's quota answered (HTTP 429). Not the expert's fault: wait and slow down."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientTaggingError(TaggingError):
    """Timeout, refused connection, 5xx: the same call may succeed a moment later."""


class TaggerUnreachableError(TransientTaggingError):
    """The tagger's service cannot be reached at all (connection refused or reset, DNS failure).

    The service's fault, not the expert's: like a 429, a batch run pauses every worker and
    waits (bounded) instead of spending the expert's retry. ``service`` names it ("Gemini").
    """

    def __init__(self, message: str, service: str) -> None:
        super().__init__(message)
        self.service = service


class InvalidTagOutputError(TaggingError):
    """The tagger answered, but not with a non-empty list of short tags (bad JSON, SAFETY, empty)."""


class PermanentTaggingError(TaggingError):
    """Bad request, unknown model: the provider refused this call (still retried once)."""


class TaggerCredentialsError(PermanentTaggingError):
    """The provider refused our credentials: every expert would fail alike, so a run stops."""


class TaggerUnavailableError(EnrichmentError):
    """The configured tagger cannot start at all (missing extra, no key)."""


# --- embedding and index --------------------------------------------------------------------


class EmbeddingError(EnrichmentError):
    """The embedder failed after its own retries."""


class EmbedderUnavailableError(EnrichmentError):
    """The configured embedder cannot start at all (missing extra, no key)."""


class IndexVerificationError(EnrichmentError):
    """The staged index failed the promotion policy; production was left untouched."""


class IndexBusyError(EnrichmentError):
    """Another ingest is rebuilding the same index right now."""


class IndexNotFoundError(EnrichmentError):
    """No promoted index exists yet."""


class EmbedderMismatchError(EnrichmentError):
    """The promoted index was built by another embedder than the one configured for queries."""
