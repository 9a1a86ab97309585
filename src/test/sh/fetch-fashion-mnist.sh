#!/usr/bin/env bash
# Fashion-MNIST (Zalando; the four IDX files, gzip-compressed as published) into data/fashion-mnist/ (or DIR).
#
#   src/test/sh/fetch-fashion-mnist.sh [DIR]
#
# The files come from Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1 (31 MB), downloaded and
# unpacked, not installed; where the package is installed, its copy is used. Same rules as
# fetch-sklearn-tables.sh: pinned SHA-256 sums, a no-op when the files are in place, one line and exit 1 on failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# shellcheck source=debian-files.sh
source "$ROOT/src/test/sh/debian-files.sh"
FETCH_NAME=fetch-fashion-mnist
fetch_debian_files dataset-fashion-mnist /usr/share/datasets/fashion-mnist "${1:-$ROOT/data/fashion-mnist}" \
  b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7 train-images-idx3-ubyte.gz \
  0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056 train-labels-idx1-ubyte.gz \
  cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa t10k-images-idx3-ubyte.gz \
  8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05 t10k-labels-idx1-ubyte.gz
