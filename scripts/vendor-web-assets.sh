#!/bin/sh
# Vendor the web app's front-end assets at pinned versions (docs/WEB.md, "Assets").
#
# GOV.UK Frontend's CSS (compiled here from its Sass), JS and images go to
# ehc/web/static/govuk-frontend/ and are served by the app itself: nothing is fetched when it runs,
# and no CDN is used. axe-core goes to tests/browser/vendor/axe.min.js, for the browser tests only.
# To refresh, change a version below, run this script from anywhere, run the browser tests
# (pytest tests/browser) and commit the result.
set -eu

GOVUK_FRONTEND_VERSION=6.6.0
SASS_VERSION=1.108.2
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

npm install --silent --no-save --no-audit --no-fund --prefix "$work" "sass@$SASS_VERSION"

# The package's own compiled CSS names "GDS Transport", a typeface licensed for GOV.UK services
# only, and loads it from assets/fonts/. A local authority's service is not on GOV.UK, so the CSS
# is compiled from the package's Sass with the system font stack GOV.UK Frontend's guidance gives
# for services outside GOV.UK, and without the typeface's @font-face rules. The assets path is
# /assets/, where the app serves the images the CSS asks for.
cat > ehc-govuk-frontend.scss <<'SCSS'
@use "govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-assets-path: "/assets/"
);
SCSS

dist=govuk/package/dist/govuk
target="$root/ehc/web/static/govuk-frontend"
rm -rf "$target"
mkdir -p "$target/assets"
node_modules/.bin/sass --no-source-map --style=compressed --load-path=govuk/package/dist \
  ehc-govuk-frontend.scss "$target/govuk-frontend.min.css"
if grep -q -e 'GDS Transport' -e 'fonts/' "$target/govuk-frontend.min.css"; then
  echo "govuk-frontend.min.css still names GDS Transport or its fonts: check the Sass settings above" >&2
  exit 1
fi
cp "$dist/govuk-frontend.min.js" "$target/"
cp -R "$dist/assets/images" "$dist/assets/manifest.json" "$target/assets/"
chmod -R u=rwX,go=rX "$target"
echo "$GOVUK_FRONTEND_VERSION" > "$target/VERSION"
# The package has no LICENSE file of its own: its README ends with the licence (MIT, Crown copyright).
sed -n '/^## Licence/,$p' govuk/package/README.md > "$target/LICENCE.md"

mkdir -p "$root/tests/browser/vendor"
cp axe/package/axe.min.js "$root/tests/browser/vendor/axe.min.js"
cp axe/package/LICENSE "$root/tests/browser/vendor/axe-core.LICENSE"
echo "$AXE_CORE_VERSION" > "$root/tests/browser/vendor/AXE_VERSION"

echo "govuk-frontend $GOVUK_FRONTEND_VERSION (CSS compiled with sass $SASS_VERSION) -> ${target#"$root"/}"
echo "axe-core $AXE_CORE_VERSION -> tests/browser/vendor/axe.min.js"
