"""installer/quoteboard.spec, read without PyInstaller: what it includes, excludes and prunes.

The build itself runs in CI after `make check` (`make installer`); these checks are the fast half:
they fail when the spec loses a keyring backend, lets a heavy Qt module back in, prunes a plugin
the app needs, or when app code starts importing a Qt module the bundle leaves out.
"""

from __future__ import annotations

import ast
import plistlib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "quoteboard.spec"
TREE = ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def _assigned(name: str) -> ast.expr:
    for node in TREE.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return node.value
    raise AssertionError(f"{name} is not assigned in the spec")


def _calls(function: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(TREE)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == function
    ]


def _first_args(function: str) -> set[str]:
    return {
        call.args[0].value
        for call in _calls(function)
        if call.args and isinstance(call.args[0], ast.Constant)
    }


def _prune_namespace() -> dict[str, Any]:
    """Run only the spec's prune rules (UNUSED_QT_LIBS, PRUNE, _pruned) in a fresh namespace."""
    wanted = {"UNUSED_QT_LIBS", "PRUNE", "_pruned"}
    body = []
    for node in TREE.body:
        names = set()
        if isinstance(node, ast.Assign):
            names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.FunctionDef):
            names = {node.name}
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name):
            names = {"PRUNE"} if node.target.id == "_lib" else set()
        if names & wanted:
            body.append(node)
    namespace: dict[str, Any] = {"fnmatch": fnmatch}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace


def test_every_keyring_backend_and_the_secret_service_client_are_listed_explicitly() -> None:
    collected = _first_args("collect_submodules")
    assert {"keyring.backends", "secretstorage", "jeepney"} <= collected
    # keyring finds its backends through entry points: its metadata must travel with it
    assert {"keyring", "quoteboard"} <= _first_args("copy_metadata")


def test_pyqtgraph_and_its_template_modules_are_listed_explicitly() -> None:
    assert "pyqtgraph" in _first_args("collect_submodules")
    source = ast.unparse(_assigned("PYQTGRAPH_IMPORTS"))
    assert '"Template" in name' in source.replace("'", '"')


def test_heavy_qt_modules_and_plaintext_keyrings_are_excluded() -> None:
    unused = set(ast.literal_eval(_assigned("UNUSED_QT")))
    heavy = {"Qml", "Quick", "WebEngineCore", "WebEngineWidgets", "3DCore", "3DRender"}
    assert heavy | {"Pdf", "Multimedia", "Charts"} <= unused
    others = set(ast.literal_eval(_assigned("OTHER_EXCLUDES")))
    assert {"keyrings.alt", "PyQt5", "PyQt6", "PySide2", "IPython"} <= others


def test_no_app_module_imports_a_qt_module_the_bundle_leaves_out() -> None:
    unused = {f"Qt{name}" for name in ast.literal_eval(_assigned("UNUSED_QT"))}
    offenders = []
    for path in sorted((ROOT / "desktop").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for module in modules:
                parts = module.split(".")
                if parts[0] == "PySide6" and len(parts) > 1 and parts[1] in unused:
                    offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders, f"used by the app but excluded from the bundle: {offenders}"


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/qml/QtQuick/Controls/Button.qml",
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/Qt/lib/libQt6Qml.so.6",
        "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
        "libQt6Quick.so.6",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
        "PySide6\\Qt6Pdf.dll",
        "PySide6\\plugins\\platforms\\qminimal.dll",
        "PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick",
    ],
)
def test_pruning_drops_qml_translations_and_unused_libraries_and_plugins(dest: str) -> None:
    assert _prune_namespace()["_pruned"](dest)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt/lib/libQt6Svg.so.6",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "PySide6\\plugins\\platforms\\qwindows.dll",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
        "PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets",
        "resources/themes/board.qss",
        "resources/icons/quoteboard-16.png",
    ],
)
def test_pruning_keeps_what_the_app_runs_on(dest: str) -> None:
    assert not _prune_namespace()["_pruned"](dest)


def test_the_macos_info_plist_template_is_valid_and_gets_the_version_from_the_spec() -> None:
    with (ROOT / "installer" / "macos" / "Info.plist").open("rb") as handle:
        plist = plistlib.load(handle)
    assert plist["CFBundleName"] == "Quote Board"
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == "@VERSION@"
    assert plist["NSHighResolutionCapable"] is True
    assert "@VERSION@" in SPEC.read_text(encoding="utf-8")  # the spec fills the placeholder in
    bundle = _calls("BUNDLE")
    assert bundle and {k.arg for k in bundle[0].keywords} >= {"info_plist", "icon", "version"}


def test_the_bundle_is_one_folder_and_windowed() -> None:
    (exe,) = _calls("EXE")
    keywords = {k.arg: k.value for k in exe.keywords}
    assert isinstance(keywords["exclude_binaries"], ast.Constant)
    assert keywords["exclude_binaries"].value is True  # one folder: COLLECT gathers the rest
    assert isinstance(keywords["console"], ast.Constant) and keywords["console"].value is False
    assert len(_calls("COLLECT")) == 1
