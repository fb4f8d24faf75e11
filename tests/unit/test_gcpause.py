"""relaxed_gc raises CPython's first-generation threshold while cleaning and restores it."""
from __future__ import annotations

import gc
import threading

import pytest

from service.core.gcpause import GEN0_THRESHOLD, relaxed_gc
from service.engine.pipeline import RULE_PASSES, Cleaner


@pytest.fixture
def default_threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_raised_inside_restored_after_even_on_error(default_threshold):
    with pytest.raises(RuntimeError):
        with relaxed_gc():
            assert gc.get_threshold() == (GEN0_THRESHOLD, 10, 10)
            with relaxed_gc():
                assert gc.get_threshold()[0] == GEN0_THRESHOLD
            assert gc.get_threshold()[0] == GEN0_THRESHOLD  # the inner block does not restore
            raise RuntimeError
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_set_by_the_process_is_kept(default_threshold):
    gc.set_threshold(GEN0_THRESHOLD * 5, 10, 10)
    with relaxed_gc():
        assert gc.get_threshold()[0] == GEN0_THRESHOLD * 5
    assert gc.get_threshold()[0] == GEN0_THRESHOLD * 5


def test_overlapping_threads_restore_the_default_when_the_last_leaves(default_threshold):
    inside, leave = threading.Barrier(3), threading.Event()
    seen = []

    def work():
        with relaxed_gc():
            inside.wait()
            leave.wait()
            seen.append(gc.get_threshold()[0])

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert gc.get_threshold()[0] == GEN0_THRESHOLD
    leave.set()
    for t in threads:
        t.join()
    assert seen == [GEN0_THRESHOLD, GEN0_THRESHOLD]  # neither left before the other had looked
    assert gc.get_threshold() == (700, 10, 10)


def test_cleaning_runs_relaxed_and_restores(default_threshold, monkeypatch):
    seen = []
    real = Cleaner.find

    def spy(self, *a, **k):
        seen.append(gc.get_threshold()[0])
        return real(self, *a, **k)

    monkeypatch.setattr(Cleaner, "find", spy)
    Cleaner(passes=RULE_PASSES).clean("General Soleimani said so. Generalimimimani left.")
    assert seen and set(seen) == {GEN0_THRESHOLD}
    assert gc.get_threshold() == (700, 10, 10)
