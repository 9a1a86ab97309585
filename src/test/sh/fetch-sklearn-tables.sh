#!/usr/bin/env bash
# scikit-learn's bundled small tables (iris, wine, breast_cancer, digits, diabetes) into data/sklearn/ (or DIR),
# for the tables benchmark (dev.scratchnet.bench.TablesBenchmark) and tests that train on real tables.
#
#   src/test/sh/fetch-sklearn-tables.sh [DIR]
#
# The files come from Debian's python3-sklearn 1.2.1+dfsg-1, which is downloaded and unpacked but NOT
# installed: installing it pulls numpy, scipy and a system libblas.so.3, which changes the BLAS that netlib
# (and so MLlib) loads in a plain JVM. Where the package is installed, its copy is used. The sums below pin the
# files; a second run with the files in place does nothing. Exit 0 when every file is there and verified; else
# one line on stderr and exit 1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# shellcheck source=debian-files.sh
source "$ROOT/src/test/sh/debian-files.sh"
FETCH_NAME=fetch-sklearn-tables
fetch_debian_files python3-sklearn /usr/lib/python3/dist-packages/sklearn/datasets/data "${1:-$ROOT/data/sklearn}" \
  f13ffa8fdd56fd8e6c8d16d4081a3fbd3114bcd0aae4256c43205169cd9d1449 iris.csv \
  10e8a802908b34f86e5da8ce962f3c806694bc98450a18f61851af59f324bede wine_data.csv \
  fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed breast_cancer.csv \
  46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a digits.csv.gz \
  fc08fc59c1cbfe65550d9ebb36321d505de9e8f004bf92c1566d2908962f08ff diabetes_data_raw.csv.gz \
  bf1ddd1f9d377278450a5f02c24b5e77b1501f2ad673fe9fdf4c4090d27eb5cc diabetes_target.csv.gz
