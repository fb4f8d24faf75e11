"""The one settings object: MTCLEAN_* variables, one cache root."""
from pathlib import Path

import pytest

from service.settings import SETTINGS, describe, get_settings


def test_environment_is_read_and_typed(monkeypatch, tmp_path):
    monkeypatch.setenv("MTCLEAN_JOB_TTL_SECONDS", "60")
    monkeypatch.setenv("MTCLEAN_CACHE", str(tmp_path))
    s = get_settings()
    assert s.job_ttl_seconds == 60
    assert s.cache_root == tmp_path
    assert s.batch_cache_dir == tmp_path / "batch"
    assert s.service_config()["JOB_TTL_SECONDS"] == 60


def test_one_cache_root_for_languagetool_and_batch(monkeypatch, tmp_path):
    monkeypatch.setenv("MTCLEAN_CACHE", str(tmp_path))
    from service.ops import languagetool

    assert languagetool.cache_dir("6.8") == tmp_path / "languagetool" / "6.8"
    from service.batch.run import default_cache_dir

    assert default_cache_dir() == tmp_path / "batch"
    monkeypatch.setenv("MTCLEAN_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache_dir() == Path(tmp_path / "elsewhere")


def test_grammar_switches_agree(monkeypatch):
    monkeypatch.delenv("MTCLEAN_GRAMMAR", raising=False)
    monkeypatch.delenv("MTCLEAN_NO_GRAMMAR", raising=False)
    assert not get_settings().grammar_off
    monkeypatch.setenv("MTCLEAN_NO_GRAMMAR", "1")
    assert get_settings().grammar_off and get_settings().service_config()["GRAMMAR"] == "off"
    monkeypatch.delenv("MTCLEAN_NO_GRAMMAR")
    monkeypatch.setenv("MTCLEAN_GRAMMAR", "off")
    assert get_settings().grammar_off


def test_redis_url_given_only_when_set(monkeypatch):
    monkeypatch.delenv("MTCLEAN_REDIS_URL", raising=False)
    assert not get_settings().redis_url_given
    monkeypatch.setenv("MTCLEAN_REDIS_URL", "redis://127.0.0.1:6390/0")
    assert get_settings().redis_url_given


def test_every_setting_is_documented():
    assert all(doc for _default, doc in SETTINGS.values())
    assert "MTCLEAN_..." in describe() and "CACHE" in describe()


def test_the_english_variant_option_is_validated_and_reaches_the_grammar_settings():
    from service.engine.options import CleanOptions
    from service.errors import InvalidOptions

    assert CleanOptions.from_cli().variant == "auto"
    assert CleanOptions.from_cli(variant="en-GB").variant == "GB"
    with pytest.raises(InvalidOptions):
        CleanOptions.from_cli(variant="xx")
