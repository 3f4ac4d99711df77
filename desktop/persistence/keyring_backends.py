"""Import keyring's OS backends by name, so a frozen build (PyInstaller) contains and registers them.

keyring finds its backends through package entry points, which frozen bundles often lose
(jaraco/keyring#324, #591): then only the `fail` backend is left and every call raises
`NoKeyringError`. A backend class registers itself when its module is imported, so importing the
modules here — literal `import` statements, which PyInstaller's analysis follows — is enough.
`credentials.py` imports this module before it asks keyring for a backend.
"""

from __future__ import annotations

import sys

import keyring.backends.chainer  # noqa: F401
import keyring.backends.fail  # noqa: F401
import keyring.backends.null  # noqa: F401

if sys.platform == "darwin":
    import keyring.backends.macOS  # noqa: F401
elif sys.platform == "win32":
    import keyring.backends.Windows  # noqa: F401
else:  # Linux and BSD: the freedesktop Secret Service (GNOME Keyring, KeePassXC, KWallet)
    import keyring.backends.SecretService  # noqa: F401

__all__ = ["BACKEND_MODULES", "platform_backend_modules"]

BACKEND_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
    "keyring.backends.chainer",
    "keyring.backends.fail",
    "keyring.backends.null",
)
"""Every module above; the PyInstaller spec lists them as hidden imports too."""


def platform_backend_modules(platform: str = sys.platform) -> tuple[str, ...]:
    """The backend modules this platform imports (the frozen-build smoke test checks them)."""
    if platform == "darwin":
        native = "keyring.backends.macOS"
    elif platform == "win32":
        native = "keyring.backends.Windows"
    else:
        native = "keyring.backends.SecretService"
    return (native, "keyring.backends.chainer", "keyring.backends.fail", "keyring.backends.null")
