#!/usr/bin/env bash
# Build the macOS disk image: dist/QuoteBoard-<version>.dmg holding "Quote Board.app".
#
#   installer/macos/build_dmg.sh            (on macOS 12+, with python3 3.11+ and the Xcode tools)
#
# Makes a clean venv in build/venv-macos (PyInstaller wants exactly one Qt binding), builds the
# .app with PyInstaller's BUNDLE step in installer/quoteboard.spec (Info.plist from
# installer/macos/Info.plist, icon installer/macos/quoteboard.icns), smoke-tests it headless, then
# wraps it with an /Applications link in a compressed dmg (hdiutil). The app is ad-hoc signed
# only (PyInstaller's default): Gatekeeper asks the user to confirm the first start until it is
# signed with a Developer ID and notarised. Not run on the project's Linux CI.
set -euo pipefail

if [ "$(uname -s)" != Darwin ]; then
  echo "build_dmg.sh runs on macOS only (it needs hdiutil and builds a macOS .app)." >&2
  exit 1
fi
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"

venv="build/venv-macos"
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet ".[build,postgres]"
"$venv/bin/pyinstaller" --noconfirm --clean --distpath dist --workpath build/pyinstaller \
  installer/quoteboard.spec

app="dist/Quote Board.app"
binary="$app/Contents/MacOS/quoteboard"
version="$("$binary" --version | awk '{print $NF}')"
QT_QPA_PLATFORM=offscreen "$binary" --smoke 5 | tail -n 1

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="dist/QuoteBoard-$version.dmg"
hdiutil create -volname "Quote Board $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
echo "built $dmg"
