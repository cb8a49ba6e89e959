"""``minbar serve``: the web UI and REST API in one uvicorn process.

In embedded mode (no ``MINBAR_REDIS_URL``) the same process also runs the background work —
the Huey consumer of :mod:`minbar.tasks` (feed polling, enrichment, story consolidation, alert
delivery) in threads — unless ``worker=False`` (``--no-worker``). With Redis the workers
(``minbar worker``) do that work and ``serve`` only serves.
"""

from __future__ import annotations

import logging

log = logging.getLogger("minbar.web")


def start_background(settings):
    """Start the embedded Huey consumer in threads; returns it (``.stop()`` it) or None."""
    from minbar.tasks import make_huey

    huey = make_huey(settings)
    consumer = huey.create_consumer(
        workers=1, periodic=True, check_worker_health=True, flush_locks=True
    )
    # uvicorn owns the signals of the main thread: the consumer must not install its own.
    consumer._set_signal_handlers = lambda: None  # noqa: SLF001
    consumer.start()
    log.info("background work (polling, enrichment, alerts) runs in this process")
    return consumer


def serve(mb, host: str = "127.0.0.1", port: int = 8000, worker: bool = True) -> None:
    """Serve ``mb`` on ``host:port`` until interrupted."""
    import uvicorn

    from minbar.web.app import create_app

    app = create_app(mb)
    mb.store  # noqa: B018 - open (and migrate) the store before the first request
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
