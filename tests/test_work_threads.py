"""The periodic threads every consumer process runs: they keep going after a failure, stop when
asked, and delivery runs in embedded mode too (no Redis)."""

from __future__ import annotations

import threading

from minbar.config import Settings
from minbar.work import WorkConfig
from minbar.work.worker import Every, background_threads


def test_every_survives_a_failing_round_and_stops() -> None:
    calls: list[int] = []
    third = threading.Event()

    def fn() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("receiver away")
        if len(calls) == 3:
            third.set()

    loop = Every("test", 0.01, fn).start()
    assert third.wait(5), calls
    loop.stop()
    loop._thread.join(5)
    assert not loop._thread.is_alive()


def test_embedded_mode_runs_delivery_without_a_sweeper(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    threads = background_threads(settings, huey=None, config=WorkConfig(delivery_seconds=3600))
    try:
        assert [t.name for t in threads] == ["delivery"]
    finally:
        for t in threads:
            t.stop()
