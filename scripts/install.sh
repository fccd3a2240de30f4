#!/bin/sh
# install.sh VERSION [DIR]: download a deployer release for this machine,
# verify it, and install the binary as DIR/deployer (DIR defaults to
# /usr/local/bin). Nothing is installed unless every check passes.
#
#   DEPLOYER_RELEASE_URL  base of the downloads; the files are read from
#                         $DEPLOYER_RELEASE_URL/VERSION/<file>. Default:
#                         https://github.com/deployer-dev/deployer/releases/download
#                         (a fork: https://github.com/OWNER/deployer/releases/download)
#   DEPLOYER_SHA256       optional: the SHA-256 the archive must have, pinned
#                         in your buildspec (copy it from the release's
#                         checksums.txt). Without it the archive is checked
#                         against checksums.txt alone, which guards against a
#                         broken download but not against a changed release.
#
# Needs only sh, curl or wget, tar (with gzip), and sha256sum or shasum.
# Errors are one line on stderr and a non-zero exit; the temporary
# directory is removed on every exit.
set -eu

default_url=https://github.com/deployer-dev/deployer/releases/download

die() {
	printf 'install.sh: %s\n' "$*" >&2
	exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: install.sh VERSION [DIR], e.g. install.sh v1.2.3 /usr/local/bin"
version=$1
dir=${2:-/usr/local/bin}
case $version in
'' | -* | *[!A-Za-z0-9._+-]*) die "bad VERSION \"$version\": want a release tag such as v1.2.3" ;;
esac
base=${DEPLOYER_RELEASE_URL:-$default_url}
base=${base%/}
pinned=${DEPLOYER_SHA256:-}
if [ -n "$pinned" ]; then
	case $pinned in
	*[!0-9a-f]*) die "DEPLOYER_SHA256 must be 64 lower-case hexadecimal digits (the archive's line in checksums.txt)" ;;
	esac
	[ ${#pinned} -eq 64 ] || die "DEPLOYER_SHA256 must be 64 lower-case hexadecimal digits (the archive's line in checksums.txt)"
fi

# The archive names are those of internal/release (Target.archiveName).
os=$(uname -s)
case $os in
Linux) os=linux ;;
Darwin) os=darwin ;;
*) die "unsupported operating system \"$os\": releases exist for Linux and macOS (Windows: download the zip)" ;;
esac
arch=$(uname -m)
case $arch in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) die "unsupported architecture \"$arch\": releases exist for x86_64 and aarch64/arm64" ;;
esac
archive="deployer_${version}_${os}_${arch}.tar.gz"

if command -v curl >/dev/null 2>&1; then
	download() { curl -fsSL --retry 3 -o "$2" "$1" 2>/dev/null; }
elif command -v wget >/dev/null 2>&1; then
	download() { wget -q -O "$2" "$1" 2>/dev/null; }
else
	die "neither curl nor wget is installed"
fi
if command -v sha256sum >/dev/null 2>&1; then
	sha256() { sha256sum "$1"; }
elif command -v shasum >/dev/null 2>&1; then
	sha256() { shasum -a 256 "$1"; }
else
	die "neither sha256sum nor shasum is installed"
fi

tmp=$(mktemp -d 2>/dev/null) || die "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
# dash runs the EXIT trap on exit, not when a signal kills it.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

download "$base/$version/$archive" "$tmp/$archive" || die "cannot download $base/$version/$archive"
download "$base/$version/checksums.txt" "$tmp/checksums.txt" || die "cannot download $base/$version/checksums.txt"

listed=
while read -r sum name; do
	# sha256sum marks binary-mode lines with '*'.
	if [ "${name#\*}" = "$archive" ]; then listed=$sum; fi
done <"$tmp/checksums.txt"
[ -n "$listed" ] || die "checksums.txt of $version has no line for $archive"
actual=$(sha256 "$tmp/$archive") || die "cannot compute the SHA-256 of $archive"
actual=${actual%% *}
[ "$actual" = "$listed" ] || die "checksum mismatch: $archive has SHA-256 $actual but checksums.txt says $listed; nothing installed"
if [ -n "$pinned" ] && [ "$actual" != "$pinned" ]; then
	die "checksum mismatch: $archive has SHA-256 $actual but DEPLOYER_SHA256 is $pinned; nothing installed"
fi

mkdir "$tmp/unpacked"
tar -xzf "$tmp/$archive" -C "$tmp/unpacked" deployer 2>/dev/null || die "cannot unpack deployer from $archive"
mkdir -p "$dir" 2>/dev/null || die "cannot create $dir"
# Copy beside the target, then rename: a running deployer is never
# overwritten in place and a full disk leaves the old one intact.
staged="$dir/.deployer.install.$$"
if ! { cp "$tmp/unpacked/deployer" "$staged" && chmod 0755 "$staged" && mv -f "$staged" "$dir/deployer"; } 2>/dev/null; then
	rm -f "$staged"
	die "cannot install into $dir (not writable? try another DIR or sudo)"
fi
printf 'install.sh: installed deployer %s (%s/%s) as %s/deployer\n' "$version" "$os" "$arch" "$dir" >&2
