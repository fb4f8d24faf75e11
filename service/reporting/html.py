"""HTML reports from Jinja2 templates (``service/reporting/templates``), autoescaped."""
from __future__ import annotations

import functools
from typing import Any

import jinja2


def render(template: str, **context: Any) -> str:
    """A report template rendered with ``context`` (every value escaped unless it is Markup)."""
    return _environment().get_template(template).render(**context)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("service.reporting", "templates"),
                              autoescape=True, keep_trailing_newline=True)
