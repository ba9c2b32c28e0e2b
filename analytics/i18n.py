"""The interface's languages: English (the source text) and Simplified Chinese, through gettext.

Every string a user sees is written in English inside ``_()`` (or ``ngettext()`` for a
count, ``N_()`` for a module-level constant translated where it is shown) with named
``{placeholders}`` filled by ``.format()`` after translation, never an f-string inside
``_()``. The catalogue ``analytics/locale/zh/LC_MESSAGES/messages.po`` is managed with
babel (``pybabel extract`` / ``update``, see docs/i18n.md) and compiled in memory at the
first use of the language (babel's ``write_mo``), so no binary is committed.

The language is per thread of work: the dashboard sets it at the start of each script run
(from ``?lang=``, the sidebar switch or the browser's locale), the CLI from ``--lang`` or
``CREDIT_LANG``. ``use(lang)`` sets it; ``current()`` reads it ('en' by default).
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import os
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}  # code -> the language's own name
DEFAULT = "en"
BABEL_LOCALE = {"en": "en_US", "zh": "zh_Hans_CN"}  # number and date formats per language
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

_CURRENT: contextvars.ContextVar[str] = contextvars.ContextVar("credit_lang", default=DEFAULT)
_LOCK = threading.Lock()


class UnknownLanguage(ValueError):
    """A language code the interface does not speak."""


def normalize(code: str | None) -> str | None:
    """'zh', 'zh-CN', 'zh_Hans', 'ZH' -> 'zh'; 'en-GB' -> 'en'; anything else -> None."""
    if not code:
        return None
    base = str(code).strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def parse(code: str) -> str:
    """A language code from a user (CLI option, link): its language, or UnknownLanguage naming the choices."""
    lang = normalize(code)
    if lang is None:
        raise UnknownLanguage(f"unknown language {code!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def current() -> str:
    """The language of this thread of work ('en' or 'zh')."""
    return _CURRENT.get()


def use(lang: str) -> None:
    """Speak `lang` from now on in this thread of work (an unknown code falls back to English)."""
    _CURRENT.set(normalize(lang) or DEFAULT)


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Speak `lang` inside the block, then the language before it."""
    token = _CURRENT.set(normalize(lang) or DEFAULT)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def babel_locale() -> str:
    """The babel locale of the current language (number and date formats)."""
    return BABEL_LOCALE[current()]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang` (compiled in memory from its .po once per process)."""
    if lang == DEFAULT:
        return NullTranslations()
    path = po_path(lang)
    if not path.exists():
        return NullTranslations()
    with _LOCK, path.open("rb") as fh:
        catalog = read_po(fh, locale=BABEL_LOCALE[lang])
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _(message: str) -> str:
    """`message` (English source text) in the current language."""
    return _translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for count n, in the current language (Chinese has one form)."""
    return _translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, told apart from the same English in another `context`."""
    return _translations(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a module-level constant for extraction; translate it with _() where it is shown."""
    return message


def from_environment() -> str:
    """The CLI's language before --lang is read: CREDIT_LANG, else LANG / LC_ALL, else English."""
    for name in ("CREDIT_LANG", "LC_ALL", "LANG"):
        lang = normalize(os.environ.get(name))
        if lang is not None:
            return lang
    return DEFAULT
