#!/usr/bin/env bash
# Check a built .deb the way a desktop would use it: unpack it into a temporary root and verify
# that the desktop entry is valid, that its Exec/TryExec launcher and its Icon are where the
# entry says (hicolor 16-512 px and scalable), and that the launcher runs the bundle.
#
#   installer/linux/check_deb.sh [dist/quoteboard_<version>_<arch>.deb]
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
deb="${1:-$(find "$repo/dist" -maxdepth 1 -name 'quoteboard_*.deb' 2>/dev/null | sort | tail -n 1)}"
[ -f "$deb" ] || { echo "no .deb given or found in dist/: run 'make installer'" >&2; exit 1; }

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }
check() {  # check WHAT COMMAND...: run COMMAND, report WHAT as passed or failed
  local what="$1"
  shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}

field() { dpkg-deb --field "$deb" "$1"; }
check "package name is quoteboard" test "$(field Package)" = quoteboard
version="$(field Version)"
for dep in libxcb-cursor0 libxkbcommon-x11-0 libegl1 libfontconfig1; do
  check "depends on $dep" grep -qw "$dep" <<<"$(field Depends)"
done

dpkg-deb -x "$deb" "$root"

entry="$root/usr/share/applications/quoteboard.desktop"
if [ -f "$entry" ]; then
  ok "desktop entry in /usr/share/applications"
  check "desktop-file-validate" desktop-file-validate "$entry"
else
  fail "no /usr/share/applications/quoteboard.desktop"
  entry=/dev/null
fi
key() { sed -n "s/^$1=//p" "$entry" | head -n 1; }

# Exec and TryExec: a bare name is looked up in /usr/bin (the package's only PATH entry).
resolve_in_root() {  # path inside the package -> real path on disk, following symlinks in the root
  local path="$1" hops=0 target
  while [ -L "$root$path" ] && [ $hops -lt 10 ]; do
    target="$(readlink "$root$path")"
    case "$target" in
      /*) path="$target" ;;
      *) path="$(cd "$(dirname "$root$path")" && cd "$(dirname "$target")" && pwd)/$(basename "$target")"
         path="${path#"$root"}" ;;
    esac
    hops=$((hops + 1))
  done
  echo "$root$path"
}
launcher=""
for name in Exec TryExec; do
  command="$(key "$name" | awk '{print $1}')"
  [ -n "$command" ] || { fail "the entry has no $name"; continue; }
  case "$command" in /*) path="$command" ;; *) path="/usr/bin/$command" ;; esac
  real="$(resolve_in_root "$path")"
  if [ -x "$real" ] && [ -f "$real" ]; then
    ok "$name=$command -> ${real#"$root"}"
    launcher="$root$path"
  else
    fail "$name=$command: $path is not an executable in the package"
  fi
done
check "bundle in /opt/quoteboard" test -x "$root/opt/quoteboard/quoteboard" -a -d "$root/opt/quoteboard/_internal"

# Icon: every hicolor size at its real size, plus the scalable SVG.
icon="$(key Icon)"
[ -n "$icon" ] || fail "the entry has no Icon"
# The sizes are the ones the bundle ships in resources/icons, and must span 16 to 512 px.
sizes="$(find "$root/opt/quoteboard/_internal/resources/icons" -name 'quoteboard-*.png' 2>/dev/null \
  | sed -n 's/.*quoteboard-\([0-9]*\)\.png$/\1/p' | sort -n | paste -sd ' ')"
check "the bundle's icons span 16 to 512 px ($sizes)" \
  test "$(echo "$sizes" | awk '{print $1 "-" $NF}')" = "16-512"
for size in $sizes; do
  png="$root/usr/share/icons/hicolor/${size}x${size}/apps/$icon.png"
  if [ ! -f "$png" ]; then
    fail "no ${size}x${size}/apps/$icon.png"
    continue
  fi
  read -r width height < <(od -An -tu1 -j16 -N8 "$png" \
    | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
  check "icon ${size}x${size} (the PNG is ${width}x${height})" test "$width" = "$size" -a "$height" = "$size"
done
check "icon scalable/apps/$icon.svg" grep -q "<svg" "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg"

# The launcher, run from the unpacked tree, is the bundle of this very version.
if [ -n "$launcher" ]; then
  reported="$("$launcher" --version 2>&1 || true)"
  check "launcher runs the bundle of version $version (it said '$reported')" \
    test "$reported" = "Quote Board $version"
fi

if [ $failures -gt 0 ]; then
  echo "$failures check(s) failed for $(basename "$deb")" >&2
  exit 1
fi
echo "all checks passed for $(basename "$deb")"
