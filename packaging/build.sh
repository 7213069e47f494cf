#!/usr/bin/env bash
# Build the standalone one-folder app: dist/bilateral-tracker/ holding the GUI `bilateral-tracker`
# and the CLI `bilateral-tracker-cli` over one shared set of libraries (no Python needed to run).
#
#   packaging/build.sh [DISTDIR [WORKDIR]]     defaults: dist  build/pyinstaller
#
# Uses the project's virtualenv (.venv) if there is one, else `python3`; needs the `build` extra
# (pip install -e '.[build]'). The package must be installed (its metadata carries the version).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

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
end=$(date +%s)

app="$dist/bilateral-tracker"
for exe in bilateral-tracker bilateral-tracker-cli; do
  if [ ! -e "$app/$exe" ] && [ ! -e "$app/$exe.exe" ]; then
    echo "build incomplete: $app/$exe is missing" >&2
    exit 1
  fi
done
echo "Built $app in $((end - start)) s"
echo "Size: $(du -sh "$app" | cut -f1)"
