"""One exception tree: every class has its HTTP status and exit code, and is drawn in the docstring."""
import inspect

import pytest

from service import errors


def _classes():
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.MtcleanError)]


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: c.__name__)
def test_every_error_has_a_status_an_exit_code_and_a_place_in_the_tree(cls):
    assert 400 <= cls.http_status <= 599
    assert cls.exit_code == errors.EXIT_ERROR
    assert f" {cls.__name__} " in errors.__doc__
    assert errors.status_of(cls("x")) == cls.http_status


def test_library_errors_are_reraised_as_ours():
    with pytest.raises(errors.ServiceUnavailable, match="Redis: refused") as info:
        with errors.reraise(errors.ServiceUnavailable, ConnectionError, prefix="Redis: "):
            raise ConnectionError("refused")
    assert isinstance(info.value.__cause__, ConnectionError)


def test_statuses_the_api_promises():
    assert errors.MalformedRequest.http_status == 400
    assert errors.InvalidOptions.http_status == 422
    assert errors.InputTooLargeError.http_status == 413
    assert errors.NoWorker.http_status == 503 and errors.NoWorker.code == "no_worker"
    assert errors.status_of(ValueError()) == 500
