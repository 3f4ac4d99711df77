#!/usr/bin/env bash
# Run the PyInstaller bundle the two ways CI can: headless (`--smoke` on the offscreen platform)
# and as a real X11 window under Xvfb, which proves the xcb plugin loads with the bundled
# libraries and that the window carries the app identity a desktop needs (WM_CLASS matching the
# desktop entry's StartupWMClass, the title, the icon read from the bundle's resources/).
#
#   installer/linux/check_bundle.sh [BUNDLE_DIR]      (default: dist/quoteboard)
#
# Needs Xvfb, xdotool and xprop (.ci/run installs them). SHOT=path.png also saves a screenshot.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
bundle="$(realpath "${1:-$repo/dist/quoteboard}")"
app="$bundle/quoteboard"
[ -x "$app" ] || { echo "no bundle at $bundle: run 'make installer'" >&2; exit 1; }

work="$(mktemp -d)"
xvfb_pid=""
sim_pid=""
real_pid=""
cleanup() {
  local pid
  for pid in "$real_pid" "$sim_pid" "$xvfb_pid"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The smoke summary is the last stdout line: JSON, with prices on every row and no errors.
check_summary() {
  python3 - "$1" <<'EOF'
import json, sys
last = open(sys.argv[1], encoding="utf-8").read().strip().splitlines()[-1]
print(f"  {last}")
report = json.loads(last)
assert report["ticks"] > 0 and report["rows_with_price"] == report["rows"], report
assert report["errors"] == 0, report
print(f"  {report['ticks']} ticks, {report['rows_with_price']}/{report['rows']} rows priced, "
      f"version {report['version']}")
EOF
}

# What a frozen app cannot find by itself: keyring backends (found through entry points, so the
# dist-info must be there too), the Secret Service client, pyqtgraph's templates; and the
# PostgreSQL sink's libpq binding. --smoke needs none of them, so they are checked in the bundle.
echo "-- bundled modules"
viewer="${PYI_ARCHIVE_VIEWER:-$repo/.venv/bin/pyi-archive_viewer}"
modules="$("$viewer" --recursive --brief "$app" 2>/dev/null | tr -d ' ')"
for module in keyring.backends.SecretService keyring.backends.Windows keyring.backends.macOS \
  keyring.backends.kwallet keyring.backends.libsecret keyring.backends.chainer \
  secretstorage.collection jeepney.io.blocking \
  pyqtgraph.graphicsItems.ViewBox.axisCtrlTemplate_generic \
  pyqtgraph.graphicsItems.PlotItem.plotConfigTemplate_generic; do
  grep -qxF "$module" <<<"$modules" || { echo "$module is not in the bundle" >&2; exit 1; }
done
compgen -G "$bundle/_internal/keyring-*.dist-info/entry_points.txt" >/dev/null \
  || { echo "keyring's entry points are not in the bundle" >&2; exit 1; }
compgen -G "$bundle/_internal/psycopg_binary/pq.*.so" >/dev/null \
  || { echo "psycopg's compiled libpq binding is not in the bundle (the PostgreSQL sink)" >&2; exit 1; }
echo "  keyring backends + entry points, secretstorage, jeepney, pyqtgraph templates, psycopg: present"

echo "-- offscreen: $app --smoke 5"
QT_QPA_PLATFORM=offscreen "$app" --smoke 5 >"$work/offscreen.out" 2>"$work/offscreen.err" \
  || { cat "$work/offscreen.err" >&2; echo "the offscreen smoke run exited non-zero" >&2; exit 1; }
check_summary "$work/offscreen.out"

echo "-- X11 (Xvfb): the window and its identity"
Xvfb -displayfd 3 -screen 0 1400x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { cat "$work/xvfb.log" >&2; echo "Xvfb did not start" >&2; exit 1; }
DISPLAY=":$(cat "$work/display")"
export DISPLAY

QT_QPA_PLATFORM=xcb "$app" --smoke 8 >"$work/x11.out" 2>"$work/x11.err" &
app_pid=$!
window="$(timeout 30 xdotool search --sync --onlyvisible --classname quoteboard | head -n 1)" || true
if [ -z "$window" ]; then
  cat "$work/x11.err" >&2
  echo "no visible quoteboard window appeared on $DISPLAY" >&2
  exit 1
fi
# The title says "— DEMO DATA" once the feed reports demo mode (moments after the first paint).
for _ in $(seq 50); do
  props="$(xprop -id "$window" WM_CLASS _NET_WM_NAME _KDE_NET_WM_DESKTOP_FILE)"
  grep -qF "DEMO DATA" <<<"$props" && break
  sleep 0.1
done
icons="$(xprop -id "$window" -notype _NET_WM_ICON | grep -o 'Icon ([0-9]* x [0-9]*)' | tr '\n' ' ' || true)"
if [ -n "${SHOT:-}" ]; then
  import -window root "$SHOT" && echo "  screenshot: $SHOT"
fi
wait "$app_pid" || { cat "$work/x11.err" >&2; echo "the X11 run exited non-zero" >&2; exit 1; }
check_summary "$work/x11.out"

while IFS= read -r line; do echo "  $line"; done <<<"$props"
echo "  _NET_WM_ICON: $icons"
need() {  # need MESSAGE PATTERN TEXT: stop with MESSAGE unless TEXT contains PATTERN
  grep -qF "$2" <<<"$3" || { echo "$1" >&2; exit 1; }
}
need "WM_CLASS does not match StartupWMClass=quoteboard" \
  'WM_CLASS(STRING) = "quoteboard", "Quote Board"' "$props"
# Demo mode marks the title as well as the status bar, so demo prices never pass for live.
need "the window title is not \"Quote Board — DEMO DATA\"" \
  '_NET_WM_NAME(UTF8_STRING) = "Quote Board — DEMO DATA"' "$props"
need "the window does not name quoteboard.desktop" \
  '_KDE_NET_WM_DESKTOP_FILE(UTF8_STRING) = "quoteboard"' "$props"
for size in 16 48; do
  need "the window has no ${size}px icon (resources/icons missing from the bundle?)" \
    "Icon ($size x $size)" "$icons"
done
# Provider mode reaches what demo mode never loads: market hours (exchange_calendars, pandas,
# NumPy's compiled libraries) in a worker thread after the first paint.
echo "-- X11, provider mode against quoteboard-sim: market hours load in the bundle"
sim="${QUOTEBOARD_SIM:-$repo/.venv/bin/quoteboard-sim}"
"$sim" --port 0 --token bundlecheck=professional >"$work/sim.out" 2>&1 &
sim_pid=$!
url=""
for _ in $(seq 100); do
  url="$(sed -n 's/.*WebSocket: \(ws:[^?]*\).*/\1/p' "$work/sim.out")"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/sim.out" >&2; echo "quoteboard-sim did not start" >&2; exit 1; }
QUOTEBOARD_TOKEN=bundlecheck QT_QPA_PLATFORM=xcb "$app" --feed-url "$url" --plan professional \
  --log-level INFO >"$work/real.out" 2>"$work/real.err" &
real_pid=$!
for _ in $(seq 300); do
  grep -q "market hours loaded" "$work/real.err" && break
  kill -0 "$real_pid" 2>/dev/null || break
  sleep 0.1
done
kill "$real_pid" 2>/dev/null || true
if ! grep -q "market hours loaded" "$work/real.err" || grep -qE "WARNING|ERROR|Traceback" "$work/real.err"; then
  cat "$work/real.err" >&2
  echo "provider mode failed in the bundle (see the log above)" >&2
  exit 1
fi
grep -o "market hours loaded.*" "$work/real.err" | sed 's/^/  /'
echo "bundle checks passed"
