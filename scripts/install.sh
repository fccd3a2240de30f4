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
#   DEPLOYER_PUBKEY       optional: the release signing key, one line as in
#                         docs/releases.md ("ssh-ed25519 AAAA..."). With it,
#                         checksums.txt.sig must be a valid signature of
#                         checksums.txt by that key (ssh-keygen -Y verify).
#
# Downloads are https only, redirects included (curl --proto =https
# --proto-redir =https; wget follows redirects one by one, each checked);
# a DEPLOYER_RELEASE_URL on the loopback address may be http (a local
# mirror), but may not redirect to anything but https.
#
# Needs only sh, curl or wget, tar (with gzip), and sha256sum or shasum
# (and ssh-keygen with DEPLOYER_PUBKEY).
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
case $base in
https://*) first_proto='=https' ;;
http://127.0.0.1:* | http://127.0.0.1/* | http://localhost:* | http://localhost/* | http://\[::1\]:*) first_proto='=http' ;;
*) die "DEPLOYER_RELEASE_URL must start with https:// (http only on the loopback address), not \"$base\"" ;;
esac
pubkey=${DEPLOYER_PUBKEY:-}
if [ -n "$pubkey" ]; then
	case $pubkey in
	ssh-ed25519\ AAAA* | ecdsa-sha2-nistp256\ AAAA* | ssh-rsa\ AAAA*) ;;
	*) die "DEPLOYER_PUBKEY must be one public key line such as \"ssh-ed25519 AAAA...\" (see docs/releases.md)" ;;
	esac
	case $pubkey in
	*"
"*) die "DEPLOYER_PUBKEY must be one line" ;;
	esac
	command -v ssh-keygen >/dev/null 2>&1 || die "DEPLOYER_PUBKEY is set but ssh-keygen is not installed (it verifies the signature)"
fi
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
	download() { curl -fsSL --proto "$first_proto" --proto-redir =https --max-redirs 5 --retry 3 -o "$2" "$1" 2>/dev/null; }
elif command -v wget >/dev/null 2>&1; then
	# wget has no --proto-redir: follow each redirect by hand, https only.
	download() {
		url=$1
		hops=0
		while :; do
			location=
			if wget -q -S --max-redirect=0 -O "$2" "$url" 2>"$tmp/headers"; then
				return 0
			fi
			while read -r key value; do
				case $key in [Ll]ocation:) location=$value ;; esac
			done <"$tmp/headers"
			location=${location%"$(printf '\r')"}
			case $location in
			https://*) url=$location ;;
			*) return 1 ;;
			esac
			hops=$((hops + 1))
			[ $hops -le 5 ] || return 1
		done
	}
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

if [ -n "$pubkey" ]; then
	download "$base/$version/checksums.txt.sig" "$tmp/checksums.txt.sig" || die "cannot download $base/$version/checksums.txt.sig (DEPLOYER_PUBKEY is set: the release must be signed)"
	printf 'release@deployer namespaces="deployer-release" %s\n' "$pubkey" >"$tmp/allowed_signers"
	ssh-keygen -Y verify -f "$tmp/allowed_signers" -I release@deployer -n deployer-release -s "$tmp/checksums.txt.sig" <"$tmp/checksums.txt" >/dev/null 2>&1 ||
		die "checksums.txt of $version is not signed by DEPLOYER_PUBKEY; nothing installed"
fi

listed=
# The last line may lack its newline: read returns false but fills sum.
while read -r sum name || [ -n "$sum" ]; do
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
# A link would install whatever it points at on this machine.
if [ -L "$tmp/unpacked/deployer" ] || [ ! -f "$tmp/unpacked/deployer" ]; then
	die "deployer in $archive is not a regular file; nothing installed"
fi
mkdir -p "$dir" 2>/dev/null || die "cannot create $dir"
# Copy beside the target, then rename: a running deployer is never
# overwritten in place and a full disk leaves the old one intact.
staged="$dir/.deployer.install.$$"
if ! { cp "$tmp/unpacked/deployer" "$staged" && chmod 0755 "$staged"; } 2>/dev/null; then
	rm -f "$staged"
	die "cannot install into $dir (not writable? try another DIR or sudo)"
fi
# The binary must run here and be the version asked for, before it
# replaces anything.
said=$("$staged" version 2>/dev/null) || said=
case "$said " in
"deployer $version "*) ;;
*)
	rm -f "$staged"
	die "the downloaded deployer says \"${said:-nothing}\" to \"deployer version\", not deployer $version; nothing installed"
	;;
esac
if ! mv -f "$staged" "$dir/deployer" 2>/dev/null; then
	rm -f "$staged"
	die "cannot install into $dir (not writable? try another DIR or sudo)"
fi
printf 'install.sh: installed deployer %s (%s/%s) as %s/deployer\n' "$version" "$os" "$arch" "$dir" >&2
