"""Frozen builds find the OS keyring backends; no plaintext keyring can ever be picked."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

from desktop.persistence import keyring_backends
from tests.conftest import TIMEOUT_S

# keyring normally finds backends through entry points; a PyInstaller bundle may have none.
_WITHOUT_ENTRY_POINTS = """
import json, sys
import keyring.backend
keyring.backend.metadata.entry_points = lambda **kw: []   # what a frozen bundle looks like
{setup}
keyring.backend.get_all_keyring()
print(json.dumps(sorted(f"{{c.__module__}}.{{c.__name__}}" for c in keyring.backend.KeyringBackend._classes)))
"""


def _registered(setup: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_WITHOUT_ENTRY_POINTS.format(setup=setup))],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 6,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return list(json.loads(done.stdout))


def test_without_entry_points_the_os_backend_is_registered_only_through_this_module() -> None:
    native = keyring_backends.platform_backend_modules()[0]
    bare = _registered("")
    assert not any(name.startswith(native + ".") for name in bare)  # the frozen-build failure
    fixed = _registered("import desktop.persistence.keyring_backends")
    assert any(name.startswith(native + ".") for name in fixed)


def test_every_platform_imports_its_native_backend_and_the_spec_list_covers_them() -> None:
    for platform, native in (
        ("linux", "keyring.backends.SecretService"),
        ("darwin", "keyring.backends.macOS"),
        ("win32", "keyring.backends.Windows"),
    ):
        modules = keyring_backends.platform_backend_modules(platform)
        assert modules[0] == native
        assert set(modules) <= set(keyring_backends.BACKEND_MODULES)
    for module in keyring_backends.BACKEND_MODULES:
        assert importlib.util.find_spec(module) is not None, module


def test_keyrings_alt_is_not_installed() -> None:
    # With keyrings.alt present and no D-Bus, keyring silently stores plain text (reference §6).
    assert (
        importlib.util.find_spec("keyrings") is None
        or importlib.util.find_spec("keyrings.alt") is None
    )


def test_no_backend_keyring_would_pick_here_stores_plain_text() -> None:
    script = textwrap.dedent(
        """
        import json
        import keyring.backend, keyring.core
        from desktop.persistence import credentials
        chosen = keyring.core._detect_backend()
        everything = [chosen, *keyring.backend.get_all_keyring()]
        print(json.dumps([[credentials.backend_info(b).qualified, credentials.backend_info(b).problem or ""]
                          for b in everything]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT_S * 6
    )
    assert done.returncode == 0, done.stderr[-2000:]
    backends = json.loads(done.stdout)
    assert backends, "keyring found no backend at all"
    for qualified, problem in backends:
        assert not qualified.startswith("keyrings.alt"), qualified
        assert "plain file" not in problem, (qualified, problem)
