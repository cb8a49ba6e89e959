"""``minbar serve``: the web UI and REST API in one uvicorn process.

In embedded mode (no ``MINBAR_REDIS_URL``) the same process also runs the background work —
the Huey consumer of :mod:`minbar.tasks` (feed polling, enrichment, story consolidation, alert
delivery) in threads — unless ``worker=False`` (``--no-worker``). With Redis the workers
(``minbar worker``) do that work and ``serve`` only serves.
"""

from __future__ import annotations

import logging

log = logging.getLogger("minbar.web")


class Background:
    """The embedded background work of a ``serve`` process: the Huey consumer (polling,
    enrichment, consolidation) and the periodic threads (alert delivery every 10 s)."""

    def __init__(self, consumer, threads) -> None:
        self.consumer, self.threads = consumer, threads

    def stop(self, graceful: bool = True) -> None:
        for thread in self.threads:
            thread.stop()
        self.consumer.stop(graceful=graceful)


def start_background(settings) -> Background:
    """Start the embedded Huey consumer and the delivery loop in threads (``.stop()`` them)."""
    from minbar.work import WorkConfig
    from minbar.work.queue import make_huey
    from minbar.work.worker import background_threads

    config = WorkConfig.from_env()
    huey = make_huey(settings, config=config)
    consumer = huey.create_consumer(
        workers=1, periodic=True, check_worker_health=True, flush_locks=True
    )
    # uvicorn owns the signals of the main thread: the consumer must not install its own.
    consumer._set_signal_handlers = lambda: None  # noqa: SLF001
    consumer.start()
    threads = background_threads(settings, huey, config)
    log.info("background work (polling, enrichment, alert delivery) runs in this process")
    return Background(consumer, threads)


def app_factory():
    """The app for one of several uvicorn worker processes (settings from the environment,
    which :func:`serve` fills from its facade)."""
    from minbar import Minbar
    from minbar.web.app import create_app

    return create_app(Minbar())


def serve(
    mb, host: str = "127.0.0.1", port: int = 8000, worker: bool = True, processes: int = 1
) -> None:
    """Serve ``mb`` on ``host:port`` until interrupted; ``processes`` > 1 runs that many uvicorn
    worker processes (each its own facade on the same database): Python serves one request at
    a time per process, so concurrent clients queue less."""
    import os

    import uvicorn

    from minbar.web.app import create_app

    mb.store  # noqa: B018 - open (and migrate) the store before the first request
    if processes > 1:
        os.environ["MINBAR_DATA_DIR"] = str(mb.settings.data_dir)
        if mb.settings.database_url:
            os.environ["MINBAR_DATABASE_URL"] = mb.settings.database_url
        mb.secret_key  # noqa: B018 - generated once here, before the workers read it
        app = "minbar.web.serve:app_factory"
    else:
        app = create_app(mb)
    consumer = None
    if worker and not mb.settings.redis_url:
        consumer = start_background(mb.settings)
    elif worker:
        log.info("MINBAR_REDIS_URL is set: background work is left to `minbar worker`")
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=True,
        server_header=False,
        lifespan="off",
    )
    _exit_on_sigterm()
    try:
        if processes > 1:
            uvicorn.run(
                app,
                host=host,
                port=port,
                log_level="info",
                proxy_headers=True,
                server_header=False,
                lifespan="off",
                factory=True,
                workers=processes,
            )
        else:
            uvicorn.Server(config).run()
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it shut down on
        pass
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def _exit_on_sigterm() -> None:
    """uvicorn shuts down on SIGTERM, then re-raises it: exit normally instead, so the
    background consumer stops gracefully (``finally`` above)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def _exit(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)
