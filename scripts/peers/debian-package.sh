# Sourced by the peer scripts that take a program from Debian's packages. unpack_debian_package NAME
# VERSION DIR downloads NAME=VERSION with apt and unpacks it into DIR, so no service is registered or
# started and nothing outside DIR is written. A fresh machine may have no package lists yet: the first
# failed download runs `apt-get update` (with sudo when not root) and tries once more.
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

unpack_debian_package() {
  local name=$1 version=$2 dir=$3
  command -v apt-get >/dev/null || { echo "$name peer: needs apt-get (Debian's $name package)" >&2; return 1; }
  rm -rf "$dir"
  mkdir -p "$dir/download"
  if ! (cd "$dir/download" && apt-get download "$name=$version" >&2); then
    as_root apt-get update -qq >&2
    (cd "$dir/download" && apt-get download "$name=$version" >&2) ||
      { echo "$name peer: apt-get download $name=$version failed" >&2; return 1; }
  fi
  dpkg-deb -x "$dir"/download/"${name}"_*.deb "$dir"
  rm -rf "$dir/download"
}
