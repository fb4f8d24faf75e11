"""Celery set up from the Flask app (as in Flask's ``examples/celery``), plus worker heartbeats.

Each worker's main process writes ``mtclean:workers`` (see :mod:`service.worker.store`) every
``WORKER_HEARTBEAT_SECONDS``; the API refuses new jobs with 503 when no worker wrote within
``WORKER_STALE_SECONDS``, so a client is told at once instead of waiting on a queue nobody reads.
"""
from __future__ import annotations

import logging
import threading
import time

from celery import Celery, Task
from celery.signals import worker_ready, worker_shutdown
from flask import Flask

log = logging.getLogger(__name__)


def celery_init_app(app: Flask) -> Celery:
    """A Celery app whose tasks run inside ``app``'s context; stored in ``app.extensions["celery"]``."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    celery_app.flask_app = app  # type: ignore[attr-defined]
    app.extensions["celery"] = celery_app
    return celery_app


class _Heartbeat:
    def __init__(self) -> None:
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.name = ""


_beat = _Heartbeat()


def _flask_app(sender: object) -> Flask | None:
    celery_app = getattr(sender, "app", None)
    return getattr(celery_app, "flask_app", None)


@worker_ready.connect
def _start_heartbeat(sender: object = None, **_: object) -> None:
    app = _flask_app(sender)
    if app is None:
        return
    store = app.extensions["mtclean_store"]
    interval = float(app.config["WORKER_HEARTBEAT_SECONDS"])
    _beat.name = getattr(sender, "hostname", "worker")

    from service.worker import recovery

    celery = app.extensions["celery"]
    queue = app.config["QUEUE"]

    def publish(job_id: str) -> None:
        celery.send_task("mtclean.clean_job", args=[job_id], queue=queue)

    last_sweep = 0.0

    def run() -> None:
        nonlocal last_sweep
        while not _beat.stop.is_set():
            try:
                store.heartbeat(_beat.name)
                if time.monotonic() - last_sweep >= 5 * interval:  # lost jobs: resumed or failed
                    last_sweep = time.monotonic()
                    recovery.sweep(store, publish, queue, recovery.stuck_after(app.config))
            except Exception as exc:  # noqa: BLE001 - Redis away: try again next beat
                log.warning("heartbeat failed: %s", exc)
            _beat.stop.wait(interval)

    _beat.thread = threading.Thread(target=run, name="mtclean-heartbeat", daemon=True)
    _beat.thread.start()


@worker_shutdown.connect
def _stop_heartbeat(sender: object = None, **_: object) -> None:
    _beat.stop.set()
    app = _flask_app(sender)
    if app is not None and _beat.name:
        try:
            app.extensions["mtclean_store"].forget_worker(_beat.name)
        except Exception:  # noqa: BLE001
            pass
