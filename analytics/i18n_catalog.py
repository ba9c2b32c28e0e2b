"""The translation catalogues, managed with babel: extract the English texts from the code,
update each language's .po with them, check that nothing is missing.

    python -m analytics.i18n_catalog extract   # analytics/locale/messages.pot from app.py, pages/, analytics/
    python -m analytics.i18n_catalog update    # merge the .pot into every language's .po (new texts untranslated)
    python -m analytics.i18n_catalog check     # exit 1 naming untranslated, fuzzy or mismatched entries

The same as ``pybabel extract -F analytics/locale/babel.cfg -o analytics/locale/messages.pot .``
and ``pybabel update -i analytics/locale/messages.pot -d analytics/locale``; the catalogues are
compiled in memory when the app or the CLI first speaks the language (analytics.i18n).
"""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from analytics.i18n import BABEL_LOCALE, DEFAULT, LANGUAGES, LOCALE_DIR, po_path

ROOT = Path(__file__).resolve().parent.parent
POT = LOCALE_DIR / "messages.pot"
SOURCES = ("app.py", "pages", "analytics")  # what is scanned; tests, bench and docs are not
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
METHOD_MAP = [("**.py", "python")]


def _included(path: str) -> bool:
    first = Path(path).parts[0] if Path(path).parts else path
    return first in SOURCES and "__pycache__" not in path and "locale" not in Path(path).parts


def extract() -> Catalog:
    """Every translatable text in app.py, pages/ and analytics/ (a fresh template catalogue)."""
    catalog = Catalog(project="credit-portfolio-dashboard", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), METHOD_MAP, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            callback=None, strip_comment_tags=True,
            directory_filter=lambda d: _included(str(Path(d).relative_to(ROOT))) or Path(d) == ROOT):
        if not _included(filename):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def write_template() -> Catalog:
    template = extract()
    POT.parent.mkdir(parents=True, exist_ok=True)
    with POT.open("wb") as fh:
        write_po(fh, template, width=100, sort_output=True, include_lineno=False)
    return template


def update(template: Catalog | None = None) -> None:
    """Merge the template into every language's .po: new texts untranslated, gone texts dropped."""
    template = template or write_template()
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=BABEL_LOCALE[lang])
        else:
            catalog = Catalog(locale=BABEL_LOCALE[lang], project="credit-portfolio-dashboard", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, include_lineno=False)


def fields(text: str) -> set[str]:
    """The {placeholders} of a text (format fields), e.g. {'date', 'n'}."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


MARKUP = re.compile(r"`[^`]*`|:material/[a-z_]+:")


def problems(lang: str, template: Catalog | None = None) -> list[str]:
    """What is wrong with `lang`'s catalogue against the code: texts missing or untranslated,
    fuzzy entries, placeholders or code spans that differ from the English."""
    template = template or extract()
    path = po_path(lang)
    if not path.exists():
        return [f"{path} is missing"]
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=BABEL_LOCALE[lang])
    found: list[str] = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
        if entry is None:
            found.append(f"missing: {message.id!r} ({where})")
            continue
        if entry.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            found.append(f"untranslated: {message.id!r} ({where})")
            continue
        for text in strings:
            if fields(text) != fields(ids[-1]) and fields(text) != fields(ids[0]):
                found.append(f"placeholders differ: {message.id!r} -> {text!r}")
            if sorted(MARKUP.findall(text)) != sorted(MARKUP.findall(ids[0])):
                found.append(f"code or icon differs: {message.id!r} -> {text!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "check"
    if command == "extract":
        print(f"{len(write_template())} texts -> {POT.relative_to(ROOT)}")
        return 0
    if command == "update":
        update()
        print("updated: " + ", ".join(str(po_path(lang).relative_to(ROOT)) for lang in LANGUAGES if lang != DEFAULT))
        return 0
    if command == "check":
        template = extract()
        bad = [f"{lang}: {p}" for lang in LANGUAGES if lang != DEFAULT for p in problems(lang, template)]
        for line in bad:
            print(line)
        print(f"{len(template)} texts; {len(bad)} problems")
        return 1 if bad else 0
    print(f"unknown command {command!r}: extract, update or check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
