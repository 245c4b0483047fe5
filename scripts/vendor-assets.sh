#!/usr/bin/env bash
# vendor-assets.sh — fetch the front-end libraries the web UI embeds, at
# pinned versions, from the npm registry, and copy their minified builds and
# licence files into internal/web/assets/vendor/. The results are committed:
# the build needs no network and no node.
#
# Usage: scripts/vendor-assets.sh        (run from anywhere; needs npm and tar)
# To upgrade: change a version below, run the script, look at the UI, commit.
set -euo pipefail

HTMX_VERSION=2.0.11
ECHARTS_VERSION=6.1.0

root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/internal/web/assets/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fetch NAME VERSION: unpack the npm tarball of NAME@VERSION into $work/NAME.
fetch() {
	local name=$1 version=$2
	(cd "$work" && npm pack --silent "$name@$version" >/dev/null)
	mkdir -p "$work/$name"
	tar -xzf "$work"/"$name"-"$version".tgz -C "$work/$name" --strip-components=1
}

mkdir -p "$dest"
fetch htmx.org "$HTMX_VERSION"
cp "$work/htmx.org/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$work/htmx.org/LICENSE" "$dest/htmx.LICENSE"

fetch echarts "$ECHARTS_VERSION"
cp "$work/echarts/dist/echarts.min.js" "$dest/echarts.min.js"
cp "$work/echarts/LICENSE" "$dest/echarts.LICENSE"
[ -f "$work/echarts/NOTICE" ] && cp "$work/echarts/NOTICE" "$dest/echarts.NOTICE"

cat >"$dest/VERSIONS" <<EOV
htmx.org $HTMX_VERSION
echarts $ECHARTS_VERSION
EOV
echo "vendored into $dest:"
ls -l "$dest"
