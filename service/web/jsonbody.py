"""Strict JSON request bodies (issue 14 item 5): a body that is not JSON, nested deeper than
:data:`MAX_DEPTH`, or holding a lone surrogate (``"\\ud800"``: not encodable as UTF-8, so a job
made of it could never be stored or read back) is a 400 before anything is created."""
from __future__ import annotations

import json
import re
from typing import Any

from service.errors import MalformedRequest

MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_value(data: Any, where: str = "the body") -> Any:
    """``data`` unchanged; MalformedRequest for depth over MAX_DEPTH or a lone surrogate."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise MalformedRequest(f"{where}: JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, str):
            m = _SURROGATE.search(value)
            if m:
                raise MalformedRequest(
                    f"{where}: {path or 'value'} holds a lone surrogate (U+{ord(m.group()):04X} at character "
                    f"{m.start()}): not valid Unicode text; send UTF-8 text")
        elif isinstance(value, dict):
            for k, v in value.items():
                stack.append((k, depth + 1, f"{path}.{k}" if path else "a key"))
                stack.append((v, depth + 1, f"{path}.{k}" if path else str(k)))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                stack.append((v, depth + 1, f"{path}[{i}]"))
    return data


def loads(text: str, where: str = "the body") -> Any:
    """json.loads with the checks above; MalformedRequest (400) for anything it refuses."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise MalformedRequest(f"{where}: JSON nested too deeply") from None
    except ValueError as exc:
        raise MalformedRequest(f"{where} is not valid JSON: {exc}") from None
    return check_value(data, where)
