import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from message_store import FileMessageStore, Listing, Message, message_id


class SteppingIds:
    """A clock that moves forward one millisecond per message, with predictable suffixes."""

    def __init__(self, start: str = "2026-11-22T10:00:00.000+00:00") -> None:
        self._start = datetime.fromisoformat(start)
        self._n = 0

    def now(self) -> datetime:
        return self._start + timedelta(milliseconds=self._n)

    def suffix(self) -> str:
        value = f"{self._n:08x}"
        self._n += 1
        return value


class FixedIds:
    def now(self) -> datetime:
        return datetime(2026, 11, 22, 10, 0, 0, tzinfo=timezone.utc)

    def suffix(self) -> str:
        return "deadbeef"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_message_id_sorts_by_time_as_plain_text() -> None:
    assert message_id(utc("2026-11-22T10:15:03.512Z"), "abcd0123") == "20261122T101503512Z-abcd0123"
    ids = [message_id(utc(t), "00000000") for t in ("2026-11-22T10:00:00.000Z", "2026-11-22T09:59:59.999Z", "2027-01-01T00:00:00.000Z")]
    assert sorted(ids) == [ids[1], ids[0], ids[2]]


def test_writes_one_finished_json_file_per_message_and_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    message = FileMessageStore(tmp_path, SteppingIds()).append("hello")
    assert message == Message(id="20261122T100000000Z-00000000", text="hello", createdAt="2026-11-22T10:00:00.000Z")
    assert os.listdir(tmp_path) == ["20261122T100000000Z-00000000.json"]


def test_lists_the_newest_messages_first_up_to_the_limit_with_the_total(tmp_path: Path) -> None:
    store = FileMessageStore(tmp_path, SteppingIds())
    for text in ("one", "two", "three"):
        store.append(text)
    listing = store.list(2)
    assert listing.total == 3
    assert [m.text for m in listing.messages] == ["three", "two"]


def test_ignores_temporary_and_unrelated_files(tmp_path: Path) -> None:
    store = FileMessageStore(tmp_path, SteppingIds())
    store.append("kept")
    (tmp_path / ".20261122T100000001Z-00000001.tmp").write_text('{"half":')
    (tmp_path / "notes.txt").write_text("not a message")
    listing = store.list(10)
    assert listing.total == 1
    assert listing.messages[0].text == "kept"
    assert store.clear() == 1
    assert sorted(os.listdir(tmp_path)) == [".20261122T100000001Z-00000001.tmp", "notes.txt"]


def test_clears_every_message_and_reports_how_many_it_removed(tmp_path: Path) -> None:
    store = FileMessageStore(tmp_path, SteppingIds())
    for text in ("a", "b", "c"):
        store.append(text)
    assert store.clear() == 3
    assert store.list(10) == Listing(total=0, messages=[])
    assert store.clear() == 0


def test_counts_each_message_once_when_two_environments_clear_the_wall_at_the_same_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = FileMessageStore(tmp_path, SteppingIds())
    for text in ("a", "b", "c", "d", "e"):
        first.append(text)
    second = FileMessageStore(tmp_path)
    # Let the other environment clear everything right after this one listed the files:
    # both listings see all five, and whichever unlinks a file second must skip it, not fail.
    listing = FileMessageStore._message_files
    counts: list[int] = []

    def list_then_race(self: FileMessageStore) -> list[str]:
        names = listing(self)
        if self is first:
            counts.append(second.clear())
        return names

    monkeypatch.setattr(FileMessageStore, "_message_files", list_then_race)
    counts.append(first.clear())
    assert counts == [5, 0]
    assert first.list(10) == Listing(total=0, messages=[])


def test_loses_nothing_when_many_writers_append_at_the_same_moment(tmp_path: Path) -> None:
    store = FileMessageStore(tmp_path)
    texts = [f"message {i}" for i in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(store.append, texts))
    listing = store.list(100)
    assert listing.total == 40
    assert sorted(m.text for m in listing.messages) == sorted(texts)


def test_refuses_to_overwrite_a_temporary_file_that_already_exists(tmp_path: Path) -> None:
    (tmp_path / ".20261122T100000000Z-deadbeef.tmp").write_text("in progress")
    with pytest.raises(FileExistsError):
        FileMessageStore(tmp_path, FixedIds()).append("clash")
