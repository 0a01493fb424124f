#!/usr/bin/env bash
# Rebuild Consult's vendored front-end files from the npm registry.
#
# Installs the exact versions pinned in static/vendor/package.json (and checked
# against package-lock.json's hashes) into a temporary directory, never into
# the repository, then:
#   - compiles static/css/consult.scss (GOV.UK Frontend in council branding)
#     into static/css/consult.css with dart-sass;
#   - copies GOV.UK Frontend's ES module, socket.io-client's ES module build,
#     Chart.js's self-contained UMD build and their licences into static/vendor/;
#   - copies axe-core into tests/vendor/ (for accessibility tests only);
#   - checks the result: no GDS Transport or other @font-face, every url() in
#     the CSS names a file that exists, and the served vendor files stay small.
#
# Usage: static/vendor/build.sh          rebuild and copy the files in
#        static/vendor/build.sh --check  rebuild in the temporary directory and
#                                        fail if the committed files differ
#
# To upgrade a package: change its pin in package.json, refresh the lock with
# `npm install --package-lock-only --ignore-scripts` in static/vendor/ (it
# writes package-lock.json only), run this script, and update README.md.
# Needs node and npm (Debian's `nodejs` and `npm` packages will do).
set -euo pipefail

mode=copy
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

vendor_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$vendor_dir/../.." && pwd)"
max_served_bytes=$((3 * 1024 * 1024))

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is needed (apt-get install nodejs npm)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/consult-vendor.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# --- install the pinned packages outside the repository ---------------------
cp "$vendor_dir/package.json" "$vendor_dir/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
modules="$work/node_modules"
govuk="$modules/govuk-frontend/dist/govuk"

# Everything is staged under $out with the repository's layout, then copied.
out="$work/out"
mkdir -p "$out/static/css" "$out/static/vendor/govuk-frontend" \
  "$out/static/vendor/socket.io" "$out/static/vendor/chart.js" "$out/tests/vendor"

# --- GOV.UK Frontend --------------------------------------------------------
"$modules/.bin/sass" --no-error-css --no-source-map --style=compressed \
  --load-path="$modules" --load-path="$vendor_dir/sass" \
  "$root/static/css/consult.scss" "$out/static/css/consult.css"

cp "$govuk/govuk-frontend.min.js" "$govuk/govuk-frontend.min.js.map" "$out/static/vendor/govuk-frontend/"

# Images and fonts: copy only what the compiled CSS asks for. Today that is
# nothing: GOV.UK Frontend's images are all GOV.UK marks (crest, crown icons,
# favicons, manifest, Open Graph image) and its fonts are GDS Transport, none
# of which a council may use (see static/vendor/sass/_asset-urls.scss).
assets_prefix="/static/vendor/govuk-frontend/assets/"
while IFS= read -r url; do
  [ -n "$url" ] || continue
  case "$url" in
    data:*) continue ;;
    "$assets_prefix"*) ;;
    *) echo "build.sh: consult.css refers to $url, outside $assets_prefix" >&2; exit 1 ;;
  esac
  relative="${url#"$assets_prefix"}"
  [ -f "$govuk/assets/$relative" ] || { echo "build.sh: $url is not in govuk-frontend's assets" >&2; exit 1; }
  mkdir -p "$(dirname "$out/static/vendor/govuk-frontend/assets/$relative")"
  cp "$govuk/assets/$relative" "$out/static/vendor/govuk-frontend/assets/$relative"
done < <(grep -o 'url([^)]*)' "$out/static/css/consult.css" | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | sort -u)

# The npm package ships no licence file; this is the repository's LICENSE.txt.
cat > "$out/static/vendor/govuk-frontend/LICENSE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE

# --- socket.io client (ES module build, self-contained) ---------------------
cp "$modules/socket.io-client/dist/socket.io.esm.min.js" \
  "$modules/socket.io-client/dist/socket.io.esm.min.js.map" \
  "$modules/socket.io-client/LICENSE" "$out/static/vendor/socket.io/"

# --- Chart.js (UMD build: self-contained, sets window.Chart) ----------------
# Its source map is ~1 MB, so it is not shipped; drop the comment naming it so
# browsers do not ask for a missing file.
sed '/^\/\/# sourceMappingURL=/d' "$modules/chart.js/dist/chart.umd.min.js" \
  > "$out/static/vendor/chart.js/chart.umd.min.js"
cp "$modules/chart.js/LICENSE.md" "$out/static/vendor/chart.js/"

# --- axe-core (tests only, never served) ------------------------------------
cp "$modules/axe-core/axe.min.js" "$out/tests/vendor/axe.min.js"
cp "$modules/axe-core/LICENSE" "$out/tests/vendor/axe-core-LICENSE.txt"
cp "$modules/axe-core/LICENSE-3RD-PARTY.txt" "$out/tests/vendor/axe-core-LICENSE-3RD-PARTY.txt"

# --- checks ------------------------------------------------------------------
css="$out/static/css/consult.css"
if grep -qi 'GDS Transport' "$css"; then
  echo "build.sh: consult.css names GDS Transport" >&2; exit 1
fi
if grep -qi '@font-face' "$css"; then
  echo "build.sh: consult.css declares a @font-face; we use system fonts only" >&2; exit 1
fi
if find "$out/static/vendor" -type f \( -iname '*crest*' -o -iname '*crown*' -o -iname 'govuk-icon*' \
    -o -iname 'favicon*' -o -iname '*opengraph*' -o -iname 'manifest.json' -o -iname '*.woff*' \) | grep -q .; then
  echo "build.sh: a GOV.UK mark or font was copied into static/vendor" >&2; exit 1
fi
served_bytes=$(find "$out/static" -type f -exec cat {} + | wc -c)
if [ "$served_bytes" -gt "$max_served_bytes" ]; then
  echo "build.sh: served files are $served_bytes bytes, over the $max_served_bytes budget" >&2; exit 1
fi

# --- copy in, or compare -------------------------------------------------------
outputs=(static/css/consult.css static/vendor/govuk-frontend static/vendor/socket.io
  static/vendor/chart.js tests/vendor/axe.min.js tests/vendor/axe-core-LICENSE.txt
  tests/vendor/axe-core-LICENSE-3RD-PARTY.txt)

if [ "$mode" = check ]; then
  status=0
  for path in "${outputs[@]}"; do
    if ! diff -r "$out/$path" "$root/$path" >/dev/null 2>&1; then
      echo "build.sh: $path differs from a fresh build (run static/vendor/build.sh)" >&2
      status=1
    fi
  done
  [ "$status" -eq 0 ] && echo "vendored files match a fresh build"
  exit "$status"
fi

for path in "${outputs[@]}"; do
  mkdir -p "$(dirname "$root/$path")"
  rm -rf "${root:?}/$path"
  cp -R "$out/$path" "$root/$path"
done

echo "vendored front-end files rebuilt:"
(cd "$root" && find static/css/consult.css static/vendor/govuk-frontend static/vendor/socket.io \
  static/vendor/chart.js tests/vendor -type f -printf '  %-60p %9s bytes\n' | sort)
echo "  served total: $served_bytes bytes"
