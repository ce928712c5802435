"""What a workspace is, and what every store does with it.

A workspace has two links. The read-only link carries its public id; the edit link carries
a separate secret (the store keeps only its SHA-256), so a leaked read-only link or a copy
of the store's file gives no right to change it. Both are 128 random bits
(``secrets.token_urlsafe(16)``). Every save is a new version (compare-and-swap on the version
number: a save based on a stale version is refused, never lost over another's).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

#: A link's token: 16 random bytes, URL-safe base64 without padding.
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
#: One workspace's saved payload (uploads, choices, settings) at most, in bytes of JSON:
#: four times the upload file limit (:data:`layers.validation.MAX_FILE_BYTES`).
MAX_WORKSPACE_BYTES = 100_000_000
#: Versions kept per workspace; older ones are dropped when a save goes beyond.
MAX_VERSIONS = 200
MAX_NAME = 120
MAX_NOTE = 200


class StoreError(Exception):
    """The store cannot do what was asked (unwritable, full, unreachable, too large): the
    message is for the user and names no server path."""


class InvalidLink(StoreError):
    """A workspace link that is not one: wrong length or characters."""


class StaleVersion(StoreError):
    """A save based on a version that is no longer the current one."""

    def __init__(self, current: int):
        super().__init__(f"This workspace was saved by someone else meanwhile (now version "
                         f"{current}).")
        self.current = current


@dataclass(frozen=True)
class Upload:
    """One uploaded file as kept: the validated GeoJSON, where it goes and how."""

    key: str            # "sightings: my-file.geojson"
    target: str         # "sightings" or "facilities"
    mode: str           # "add" or "replace"
    file: str           # the file's name as uploaded
    geojson: str        # the validated features (RFC 7946)
    uploaded_at: str    # ISO 8601, UTC
    problems: tuple = ()


@dataclass(frozen=True)
class Snapshot:
    """What one version holds."""

    uploads: tuple = ()                          # of Upload
    choices: dict = field(default_factory=dict)  # URL parameters: name -> list of values
    settings: dict = field(default_factory=dict)  # labels, export settings: name -> value

    def to_json(self) -> str:
        return json.dumps({"uploads": [asdict(u) for u in self.uploads],
                           "choices": self.choices, "settings": self.settings},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Snapshot:
        data = json.loads(text)
        uploads = tuple(Upload(**{**u, "problems": tuple(u.get("problems") or ())})
                        for u in data.get("uploads") or ())
        return cls(uploads, dict(data.get("choices") or {}), dict(data.get("settings") or {}))


@dataclass(frozen=True)
class Version:
    number: int
    saved_at: str
    note: str


@dataclass(frozen=True)
class Workspace:
    id: str             # the read-only link's token
    name: str
    created_at: str
    version: int        # the current version's number
    saved_at: str
    snapshot: Snapshot


@dataclass(frozen=True)
class Access:
    """A workspace opened by a link: editable with the edit link, else read-only."""

    workspace: Workspace
    can_edit: bool


def new_token() -> str:
    return secrets.token_urlsafe(16)


def edit_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def check_token(token: str) -> str:
    """The token if it has the shape of one, else InvalidLink (nothing is looked up)."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise InvalidLink("This workspace link is not valid: check that it was copied whole.")
    return token


def clean_text(text: str | None, limit: int) -> str:
    """One line of at most ``limit`` characters, without control characters."""
    text = "".join(ch if ch.isprintable() else " " if ch.isspace() else ""
                   for ch in str(text or ""))
    return " ".join(text.split())[:limit]


def payload_of(snapshot: Snapshot) -> str:
    """The snapshot as JSON, refused when it is over :data:`MAX_WORKSPACE_BYTES`."""
    text = snapshot.to_json()
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: not text any store can keep
        raise StoreError("This workspace holds text that is not valid Unicode (a broken "
                         "character in a name or a setting): it cannot be saved.") from None
    if size > MAX_WORKSPACE_BYTES:
        raise StoreError(f"This workspace would hold {size:,} bytes, over the limit of "
                         f"{MAX_WORKSPACE_BYTES:,}: remove an upload and save again.")
    return text


class Store:
    """The interface both backends implement.

    ``create`` returns the workspace and its edit token (shown once, in the edit link).
    ``open`` takes either token. ``save`` and ``restore`` need the edit token and the
    version the change is based on; they raise :class:`StaleVersion` when another save came
    first. ``history`` lists versions, newest first.
    """

    schema_version = 1

    def create(self, name: str, snapshot: Snapshot, note: str = "created"
               ) -> tuple[Workspace, str]:
        raise NotImplementedError

    def open(self, token: str) -> Access | None:
        raise NotImplementedError

    def save(self, workspace_id: str, edit_token: str, expected_version: int,
             snapshot: Snapshot, note: str = "") -> Workspace:
        raise NotImplementedError

    def history(self, workspace_id: str) -> list[Version]:
        raise NotImplementedError

    def snapshot(self, workspace_id: str, version: int) -> Snapshot | None:
        raise NotImplementedError

    def restore(self, workspace_id: str, edit_token: str, version: int,
                expected_version: int) -> Workspace:
        """A new version holding what ``version`` held (nothing is overwritten)."""
        old = self.snapshot(workspace_id, version)
        if old is None:
            raise StoreError(f"This workspace has no version {version}.")
        return self.save(workspace_id, edit_token, expected_version, old,
                         note=f"restored version {version}")
