#!/usr/bin/env bash
# Build the committed front-end assets for PEP Portal.
#
# Inputs:  frontend/package.json + package-lock.json (pinned devDependencies),
#          frontend/pep-portal.scss
# Outputs (committed, so the Django app needs no Node at run time):
#   static/govuk/govuk-frontend.min.css   compiled from pep-portal.scss
#   static/govuk/govuk-frontend.min.js    GOV.UK Frontend ES module bundle
#   static/govuk/assets/                  images + manifest.json (NO fonts)
#   static/accessible-autocomplete/       GOV.UK's accessible-autocomplete (the school search)
#   tests/browser/vendor/axe.min.js       axe-core, for browser tests
#
# Re-runnable: every output is deleted and rebuilt from the pinned packages.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "${FRONTEND_DIR}/.." && pwd)"
GOVUK_DIST="${FRONTEND_DIR}/node_modules/govuk-frontend/dist/govuk"
OUT_DIR="${REPO_DIR}/static/govuk"
AXE_OUT_DIR="${REPO_DIR}/tests/browser/vendor"

cd "${FRONTEND_DIR}"

# Exact install from package-lock.json. No install scripts are needed
# (sass is pure JS; its optional native file watcher is not used here).
npm ci --ignore-scripts --no-audit --no-fund

rm -rf "${OUT_DIR}"
mkdir -p "${OUT_DIR}" "${AXE_OUT_DIR}"

# 1. CSS: compressed, no source map.
npx --no-install sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  "${FRONTEND_DIR}/pep-portal.scss" \
  "${OUT_DIR}/govuk-frontend.min.css"

# 2. JS: the ES module bundle (exports initAll, createAll, components).
cp "${GOVUK_DIST}/govuk-frontend.min.js" "${OUT_DIR}/govuk-frontend.min.js"

# 3. Assets: everything in dist/govuk/assets except fonts/ (GDS Transport is
#    licensed for GOV.UK only).
mkdir -p "${OUT_DIR}/assets"
for entry in "${GOVUK_DIST}/assets/"*; do
  name="$(basename "${entry}")"
  if [[ "${name}" == "fonts" ]]; then
    continue
  fi
  cp -R "${entry}" "${OUT_DIR}/assets/${name}"
done

# 4. accessible-autocomplete, for the school search (static/js/school-search.js).
AUTOCOMPLETE_DIST="${FRONTEND_DIR}/node_modules/accessible-autocomplete/dist"
AUTOCOMPLETE_OUT="${REPO_DIR}/static/accessible-autocomplete"
rm -rf "${AUTOCOMPLETE_OUT}"
mkdir -p "${AUTOCOMPLETE_OUT}"
cp "${AUTOCOMPLETE_DIST}/accessible-autocomplete.min.js" \
  "${AUTOCOMPLETE_DIST}/accessible-autocomplete.min.css" \
  "${FRONTEND_DIR}/node_modules/accessible-autocomplete/LICENSE.txt" "${AUTOCOMPLETE_OUT}/"
# Its source map is not shipped, and collectstatic's manifest refuses a reference to a missing file.
sed -i '/^\/\/# sourceMappingURL=/d' "${AUTOCOMPLETE_OUT}/accessible-autocomplete.min.js"
sed -i '/^\/\*# sourceMappingURL=.*\*\/$/d' "${AUTOCOMPLETE_OUT}/accessible-autocomplete.min.css"

# 5. axe-core for the browser tests.
cp "${FRONTEND_DIR}/node_modules/axe-core/axe.min.js" "${AXE_OUT_DIR}/axe.min.js"

# Sanity checks on the compiled CSS.
css="${OUT_DIR}/govuk-frontend.min.css"
if grep -q 'GDS Transport' "${css}"; then
  echo "build.sh: compiled CSS still mentions GDS Transport" >&2
  exit 1
fi
if grep -o 'url([^)]*)' "${css}" | grep -v '/static/govuk/assets/' | grep -q '/assets/'; then
  echo "build.sh: compiled CSS has asset URLs outside /static/govuk/assets/" >&2
  exit 1
fi
if [[ -d "${OUT_DIR}/assets/fonts" ]]; then
  echo "build.sh: fonts were copied" >&2
  exit 1
fi

echo "build.sh: done"
ls -l "${OUT_DIR}" "${OUT_DIR}/assets" "${AXE_OUT_DIR}/axe.min.js"
