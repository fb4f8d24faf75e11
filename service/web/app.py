"""The Flask application factory of the HTTP service.

``create_app()`` reads the defaults of :mod:`service.settings`, then ``test_config`` (tests) or
the ``MTCLEAN_*`` environment, and wires the store, Celery, the blueprints (the API, the
review API, the review page) and the JSON error handlers.  Run it with
``gunicorn 'service.web.app:create_app()'`` or ``mtclean serve``.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from service.web import api
from service.web import http_errors
from service.web import pages as review
from service.web import review_api
from service.worker.celery_app import celery_init_app
from service.settings import celery_settings, defaults, get_settings
from service.worker.store import Store


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """A configured app; ``app.extensions`` holds ``celery`` and ``mtclean_store``."""
    app = Flask("mtclean")
    app.config.from_mapping(defaults())
    if test_config is None:
        app.config.from_mapping(get_settings().service_config())
    else:
        app.config.from_mapping(test_config)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_CONTENT_LENGTH"])
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config["CELERY"] = {**celery_settings(app.config), **app.config.get("CELERY", {})}
    app.extensions["mtclean_store"] = Store(app.config["REDIS_URL"], int(app.config["JOB_TTL_SECONDS"]))
    celery_init_app(app)
    http_errors.init_app(app)
    api.init_app(app)
    review_api.init_app(app)
    review.init_app(app)
    if not app.debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app
