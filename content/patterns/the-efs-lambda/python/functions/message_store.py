"""A message wall kept as one small JSON file per message in a directory on EFS.

Many Lambda environments can write at the same moment over NFS, where appends to one shared
file could interleave; separate files never collide, and writing to a hidden temporary name
before renaming means a reader sees a whole message or none of it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Message:
    id: str
    text: str
    createdAt: str  # noqa: N815 - the JSON field name the API returns


@dataclass(frozen=True)
class Listing:
    """The newest messages, newest first, and how many exist in total."""

    total: int
    messages: list[Message]


class IdSource(Protocol):
    """Where the time and the random part of a new id come from; tests fix both."""

    def now(self) -> datetime: ...

    def suffix(self) -> str: ...


class SystemIds:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def suffix(self) -> str:
        return secrets.token_hex(4)


# Matches finished message files only, never the hidden temporary ones.
MESSAGE_FILE = re.compile(r"^\d{8}T\d{9}Z-[0-9a-f]{8}\.json$")


def iso_millis(at: datetime) -> str:
    """2026-11-22T10:15:03.512Z: UTC with milliseconds, the form JavaScript's toISOString gives."""
    at = at.astimezone(timezone.utc)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def message_id(at: datetime, suffix: str) -> str:
    """2026-11-22T10:15:03.512Z becomes 20261122T101503512Z-<suffix>, which sorts by time as plain text."""
    return re.sub(r"[-:.]", "", iso_millis(at)) + f"-{suffix}"


class FileMessageStore:
    def __init__(self, directory: str | os.PathLike[str], ids: IdSource | None = None) -> None:
        self._dir = Path(directory)
        self._ids: IdSource = ids or SystemIds()

    def _message_files(self) -> list[str]:
        return sorted(name for name in os.listdir(self._dir) if MESSAGE_FILE.match(name))

    def append(self, text: str) -> Message:
        created_at = self._ids.now()
        message = Message(id=message_id(created_at, self._ids.suffix()), text=text, createdAt=iso_millis(created_at))
        temporary = self._dir / f".{message.id}.tmp"
        # "x" refuses to reuse a temporary name another writer still holds.
        with open(temporary, "x", encoding="utf-8") as file:
            file.write(json.dumps(asdict(message), ensure_ascii=False, separators=(",", ":")))
        os.rename(temporary, self._dir / f"{message.id}.json")
        return message

    def list(self, limit: int) -> Listing:
        names = self._message_files()
        messages: list[Message] = []
        for name in reversed(names[-limit:]):
            try:
                data = json.loads((self._dir / name).read_text(encoding="utf-8"))
            except FileNotFoundError:
                # Another environment may clear the wall between the listing and the read.
                continue
            messages.append(Message(**data))
        return Listing(total=len(names), messages=messages)

    def clear(self) -> int:
        """Deletes every message and says how many files it removed."""
        removed = 0
        for name in self._message_files():
            try:
                os.unlink(self._dir / name)
            except FileNotFoundError:
                # Another environment clearing at the same moment got there first.
                continue
            removed += 1
        return removed
