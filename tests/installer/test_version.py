"""The version is written once (desktop/__init__.py) and the installed package reports the same."""

from __future__ import annotations

from importlib.metadata import version

import desktop


def test_the_package_metadata_carries_the_version_the_app_shows() -> None:
    assert version("quoteboard") == desktop.__version__
