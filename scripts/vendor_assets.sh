#!/usr/bin/env bash
# Re-vendor the web UI's third-party assets from the npm registry (build time only; nothing is
# fetched at run time). Prints name, version, sha256 and licence for static/vendor/VENDORED.md.
set -euo pipefail
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
CHARTJS_VERSION="${CHARTJS_VERSION:-4.6.2}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/src/minbar/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"
cd "$work"
npm pack --silent "htmx.org@${HTMX_VERSION}" "chart.js@${CHARTJS_VERSION}" >/dev/null
mkdir htmx chartjs
tar -xzf "htmx.org-${HTMX_VERSION}.tgz" -C htmx
tar -xzf "chart.js-${CHARTJS_VERSION}.tgz" -C chartjs
cp htmx/package/dist/htmx.min.js "$dest/htmx.min.js"
cp htmx/package/LICENSE "$dest/htmx.LICENSE"
cp chartjs/package/dist/chart.umd.min.js "$dest/chart.umd.min.js" 2>/dev/null \
  || cp chartjs/package/dist/chart.umd.js "$dest/chart.umd.min.js"
cp chartjs/package/LICENSE.md "$dest/chart.js.LICENSE.md"
cd "$dest"
for f in htmx.min.js chart.umd.min.js; do
  printf '%s  %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$f"
done
echo "htmx.org ${HTMX_VERSION} ($(node -p "require('$work/htmx/package/package.json').license"))"
echo "chart.js ${CHARTJS_VERSION} ($(node -p "require('$work/chartjs/package/package.json').license"))"
