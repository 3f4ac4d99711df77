"""The Linux desktop entry and installer/linux/*.sh, run for real against a stand-in bundle.

The stand-in is a folder shaped like PyInstaller's output (an executable `quoteboard` that answers
`--version`, `_internal/resources` copied from the repo), so the per-user install, the uninstall,
the .deb build and the .deb check all run in a second, without building the real bundle (CI does
that after `make check`).
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from desktop.widgets.app_identity import DESKTOP_FILE_NAME, ICON_SIZES
from tests.conftest import need_system

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installer" / "linux"
ENTRY = ROOT / "resources" / "quoteboard.desktop"
FAKE_VERSION = "9.8.7"


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def _run(*args: str | Path, home: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [str(a) for a in args], env=env, capture_output=True, text=True, check=check, timeout=60
    )


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A folder shaped like dist/quoteboard whose launcher prints a version."""
    folder = tmp_path / "dist" / "quoteboard"
    shutil.copytree(ROOT / "resources", folder / "_internal" / "resources")
    launcher = folder / "quoteboard"
    launcher.write_text(f'#!/bin/sh\necho "Quote Board {FAKE_VERSION}"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return folder


def test_the_desktop_entry_launches_the_console_script_with_the_app_icon() -> None:
    entry = _entry(ENTRY)
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Quote Board"
    assert entry["Exec"] == entry["TryExec"] == "quoteboard"
    assert entry["Exec"] in scripts["scripts"]
    assert entry["Icon"] == "quoteboard"
    assert entry["Terminal"] == "false"
    assert "Finance" in entry["Categories"].split(";")
    # X11 matches windows to the entry by WM_CLASS, whose instance part is the binary's name;
    # Wayland by the app id, which app_identity sets from DESKTOP_FILE_NAME
    assert entry["StartupWMClass"] == ENTRY.stem == DESKTOP_FILE_NAME


def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    validator = shutil.which("desktop-file-validate")
    need_system(validator is not None, "desktop-file-validate (desktop-file-utils)")
    assert validator is not None
    result = subprocess.run([validator, str(ENTRY)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_the_scripts_are_valid_bash_and_pass_shellcheck() -> None:
    scripts = sorted(LINUX.glob("*.sh")) + [ROOT / "installer" / "macos" / "build_dmg.sh"]
    for script in scripts:
        assert os.access(script, os.X_OK), f"{script.name} is not executable"
        subprocess.run(["bash", "-n", str(script)], check=True)
    shellcheck = shutil.which("shellcheck")
    need_system(shellcheck is not None, "shellcheck")
    assert shellcheck is not None
    result = subprocess.run([shellcheck, *map(str, scripts)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_a_per_user_install_puts_launcher_entry_and_icons_under_local_without_root(
    bundle: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    result = _run(LINUX / "install.sh", bundle, home=home)
    assert f"Installed Quote Board {FAKE_VERSION}" in result.stdout

    app = home / ".local" / "lib" / "quoteboard" / "quoteboard"
    link = home / ".local" / "bin" / "quoteboard"
    assert link.is_symlink() and link.resolve() == app.resolve()
    assert _run(link, "--version", home=home).stdout.strip() == f"Quote Board {FAKE_VERSION}"

    installed = home / ".local" / "share" / "applications" / "quoteboard.desktop"
    entry = _entry(installed)
    assert entry["Exec"] == f'"{app}"'  # absolute: the menu works without ~/.local/bin on PATH
    assert entry["TryExec"] == str(app)
    assert entry["Icon"] == "quoteboard" and entry["Name"] == "Quote Board"
    validator = shutil.which("desktop-file-validate")
    if validator:
        subprocess.run([validator, str(installed)], check=True)

    hicolor = home / ".local" / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        assert (hicolor / f"{size}x{size}" / "apps" / "quoteboard.png").is_file()
    assert (hicolor / "scalable" / "apps" / "quoteboard.svg").is_file()


def test_uninstall_removes_the_install_but_keeps_the_users_data(
    bundle: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    _run(LINUX / "install.sh", bundle, home=home)
    data = home / ".local" / "share" / "quoteboard" / "quoteboard.db"  # the app's data folder
    data.parent.mkdir(parents=True)
    data.write_bytes(b"watchlists")

    result = _run(LINUX / "uninstall.sh", home=home)
    assert "Removed Quote Board" in result.stdout
    leftovers = [
        p.relative_to(home)
        for p in home.rglob("*")
        if p.is_file() and p.name.startswith("quoteboard") and p != data
    ]
    assert leftovers == []
    assert not (home / ".local" / "lib" / "quoteboard").exists()
    assert not (home / ".local" / "bin" / "quoteboard").is_symlink()
    assert data.read_bytes() == b"watchlists"
    assert "nothing removed" in _run(LINUX / "uninstall.sh", home=home).stdout


def test_uninstall_leaves_a_quoteboard_command_it_did_not_install(tmp_path: Path) -> None:
    home = tmp_path / "home"
    other = home / ".local" / "bin" / "quoteboard"
    other.parent.mkdir(parents=True)
    other.write_text("#!/bin/sh\n", encoding="utf-8")
    _run(LINUX / "uninstall.sh", home=home)
    assert other.is_file()


def test_install_refuses_a_folder_that_is_not_a_bundle(tmp_path: Path) -> None:
    result = _run(LINUX / "install.sh", tmp_path, home=tmp_path / "home", check=False)
    assert result.returncode != 0
    assert "No Quote Board bundle" in result.stderr
    assert not (tmp_path / "home" / ".local").exists()


def _build_deb(bundle: Path, out: Path) -> Path:
    need_system(shutil.which("dpkg-deb") is not None, "dpkg-deb")
    result = _run(LINUX / "build_deb.sh", bundle, out, home=out)
    assert "built" in result.stdout
    (deb,) = out.glob(f"quoteboard_{FAKE_VERSION}_*.deb")
    return deb


def test_the_deb_puts_launcher_entry_and_icons_where_the_entry_says(
    bundle: Path, tmp_path: Path
) -> None:
    deb = _build_deb(bundle, tmp_path / "out")
    need_system(shutil.which("desktop-file-validate") is not None, "desktop-file-validate")
    result = _run(LINUX / "check_deb.sh", deb, home=tmp_path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "launcher runs the bundle of version 9.8.7" in result.stdout

    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert "./usr/bin/quoteboard -> ../../opt/quoteboard/quoteboard" in listing
    assert "./opt/quoteboard/_internal/resources/themes/board.qss" in listing
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Version", "Depends"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Version: {FAKE_VERSION}" in fields and "libxcb-cursor0" in fields


def test_the_deb_check_fails_when_an_icon_size_is_missing(bundle: Path, tmp_path: Path) -> None:
    (bundle / "_internal" / "resources" / "icons" / "quoteboard-512.png").unlink()
    deb = _build_deb(bundle, tmp_path / "out")
    result = _run(LINUX / "check_deb.sh", deb, home=tmp_path, check=False)
    assert result.returncode != 0
    assert "FAIL: the bundle's icons span 16 to 512 px" in result.stderr
