"""A LanguageTool-compatible HTTP API: ``POST /v2/check`` and ``GET /v2/languages``, so that
LanguageTool's clients (LTeX, the browser add-ons' "local server", LibreOffice's remote server,
language-tool-python's ``remote_server``) can use mtclean as their server.

``/v2/check`` takes LanguageTool's form fields (``text`` or ``data``, ``language``,
``motherTongue``, ``enabledRules``, ``disabledRules``, ``enabledCategories``,
``disabledCategories``, ``enabledOnly``, ``level``; as a form body or a query string) and answers
in LanguageTool's JSON shape (:mod:`service.reporting.ltmatches`): mtclean's findings (rule packs,
names, punctuation, debris) and its grammar pass's LanguageTool matches, merged and de-duplicated.

* ``language``: ``en`` or an English variant (``en-GB``...) is checked by mtclean; any other
  language is passed on to the LanguageTool server mtclean uses, when there is one (else 400);
  ``auto`` is English unless most words are not common English words (then passed on).
* ``motherTongue``: the source language of the machine translation (``vi``, ``zh``...): only
  that language's rule packs run (without it, every pack runs).
* ``disabledRules`` / ``disabledCategories`` drop findings; with ``enabledOnly=true`` only the
  ``enabledRules`` / ``enabledCategories`` are kept.  Rule ids are mtclean's
  (``vi.functional-forces``; a prefix such as ``vi.`` works too) or LanguageTool's; category ids
  are the ones the matches carry (``MTCLEAN_IDIOM``, ``GRAMMAR``, ``TYPOS``) or mtclean's
  category and pack names (``idiom``, ``vi-idioms``).
* ``level``: accepted (``default`` or ``picky``); mtclean reports the same findings at both.
* With ``MTCLEAN_API_KEYS`` set, the key is sent as ``apiKey`` (a form field, as LanguageTool's
  clients do) or as ``Authorization: Bearer KEY``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from service import settings
from service.errors import InputTooLargeError, MalformedRequest, ServiceUnavailable, Unauthorized
from service.reporting.ltmatches import Annotated, to_matches

bp = Blueprint("ltcompat", __name__, url_prefix="/v2")
ENGLISH = {"en-US": "English (US)", "en-GB": "English (GB)", "en-AU": "English (Australian)",
           "en-CA": "English (Canadian)", "en-NZ": "English (New Zealand)", "en-ZA": "English (South African)"}
SOFTWARE_VERSION = "6.8"
_CATEGORY_ALIASES = {"typos": "spelling", "grammar": "grammar", "style": "style", "punctuation": "punctuation"}


def _param(name: str) -> str | None:
    v = request.values.get(name)
    return v if v not in (None, "") else None


def _list(name: str) -> list[str]:
    return [s.strip() for s in (_param(name) or "").split(",") if s.strip()]


def _category_code(cat: str) -> str:
    c = cat.strip().casefold()
    c = c.removeprefix("mtclean_").removeprefix("mtclean-")
    return _CATEGORY_ALIASES.get(c, c)


@bp.before_request
def _authenticate() -> None:
    keys = settings.api_keys(current_app.config.get("API_KEYS"))
    if not keys:
        return
    auth = request.headers.get("Authorization", "")
    key = auth[7:].strip() if auth.lower().startswith("bearer ") else request.values.get("apiKey")
    if key not in keys:
        raise Unauthorized("a valid API key is needed: set your LanguageTool client's API key (apiKey) "
                           "or send 'Authorization: Bearer KEY'")


def _software() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("mtclean")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        mine = "dev"
    return {"name": "mtclean", "version": SOFTWARE_VERSION, "buildDate": "", "apiVersion": 1, "premium": False,
            "premiumHint": "", "status": "", "mtcleanVersion": mine}


def looks_english(text: str, sample: int = 120) -> bool:
    """True when most words of ``text`` (its first ``sample`` words) are more frequent in English
    than in the languages LanguageTool's other modules check (wordfreq): ``language=auto`` text
    that is not English is passed on to LanguageTool."""
    import regex
    from wordfreq import zipf_frequency

    words = [w.lower() for w in regex.findall(r"\p{L}+", text)[:sample]]
    if len(words) < 8:  # too short to tell (names weigh too much): English, mtclean's own language
        return True
    english = 0
    for w in words:
        en = zipf_frequency(w, "en")
        if en > 0 and en >= max(zipf_frequency(w, lang) for lang in _OTHERS) - 0.3:
            english += 1
    return english / len(words) >= 0.5


_OTHERS = ("de", "fr", "es", "pt", "it", "nl", "ca", "pl", "ru", "uk")


def _variant(language: str, text: str) -> str | None:
    """The English variant to check in, or None when the language is not English."""
    lang = language.strip()
    if lang.casefold() == "auto" and not looks_english(text) and _lt_url() is not None:
        return None
    if lang.casefold() in ("auto", "en"):
        from service.passes.grammar.variant import language_for

        return language_for(text, None) if text.strip() else "en-US"
    for code in ENGLISH:
        if code.casefold() == lang.casefold():
            return code
    return None


def _lt_url() -> str | None:
    from service.worker.tasks import grammar_setup

    grammar, _why = grammar_setup(current_app.config)
    return getattr(grammar, "url", None) if grammar is not None else None


def _pass_on(path: str) -> Response:
    """Send the request on to the LanguageTool server mtclean uses (another language)."""
    import httpx

    url = _lt_url()
    if url is None:
        raise MalformedRequest(f"mtclean checks English only and no LanguageTool server is configured to pass "
                               f"language {request.values.get('language')!r} on to; use en, en-US, en-GB... or auto")
    try:
        r = httpx.post(f"{url}/v2/{path}", data=request.values.to_dict(), timeout=60.0)
    except httpx.HTTPError as exc:
        raise ServiceUnavailable(f"LanguageTool at {url} did not answer: {type(exc).__name__}; retry later") from None
    return Response(r.content, status=r.status_code, mimetype=r.headers.get("content-type", "application/json"))


def _options(variant: str) -> dict[str, Any]:
    """mtclean's options for this request (source language from motherTongue; rule selection)."""
    opts: dict[str, Any] = {"apply": "auto", "variant": variant}
    mother = (_param("motherTongue") or "").split("-")[0].casefold()
    if mother and mother != "en" and mother.isalpha() and 2 <= len(mother) <= 3:
        opts["source_lang"] = [mother]
    ignore = _list("disabledRules") + [_category_code(c) for c in _list("disabledCategories")]
    if (_param("enabledOnly") or "").casefold() == "true":
        select = _list("enabledRules") + [_category_code(c) for c in _list("enabledCategories")]
        if not select:
            raise MalformedRequest("enabledOnly=true needs enabledRules or enabledCategories")
        opts["select"] = select
    if ignore:
        opts["ignore"] = ignore
    return opts


@bp.route("/check", methods=["POST", "GET"])
def check() -> Response:
    """Check a text the way LanguageTool's ``/v2/check`` does."""
    text, data = request.values.get("text"), request.values.get("data")
    if text is None and data is None:
        raise MalformedRequest("missing 'text' or 'data' parameter")
    language = _param("language")
    if language is None:
        raise MalformedRequest("missing 'language' parameter (auto, en-US, en-GB...)")
    if (_param("level") or "default") not in ("default", "picky"):
        raise MalformedRequest("'level' is default or picky")
    doc = Annotated.of_text(text) if text is not None else Annotated.of_data(data or "")
    limit = int(current_app.config["CHECK_MAX_BYTES"])
    size = len(doc.plain.encode("utf-8"))
    if size > limit:
        raise InputTooLargeError(f"{size:,} bytes is over the limit of {limit:,} for /v2/check; split the text")
    variant = _variant(language, doc.plain)
    if variant is None:
        return _pass_on("check")
    matches: list[dict[str, Any]] = []
    incomplete = False
    if doc.plain.strip():
        from service.worker.tasks import cleaner_for

        options = _options(variant)
        cleaner, _why = cleaner_for(options)
        result = cleaner.clean(doc.plain, "auto")
        descriptions = {r.id: r.message.split(";")[0][:120] for r in cleaner.rules}
        matches = to_matches(doc, result.edits, descriptions)
        incomplete = any(st.status == "unavailable" for st in result.passes.values())
    name = ENGLISH[variant]
    return jsonify({
        "software": _software(), "warnings": {"incompleteResults": incomplete},
        "language": {"name": name, "code": variant,
                     "detectedLanguage": {"name": name, "code": variant, "confidence": 1.0, "source": "mtclean"}},
        "matches": matches,
    })


@bp.get("/languages")
def languages() -> Response:
    """The languages: English variants (mtclean) plus, when a LanguageTool server is
    configured, the others it checks (passed on to it)."""
    out = [{"name": "English", "code": "en", "longCode": "en"}]
    out += [{"name": n, "code": "en", "longCode": c} for c, n in ENGLISH.items()]
    url = _lt_url()
    if url is not None:
        import httpx

        try:
            theirs = httpx.get(f"{url}/v2/languages", timeout=5.0).json()
            out += [x for x in theirs if isinstance(x, dict) and x.get("code") != "en"]
        except (httpx.HTTPError, ValueError):
            pass
    return jsonify(out)


@bp.after_request
def _cors(resp: Response) -> Response:
    """Any origin may call it, as LanguageTool's own server allows (no cookies, nothing changes)."""
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def init_app(app: Flask) -> None:
    """Register the blueprint (LanguageTool's clients send no CSRF token: none is needed)."""
    app.register_blueprint(bp)
