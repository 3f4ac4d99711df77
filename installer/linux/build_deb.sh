#!/usr/bin/env bash
# Build dist/quoteboard_<version>_<arch>.deb from the PyInstaller bundle (`make installer` runs it).
#
#   installer/linux/build_deb.sh [BUNDLE_DIR] [OUT_DIR]     (defaults: dist/quoteboard, dist)
#
# The package installs the bundle to /opt/quoteboard, the launcher /usr/bin/quoteboard (a symlink:
# the bootloader follows it back to /opt/quoteboard/_internal), the desktop entry in
# /usr/share/applications and the hicolor icons 16-512 px plus the scalable SVG. The desktop entry
# and the icons are taken from the bundle's own resources/, so they always match what was built.
# No maintainer scripts: dpkg's triggers (desktop-file-utils, hicolor-icon-theme) refresh the
# menu and icon caches.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
bundle="$(realpath "${1:-$repo/dist/quoteboard}")"
out="$(realpath "${2:-$repo/dist}")"
resources="$bundle/_internal/resources"

[ -x "$bundle/quoteboard" ] || { echo "no bundle at $bundle: run 'make installer'" >&2; exit 1; }
[ -f "$resources/quoteboard.desktop" ] || { echo "the bundle has no resources/quoteboard.desktop" >&2; exit 1; }

# The version is the one the bundle reports, so the package can never claim another.
version="$("$bundle/quoteboard" --version | awk '{print $NF}')"
arch="$(dpkg --print-architecture)"
# The newest glibc symbol any bundled binary needs is the oldest libc6 the package can run on.
glibc="$(find "$bundle" -type f \( -name '*.so*' -o -name quoteboard \) -print0 \
  | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sort -Vu | tail -n 1 | cut -d_ -f2 \
  || true)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/quoteboard_${version}_${arch}"
umask 022

mkdir -p "$root/opt" "$root/usr/bin" "$root/usr/share/applications" "$root/DEBIAN"
cp -a "$bundle" "$root/opt/quoteboard"
ln -s ../../opt/quoteboard/quoteboard "$root/usr/bin/quoteboard"
install -m 644 "$resources/quoteboard.desktop" "$root/usr/share/applications/quoteboard.desktop"
for png in "$resources"/icons/quoteboard-*.png; do
  size="$(basename "$png" .png)"
  size="${size#quoteboard-}"
  install -D -m 644 "$png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/quoteboard.png"
done
install -D -m 644 "$resources/icons/quoteboard.svg" "$root/usr/share/icons/hicolor/scalable/apps/quoteboard.svg"
chmod -R u+rwX,go+rX,go-w "$root"

installed_kb="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
cat > "$root/DEBIAN/control" <<EOF
Package: quoteboard
Version: ${version}
Architecture: ${arch}
Maintainer: Quote Board developers <quoteboard@users.noreply.github.com>
Installed-Size: ${installed_kb}
Depends: libc6${glibc:+ (>= $glibc)}, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libxkbcommon0, libxkbcommon-x11-0, libegl1, libgl1, libfontconfig1, libfreetype6, libdbus-1-3
Suggests: gnome-keyring
Section: misc
Priority: optional
Homepage: https://github.com/quoteboard/quoteboard
Description: real-time US and Hong Kong stock quotes
 Quote Board streams trades and order-book depth for US and Hong Kong stocks
 into a flashing, sortable watchlist. With no API token it runs against a
 built-in market simulator, so it works offline. The API token is kept in the
 desktop keyring (Secret Service), never in a file.
EOF

mkdir -p "$out"
deb="$out/quoteboard_${version}_${arch}.deb"
# xz -2: 57 MB in ~45 s here; the default -6 saves 5 MB for three times the time.
dpkg-deb --root-owner-group -Zxz -z2 --build "$root" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1); installed ${installed_kb} KiB)"
