"""Quote Board: real-time US and Hong Kong quotes and order-book depth on the desktop."""

from __future__ import annotations

__all__ = ["__version__"]

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("quoteboard")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
