"""installer/make_icons.py and its committed outputs: the .ico and .icns hold the app's PNGs."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtGui import QImage

from desktop.widgets.app_identity import ICON_SIZES, icon_file
from desktop.widgets.resources import resource_path

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def make_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_icons", ROOT / "installer" / "make_icons.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ico_images(data: bytes) -> dict[int, bytes]:
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1), "not an icon file"
    images = {}
    for i in range(count):
        w, h, _, _, planes, bpp, size, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert w == h and planes == 1 and bpp == 32
        images[w or 256] = data[offset : offset + size]
    return images


def _icns_images(data: bytes) -> dict[bytes, bytes]:
    assert data[:4] == b"icns"
    assert struct.unpack_from(">I", data, 4)[0] == len(data), (
        "length header disagrees with the file"
    )
    images, offset = {}, 8
    while offset < len(data):
        kind = data[offset : offset + 4]
        (length,) = struct.unpack_from(">I", data, offset + 4)
        images[kind] = data[offset + 8 : offset + length]
        offset += length
    assert offset == len(data)
    return images


def _png_size(png: bytes) -> tuple[int, int]:
    image = QImage.fromData(png, "PNG")
    assert not image.isNull()
    return image.width(), image.height()


def test_the_windows_ico_holds_each_size_as_the_very_png_the_app_ships(
    make_icons: ModuleType,
) -> None:
    images = _ico_images((ROOT / "installer" / "windows" / "quoteboard.ico").read_bytes())
    assert sorted(images) == sorted(make_icons.ICO_SIZES)
    for size, png in images.items():
        assert png.startswith(PNG_MAGIC) and _png_size(png) == (size, size)
        if size in ICON_SIZES:  # same render run: a stale .ico or PNG set shows up here
            assert png == resource_path("icons", icon_file(size)).read_bytes()


def test_the_macos_icns_holds_every_apple_slot_at_its_size(make_icons: ModuleType) -> None:
    images = _icns_images((ROOT / "installer" / "macos" / "quoteboard.icns").read_bytes())
    assert list(images) == [kind for kind, _ in make_icons.ICNS_TYPES]
    for kind, size in make_icons.ICNS_TYPES:
        assert _png_size(images[kind]) == (size, size), kind.decode()
    assert images[b"ic09"] == resource_path("icons", icon_file(512)).read_bytes()


def test_the_container_writers_round_trip(make_icons: ModuleType) -> None:
    pngs = {16: PNG_MAGIC + b"a", 256: PNG_MAGIC + b"bb"}
    assert _ico_images(make_icons.ico_bytes(pngs)) == pngs
    every = {size: PNG_MAGIC + bytes([size % 251]) for _, size in make_icons.ICNS_TYPES}
    icns = _icns_images(make_icons.icns_bytes(every))
    assert icns[b"ic10"] == every[1024] and icns[b"icp4"] == every[16]


def test_the_svg_renders_to_an_opaque_mark_on_a_transparent_tile(make_icons: ModuleType) -> None:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(make_icons.SVG))
    assert renderer.isValid()
    image = QImage.fromData(make_icons.render_png(renderer, 64), "PNG")
    assert image.pixelColor(0, 0).alpha() == 0  # rounded corner
    assert image.pixelColor(32, 32).alpha() == 255  # the tile
