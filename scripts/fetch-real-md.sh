#!/usr/bin/env bash
# Fetch real Markdown nobody here wrote: the .md files inside pinned source
# distributions from PyPI, into tests/.real-md/ (gitignored), for the round-trip
# test (tests/test_markdown_real.py) and the mdpo comparison (make bench-md).
# Idempotent: does nothing when the same pins were fetched already.
set -euo pipefail

PINS=(mkdocs==1.6.1 pymdown-extensions==10.11.2 black==24.8.0 httpx==0.27.2 rich==13.9.4)

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/tests/.real-md"
stamp="$dest/.pins"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${PINS[*]}" ]; then
  echo "fetch-real-md: $(find "$dest" -name '*.md' | wc -l) files already in tests/.real-md"
  exit 0
fi

python="$root/.venv/bin/python"
[ -x "$python" ] || python=python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! "$python" -m pip --version >/dev/null 2>&1; then  # no pip there: a throwaway venv has one
  python3 -m venv "$work/venv"
  python="$work/venv/bin/python"
fi

"$python" -m pip download --quiet --disable-pip-version-check --no-deps \
  --no-binary :all: --dest "$work" "${PINS[@]}"

rm -rf "$dest.new"
mkdir -p "$dest.new"
for archive in "$work"/*.tar.gz; do
  tar -xzf "$archive" -C "$dest.new" --wildcards --no-anchored '*.md' '*.markdown' 2>/dev/null || true
done
echo "${PINS[*]}" > "$dest.new/.pins"
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "fetch-real-md: $(find "$dest" -name '*.md' -o -name '*.markdown' | wc -l) files in tests/.real-md"
