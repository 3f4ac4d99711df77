#!/usr/bin/env bash
# Remove a per-user Quote Board installed by installer/linux/install.sh.
#
#   installer/linux/uninstall.sh
#
# Removes the bundle, the ~/.local/bin link, the desktop entry and the icons. Keeps your data
# (watchlists in ~/.local/share/quoteboard) and the API token in the keyring: the last lines say
# how to remove those too.
set -euo pipefail

data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
bin_home="${XDG_BIN_HOME:-$HOME/.local/bin}"
app_dir="$HOME/.local/lib/quoteboard"
icons="$data_home/icons/hicolor"

removed=0
remove() {  # remove PATH... that exist, counting them
  local path
  for path in "$@"; do
    if [ -e "$path" ] || [ -L "$path" ]; then
      rm -rf "$path"
      removed=$((removed + 1))
    fi
  done
}

# The link only if it is ours: another quoteboard in ~/.local/bin is left alone.
link="$bin_home/quoteboard"
if [ -L "$link" ] && [ "$(readlink "$link")" = "$app_dir/quoteboard" ]; then
  remove "$link"
fi
remove "$app_dir" "$app_dir.new" "$data_home/applications/quoteboard.desktop"
for icon in "$icons"/*/apps/quoteboard.png "$icons"/scalable/apps/quoteboard.svg; do
  remove "$icon"
done

if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$data_home/applications" ]; then
  update-desktop-database -q "$data_home/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$icons" ]; then
  gtk-update-icon-cache -q -t -f "$icons" || true
fi

if [ "$removed" -eq 0 ]; then
  echo "Quote Board was not installed for this user; nothing removed."
else
  echo "Removed Quote Board ($removed items)."
fi
echo "Kept your data in $data_home/quoteboard (delete that folder to remove it) and the API token"
echo "in the keyring (remove it with: keyring del quoteboard alltick-token, or your keyring app)."
