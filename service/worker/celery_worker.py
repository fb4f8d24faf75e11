"""Entry point for Celery's command line: ``celery -A service.worker.celery_worker worker``.

As in Flask's ``examples/celery/make_celery.py``: the app is built from the environment
(``MTCLEAN_*``) and the tasks are imported so the worker registers them.
"""
from __future__ import annotations

from service.web.app import create_app
from service.worker import tasks  # noqa: F401 - registers the shared tasks

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
