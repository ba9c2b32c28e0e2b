"""The translation catalogue against the code: every text the code marks for translation has
a Chinese entry that is translated, not fuzzy, with the same placeholders and code spans."""

from __future__ import annotations

from analytics import i18n
from analytics.i18n_catalog import extract, fields, problems


def test_every_text_in_the_code_is_translated_into_chinese():
    template = extract()
    assert len(template) > 500  # the whole interface, not a handful of strings
    found = problems("zh", template)
    assert not found, f"{len(found)} problems, e.g.:\n" + "\n".join(found[:40])


def test_the_catalogue_is_compiled_and_used():
    with i18n.speaking("zh"):
        assert i18n._("Portfolio exposure") == "组合敞口"
        assert i18n.ngettext("{n} day", "{n} days", 3).format(n=3) == "3 天"
    with i18n.speaking("en"):
        assert i18n._("Portfolio exposure") == "Portfolio exposure"
        assert i18n.ngettext("{n} day", "{n} days", 1).format(n=1) == "1 day"
    assert i18n.current() == "en"


def test_language_codes_from_users():
    assert [i18n.normalize(c) for c in ("zh-CN", "zh_Hans", "ZH", "en-GB", "fr", "", None)] == [
        "zh", "zh", "zh", "en", None, None, None]
    try:
        i18n.parse("klingon")
    except i18n.UnknownLanguage as exc:
        assert "klingon" in str(exc) and "en, zh" in str(exc)
    else:
        raise AssertionError("an unknown language was accepted")


def test_placeholders_are_compared_by_name():
    assert fields("As of {date} in {currency}") == {"date", "currency"}
    assert fields("no fields") == set()
    assert fields("broken {") == {"<unbalanced braces>"}
