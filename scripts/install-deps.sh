#!/usr/bin/env bash
# install-deps.sh: installs the Debian 12 packages facta needs to build, run
# its demo and run its tests. Uses sudo when not root; does nothing when all
# packages are already there.
set -euo pipefail
packages=(
	build-essential cmake pkg-config git
	libsqlite3-dev libgit2-dev liblua5.4-dev libhpdf-dev libcurl4-openssl-dev
	libjansson-dev zlib1g-dev libcmocka-dev libcsv-dev libxlsxwriter-dev openssh-server
	fonts-dejavu-core fonttools qpdf poppler-utils sqlite3 python3-aiosmtpd
	openssl strace
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
