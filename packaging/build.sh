#!/usr/bin/env bash
# Build the standalone one-folder app: dist/bilateral-tracker/ holding the GUI `bilateral-tracker`
# and the CLI `bilateral-tracker-cli` over one shared set of libraries (no Python needed to run).
#
#   packaging/build.sh [--no-archive] [DISTDIR [WORKDIR]]     defaults: dist  build/pyinstaller
#
# On Linux the folder also gets install.sh and share/ (launcher, AppStream metadata, icons), and
# is packed as DISTDIR/bilateral-tracker-<version>-linux-<arch>.tar.gz: the one file IT hands out.
# Uses the project's virtualenv (.venv) if there is one, else `python3` (or $PYTHON); needs the
# `build` extra (pip install -e '.[build]'). The package must be installed: its metadata carries
# the version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

archive=1
if [ "${1:-}" = "--no-archive" ]; then archive=0; shift; fi
dist="${1:-dist}"
work="${2:-build/pyinstaller}"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x .venv/bin/python ]; then python=.venv/bin/python
  elif [ -x .venv/Scripts/python.exe ]; then python=.venv/Scripts/python.exe
  else python=python3
  fi
fi

if ! "$python" -c "import PyInstaller" 2>/dev/null; then
  echo "PyInstaller is missing: $python -m pip install -e '.[build]'" >&2
  exit 2
fi
version="$("$python" -c 'import tracker; print(tracker.__version__)')"
case "$version" in
  *unknown*) echo "bilateral-tracker is not installed (no package metadata): pip install -e ." >&2
             exit 2 ;;
esac

echo "Building Bilateral Tracker $version into $dist/bilateral-tracker ..."
start=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$dist" --workpath "$work" packaging/bilateral-tracker.spec

app="$dist/bilateral-tracker"
for exe in bilateral-tracker bilateral-tracker-cli; do
  if [ ! -e "$app/$exe" ] && [ ! -e "$app/$exe.exe" ]; then
    echo "build incomplete: $app/$exe is missing" >&2
    exit 1
  fi
done

case "$(uname -s)" in
  Linux)
    id=org.bilateraltracker.BilateralTracker
    install -D -m 644 "packaging/$id.desktop" "$app/share/applications/$id.desktop"
    install -D -m 644 "packaging/$id.metainfo.xml" "$app/share/metainfo/$id.metainfo.xml"
    install -D -m 644 resources/icons/bilateral-tracker.svg \
      "$app/share/icons/hicolor/scalable/apps/$id.svg"
    for size in 16 24 32 48 64 128 256 512; do
      install -D -m 644 "resources/icons/bilateral-tracker-$size.png" \
        "$app/share/icons/hicolor/${size}x${size}/apps/$id.png"
    done
    install -m 755 packaging/install-linux.sh "$app/install.sh"
    end=$(date +%s)
    echo "Built $app in $((end - start)) s"
    echo "Size: $(du -sh "$app" | cut -f1)"
    if [ "$archive" = 1 ]; then
      tarball="$dist/bilateral-tracker-$version-linux-$(uname -m).tar.gz"
      tar -C "$dist" -czf "$tarball" bilateral-tracker
      echo "Archive: $tarball ($(du -sh "$tarball" | cut -f1))"
    fi
    ;;
  *)
    end=$(date +%s)
    echo "Built $app in $((end - start)) s"
    echo "Size: $(du -sh "$app" | cut -f1)"
    ;;
esac
