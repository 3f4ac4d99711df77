"""A `QPainterPath` from NumPy x/y arrays in one copy, without importing pyqtgraph at start-up.

Qt streams a path as big-endian records (`QDataStream >> QPainterPath`): the element count, then
per element its type (0 move-to, 1 line-to) and x, y as doubles, then the fill rule. Filling that
buffer with NumPy and streaming it in is what `pyqtgraph.arrayToQPath` does for a connect array;
the Trend column needs only that, and pyqtgraph costs ≈ 0.3 s to import before the first paint.
"""

from __future__ import annotations

import struct

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream
from PySide6.QtGui import QPainterPath

__all__ = ["polyline_path"]

_ELEMENT = np.dtype([("c", ">i4"), ("x", ">f8"), ("y", ">f8")])


def polyline_path(x: np.ndarray, y: np.ndarray, connect: np.ndarray) -> QPainterPath:
    """Points (x[i], y[i]) joined where `connect[i]` is 1 (point i to point i + 1), else a gap.

    The arrays must be finite and of equal length; an empty input gives an empty path.
    """
    n = int(x.shape[0])
    path = QPainterPath()
    if n == 0:
        return path
    buffer = bytearray(4 + n * _ELEMENT.itemsize + 8)
    struct.pack_into(">i", buffer, 0, n)
    elements = np.frombuffer(buffer, dtype=_ELEMENT, count=n, offset=4)
    elements["x"] = x
    elements["y"] = y
    elements["c"][0] = 0  # the first point has nothing before it to join
    elements["c"][1:] = connect[:-1]
    QDataStream(QByteArray(bytes(buffer))) >> path  # noqa: B015 - the stream operator fills `path`
    return path
