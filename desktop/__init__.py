"""Quote Board: real-time US and Hong Kong quotes and order-book depth on the desktop."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
"""The one place the version is written: pyproject.toml reads it from here when building."""
