#!/usr/bin/env bash
# meson suite 'browser': installs the dashboard's node packages from web/ui/package-lock.json into
# the build directory (npm ci; again only when the lock file changes), then runs test.mjs.
# usage: run.sh PROCINTROD FIXTURES_DIR BUILD_DIR SOURCE_ROOT
# PI_DOCS_SCREENSHOTS=1 also copies the healthy tree's screenshots to docs/screenshots/.
set -uo pipefail
daemon=$1 fixtures=$2 build=$3 src=$4
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "node and npm are needed (sudo bash .ci/deps): skipped"; exit 77
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "chromium is needed (sudo bash .ci/deps): skipped"; exit 77
fi
ui=$build/ui
mkdir -p "$ui"
cp "$src/web/ui/package.json" "$src/web/ui/package-lock.json" "$src/web/ui/build.mjs" "$ui/"
rm -rf "$ui/src" && cp -r "$src/web/ui/src" "$ui/src"
if ! cmp -s "$ui/package-lock.json" "$ui/node_modules/.procintro-lock" 2>/dev/null; then
	echo "npm ci in $ui"
	(cd "$ui" && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
	cp "$ui/package-lock.json" "$ui/node_modules/.procintro-lock"
fi
docs=()
[ -n "${PI_DOCS_SCREENSHOTS:-}" ] && docs=(--docs "$src/docs/screenshots")
exec node "$src/tests/browser/test.mjs" --daemon "$daemon" --fixtures "$fixtures" --ui "$ui" \
	--dist "$src/web/ui/dist" --out "$build/screenshots" "${docs[@]}"
