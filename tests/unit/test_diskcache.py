"""The one pickle cache helper: read back, rebuilt when broken or stale, harmless when unwritable."""
from __future__ import annotations

from pathlib import Path

from service.core.diskcache import load_or_build, write_atomic


def _counting(value):
    calls = []

    def build():
        calls.append(1)
        return value
    return build, calls


def test_built_once_then_read_back(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "v.pickle"
    build, calls = _counting({"a": 1})
    assert load_or_build(path, build) == {"a": 1}
    assert load_or_build(path, build) == {"a": 1}
    assert len(calls) == 1 and path.exists()
    assert not list(path.parent.glob("*.tmp"))


def test_a_broken_or_stale_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "v.pickle"
    path.write_bytes(b"not a pickle")
    build, calls = _counting([1, 2])
    assert load_or_build(path, build, lambda v: isinstance(v, list)) == [1, 2]
    build2, calls2 = _counting((3,))
    assert load_or_build(path, build2, lambda v: isinstance(v, tuple)) == (3,)  # a list there is stale here
    assert len(calls) == 1 and len(calls2) == 1


def test_an_unwritable_folder_only_costs_the_build(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    path = blocker / "v.pickle"  # its parent is a file: nothing can be written there
    build, calls = _counting("value")
    assert load_or_build(path, build) == "value"
    assert load_or_build(path, build) == "value"
    assert len(calls) == 2
    assert write_atomic(path, b"data") is False
