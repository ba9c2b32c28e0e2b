"""AppTest fixtures: the app on the generated warehouse or on the bare invoice list."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def app_on(warehouse, monkeypatch):
    """A maker of AppTests of the app on `warehouse`, with query parameters and widget state."""
    monkeypatch.setenv("CREDIT_WAREHOUSE", str(warehouse))

    def make(widgets: dict[str, object] | None = None, **params: str | list[str]) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=90)
        for key, value in params.items():
            at.query_params[key] = value
        for key, value in (widgets or {}).items():
            at.session_state[key] = value
        return at

    return make


@pytest.fixture()
def app(generated_warehouse, monkeypatch):
    return app_on(generated_warehouse, monkeypatch)


def shown(text: str) -> str:
    """What a reader sees of Markdown source that escapes text from the data (analytics.app.ui.plain)."""
    import re
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture()
def scored_app(scored_warehouse, monkeypatch):
    """The app on the three-year portfolio whose statistical model and challenger are trained."""
    return app_on(scored_warehouse, monkeypatch)


@pytest.fixture()
def bare_app(bare_warehouse, monkeypatch):
    monkeypatch.setenv("CREDIT_WAREHOUSE", str(bare_warehouse))

    def make(**params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=90)
        for key, value in params.items():
            at.query_params[key] = value
        return at

    return make
