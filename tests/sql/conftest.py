"""Shared handles for the sql tier: a read-only connection to the hand-made fixture warehouse."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

from analytics.data.warehouse import Warehouse


@pytest.fixture(scope="session")
def tiny_wh(tiny_warehouse) -> Iterator[Warehouse]:
    handle = Warehouse(tiny_warehouse)
    yield handle
    handle.close()


def sql(wh: Warehouse, text: str, **params: object) -> pl.DataFrame:
    """Test-only SQL against a warehouse (introspection and independent recomputations)."""
    return wh.con.sql(text, params=params or None).pl()
