"""polyline_path builds the same QPainterPath as pyqtgraph's arrayToQPath for the Trend column."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainterPath

from desktop.widgets.spark_path import polyline_path


def _elements(path: QPainterPath) -> list[tuple[int, float, float]]:
    out = []
    for i in range(path.elementCount()):
        e = path.elementAt(i)
        out.append((int(e.type.value), e.x, e.y))
    return out


def test_a_line_with_a_gap_matches_pyqtgraph() -> None:
    x = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    y = np.array([5.0, 7.5, 3.0, 9.0, 1.0])
    connect = np.array([1, 1, 0, 1, 0], dtype=np.int32)
    ours = polyline_path(x, y, connect)
    theirs = pg.arrayToQPath(x, y, connect=connect, finiteCheck=False)
    assert _elements(ours) == _elements(theirs)
    assert [kind for kind, _, _ in _elements(ours)] == [0, 1, 1, 0, 1]  # move, line, line, move…


def test_a_long_random_line_matches_pyqtgraph() -> None:
    rng = np.random.default_rng(7)
    x = np.arange(300, dtype=np.float64)
    y = rng.normal(size=300).cumsum()
    connect = (rng.random(300) > 0.05).astype(np.int32)
    assert _elements(polyline_path(x, y, connect)) == _elements(
        pg.arrayToQPath(x, y, connect=connect, finiteCheck=False)
    )


def test_no_points_give_an_empty_path() -> None:
    empty = np.array([], dtype=np.float64)
    assert polyline_path(empty, empty, np.array([], dtype=np.int32)).isEmpty()
