#!/usr/bin/env bash
# Install the system tools locpipe needs (Debian/Ubuntu): the Apertium engine
# with the language pairs the sample site uses, and GNU gettext.
# Idempotent: installs only what is missing.  Without root or apt-get it says
# what to install and carries on (tests that need an engine then skip locally;
# in CI, where CI=true, they fail).
#   --test   also what the test suite drives: headless Chromium (report page) and the
#            XLIFF 1.2 strict schema (php-symfony-translation ships it); and the
#            Markdown docs of a few PyPI sdists (scripts/fetch-real-md.sh).
set -euo pipefail

PACKAGES=(
  gettext
  apertium
  apertium-spa-ita   # it <-> es (direct)
  apertium-cat-ita   # it <-> ca (direct; pivot for fr)
  apertium-eng-spa   # es <-> en (pivot for it -> en)
  apertium-eng-cat   # ca <-> en
  apertium-fra-cat   # fr <-> ca (it -> ca -> fr)
  apertium-fr-es     # fr <-> es
)

if [ "${1:-}" = "--test" ]; then
  # chromium: headless screenshots of the report; php-symfony-translation: it ships
  # the official XLIFF 1.2 strict schema (xliff-core-1.2-strict.xsd) the tests validate with
  PACKAGES+=(chromium php-symfony-translation)
  # and, whatever path this script leaves by, real Markdown for the round-trip test
  trap 'bash "$(dirname "$0")/fetch-real-md.sh" || echo "setup: could not fetch the real Markdown (tests/.real-md)" >&2' EXIT
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: system packages present (Apertium pairs, GNU gettext)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: missing ${missing[*]}; this is not a Debian/Ubuntu system: install the Apertium" >&2
  echo "       pairs it-es, it-ca, es-en, ca-en, fr-ca, fr-es and GNU gettext by hand." >&2
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    echo "setup: missing ${missing[*]}; run as root:" >&2
    echo "       apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 0
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: installed ${missing[*]}"
