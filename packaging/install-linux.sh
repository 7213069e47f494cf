#!/usr/bin/env bash
# Install (or remove) the standalone Bilateral Tracker on Linux. build.sh copies this script into
# the built folder as install.sh, next to share/ (launcher, AppStream metadata, icons).
#
#   ./install.sh                      for the current user: ~/.local (no root needed)
#   sudo ./install.sh --prefix /usr/local      for every user of the machine
#   ./install.sh --uninstall [--prefix DIR]
#
# Lays out PREFIX/lib/bilateral-tracker/ (the app), PREFIX/bin/bilateral-tracker and
# bilateral-tracker-cli (symlinks), PREFIX/share/applications/<id>.desktop,
# PREFIX/share/metainfo/<id>.metainfo.xml and PREFIX/share/icons/hicolor/*/apps/<id>.{png,svg}.
set -euo pipefail

APP_ID=org.bilateraltracker.BilateralTracker
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${HOME}/.local"
action=install

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
lib="$prefix/lib/bilateral-tracker"
share="$prefix/share"
icon_dirs=(16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512)

refresh_caches() {
  if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share/applications" 2>/dev/null || true
  fi
  if command -v gtk-update-icon-cache >/dev/null && [ -f "$share/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$share/icons/hicolor" 2>/dev/null || true
  fi
}

if [ "$action" = uninstall ]; then
  rm -rf "$lib"
  rm -f "$prefix/bin/bilateral-tracker" "$prefix/bin/bilateral-tracker-cli" \
        "$share/applications/$APP_ID.desktop" "$share/metainfo/$APP_ID.metainfo.xml" \
        "$share/icons/hicolor/scalable/apps/$APP_ID.svg"
  for d in "${icon_dirs[@]}"; do rm -f "$share/icons/hicolor/$d/apps/$APP_ID.png"; done
  refresh_caches
  echo "Removed Bilateral Tracker from $prefix (your databases and backups are untouched)"
  exit 0
fi

for f in bilateral-tracker bilateral-tracker-cli _internal "share/applications/$APP_ID.desktop"; do
  if [ ! -e "$here/$f" ]; then
    echo "$here does not look like a built Bilateral Tracker folder ($f is missing)" >&2
    exit 1
  fi
done
if [ "$here" = "$lib" ]; then
  echo "already installed in $lib" >&2
  exit 1
fi

# the app itself: replace any previous version in one step
rm -rf "$lib.new"
mkdir -p "$(dirname "$lib")"
cp -a "$here" "$lib.new"
rm -rf "$lib.new/share" "$lib.new/install.sh"
rm -rf "$lib"
mv "$lib.new" "$lib"

mkdir -p "$prefix/bin" "$share/applications" "$share/metainfo" "$share/icons/hicolor/scalable/apps"
ln -sfn "$lib/bilateral-tracker" "$prefix/bin/bilateral-tracker"
ln -sfn "$lib/bilateral-tracker-cli" "$prefix/bin/bilateral-tracker-cli"
# the launcher runs the installed executable by its full path: ~/.local/bin may not be on PATH
sed -e "s|^Exec=bilateral-tracker|Exec=$lib/bilateral-tracker|" \
    -e "s|^TryExec=bilateral-tracker|TryExec=$lib/bilateral-tracker|" \
    "$here/share/applications/$APP_ID.desktop" > "$share/applications/$APP_ID.desktop"
cp "$here/share/metainfo/$APP_ID.metainfo.xml" "$share/metainfo/"
cp "$here/share/icons/hicolor/scalable/apps/$APP_ID.svg" "$share/icons/hicolor/scalable/apps/"
for d in "${icon_dirs[@]}"; do
  mkdir -p "$share/icons/hicolor/$d/apps"
  cp "$here/share/icons/hicolor/$d/apps/$APP_ID.png" "$share/icons/hicolor/$d/apps/"
done
refresh_caches

echo "Installed Bilateral Tracker in $lib"
echo "  start it from the applications menu, or run $prefix/bin/bilateral-tracker"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "  ($prefix/bin is not on your PATH)" ;;
esac
