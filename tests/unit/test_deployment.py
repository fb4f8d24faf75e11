"""Deployment files: docker-compose.yml against the Compose Specification's JSON schema (vendored
in tests/fixtures/compose-spec, Apache-2.0), the worker waiting for a healthy LanguageTool, and a
.dockerignore that keeps .venv, .git and caches out of the build context while every COPY source
stays in it."""
from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "fixtures" / "compose-spec" / "compose-spec.json"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_file_is_valid_against_the_compose_specification(compose):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_the_schema_catches_a_broken_compose_file(compose):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(compose))
    broken["services"]["worker"]["depends_on"]["languagetool"]["condition"] = "service_ready"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_worker_waits_for_a_healthy_languagetool(compose):
    services = compose["services"]
    assert services["worker"]["depends_on"]["languagetool"]["condition"] == "service_healthy"
    check = services["languagetool"]["healthcheck"]
    assert "/v2/healthcheck" in " ".join(check["test"]) and check.get("start_period")
    assert services["worker"]["depends_on"]["redis"]["condition"] == "service_healthy"


def _patterns() -> list[tuple[bool, str]]:
    out = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        neg = line.startswith("!")
        out.append((neg, line[1:] if neg else line))
    return out


def _matches(pattern: str, path: str) -> bool:
    """Docker's rule: a pattern matches a path or any of its parent folders; ``**`` any depth."""
    rx = re.escape(pattern.strip("/")).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*") \
        .replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    parts = path.split("/")
    return any(re.fullmatch(rx, "/".join(parts[:k])) for k in range(1, len(parts) + 1))


def excluded(path: str) -> bool:
    out = False
    for neg, pattern in _patterns():
        if _matches(pattern, path):
            out = not neg
    return out


@pytest.mark.parametrize("path", [".venv/bin/python", ".git/HEAD", ".pytest_cache/v/cache", "tests/unit/test_x.py",
                                  "service/__pycache__/settings.cpython-311.pyc", "bench/results/x.json",
                                  "mtclean.egg-info/PKG-INFO", ".mtclean-cache/x", "service/web/.ruff_cache/x"])
def test_dockerignore_keeps_these_out(path):
    assert excluded(path)


def test_every_copy_source_of_the_dockerfiles_is_in_the_context():
    sources = []
    for dockerfile in (ROOT / "docker").glob("*.Dockerfile"):
        for line in dockerfile.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\s*COPY\s+(?!--from)(.+)", line)
            if m:
                sources += m.group(1).split()[:-1]
    assert sources
    for src in sources:
        path = ROOT / src
        assert path.exists(), src
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files and not any(excluded(p.relative_to(ROOT).as_posix()) for p in files), src
    assert not fnmatch.fnmatch("service/web/app.py", "*.pyc") and not excluded("service/web/app.py")
