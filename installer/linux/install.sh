#!/usr/bin/env bash
# Install Quote Board for the current user only, without root.
#
#   installer/linux/install.sh [BUNDLE_DIR]      (default: dist/quoteboard, built by `make installer`)
#
# Puts the bundle in ~/.local/lib/quoteboard (not ~/.local/share/quoteboard: that is the app's data
# folder, with your watchlists), a `quoteboard` link in ~/.local/bin, the desktop entry in
# ~/.local/share/applications and the icons in ~/.local/share/icons/hicolor. XDG_DATA_HOME and
# XDG_BIN_HOME are honoured. Running it again upgrades in place; installer/linux/uninstall.sh
# removes it.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
bundle="$(realpath "${1:-$repo/dist/quoteboard}")"
resources="$bundle/_internal/resources"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
bin_home="${XDG_BIN_HOME:-$HOME/.local/bin}"
app_dir="$HOME/.local/lib/quoteboard"

if [ ! -x "$bundle/quoteboard" ] || [ ! -f "$resources/quoteboard.desktop" ]; then
  echo "No Quote Board bundle at $bundle. Build one with 'make installer', or pass its folder." >&2
  exit 1
fi
case "$app_dir" in
  *[\"\`\$\\]*) echo "Cannot write a desktop entry for the path $app_dir." >&2; exit 1 ;;
esac
version="$("$bundle/quoteboard" --version)"

# The bundle: copied beside the old one, then swapped in, so a failed copy leaves the old one.
mkdir -p "$(dirname "$app_dir")"
rm -rf "$app_dir.new"
cp -a "$bundle" "$app_dir.new"
rm -rf "$app_dir"
mv "$app_dir.new" "$app_dir"

mkdir -p "$bin_home"
ln -sfn "$app_dir/quoteboard" "$bin_home/quoteboard"

# The desktop entry runs the bundle by absolute path: the menu works even when ~/.local/bin is
# not on the session's PATH.
applications="$data_home/applications"
mkdir -p "$applications"
while IFS= read -r line; do
  case "$line" in
    Exec=*) printf 'Exec="%s"\n' "$app_dir/quoteboard" ;;
    TryExec=*) printf 'TryExec=%s\n' "$app_dir/quoteboard" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$resources/quoteboard.desktop" >"$applications/quoteboard.desktop"
chmod 644 "$applications/quoteboard.desktop"

icons="$data_home/icons/hicolor"
for png in "$resources"/icons/quoteboard-*.png; do
  size="$(basename "$png" .png)"
  size="${size#quoteboard-}"
  install -D -m 644 "$png" "$icons/${size}x${size}/apps/quoteboard.png"
done
install -D -m 644 "$resources/icons/quoteboard.svg" "$icons/scalable/apps/quoteboard.svg"

# Menus and icon caches pick the new files up sooner where these tools exist; harmless otherwise.
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t -f "$icons" || true
fi

echo "Installed $version in $app_dir."
echo "Start it from your applications menu (Office / Finance), or run: quoteboard"
case ":$PATH:" in
  *":$bin_home:"*) ;;
  *) echo "Note: $bin_home is not on your PATH; add it to run 'quoteboard' from a terminal." ;;
esac
