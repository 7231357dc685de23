#!/bin/sh
# Vendor the web app's front-end assets at pinned versions (docs/WEB.md, "Assets").
#
# GOV.UK Frontend's compiled CSS, JS, fonts and images go to ehc/web/static/govuk-frontend/ and are
# served by the app itself: nothing is fetched when it runs, and no CDN is used. axe-core goes to
# tests/browser/vendor/axe.min.js, for the browser tests only. To refresh, change a version below,
# run this script from anywhere, run the browser tests (pytest tests/browser) and commit the result.
set -eu

GOVUK_FRONTEND_VERSION=6.6.0
AXE_CORE_VERSION=4.14.1

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND_VERSION" >/dev/null
npm pack --silent "axe-core@$AXE_CORE_VERSION" >/dev/null
mkdir govuk axe
tar -xzf "govuk-frontend-$GOVUK_FRONTEND_VERSION.tgz" -C govuk
tar -xzf "axe-core-$AXE_CORE_VERSION.tgz" -C axe

dist=govuk/package/dist/govuk
target="$root/ehc/web/static/govuk-frontend"
rm -rf "$target"
mkdir -p "$target"
cp "$dist/govuk-frontend.min.css" "$dist/govuk-frontend.min.js" "$target/"
cp -R "$dist/assets" "$target/assets"
chmod -R u=rwX,go=rX "$target"
echo "$GOVUK_FRONTEND_VERSION" > "$target/VERSION"
# The package has no LICENSE file of its own: its README ends with the licence (MIT, Crown copyright).
sed -n '/^## Licence/,$p' govuk/package/README.md > "$target/LICENCE.md"

mkdir -p "$root/tests/browser/vendor"
cp axe/package/axe.min.js "$root/tests/browser/vendor/axe.min.js"
cp axe/package/LICENSE "$root/tests/browser/vendor/axe-core.LICENSE"
echo "$AXE_CORE_VERSION" > "$root/tests/browser/vendor/AXE_VERSION"

echo "govuk-frontend $GOVUK_FRONTEND_VERSION -> ${target#"$root"/}"
echo "axe-core $AXE_CORE_VERSION -> tests/browser/vendor/axe.min.js"
