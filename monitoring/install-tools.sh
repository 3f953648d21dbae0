#!/usr/bin/env bash
# install-tools.sh DIR: puts promtool, pushgateway and amtool into DIR.
#
# The binaries come from Debian 12's packages (prometheus,
# prometheus-pushgateway, prometheus-alertmanager), unpacked with dpkg-deb
# rather than installed, so no service is started and nothing else is
# pulled in: a download of about 33 MB that takes seconds, where building
# the same tools with `go install` takes minutes. The upstream versions are
# pinned below; Debian's revision may move with security updates.
set -euo pipefail

dir=${1:?usage: install-tools.sh DIR}

# package, upstream version, binary in the package, name installed
tools=(
	"prometheus 2.42.0 promtool promtool"
	"prometheus-pushgateway 1.5.1 prometheus-pushgateway pushgateway"
	"prometheus-alertmanager 0.25.0 amtool amtool"
)

missing=()
for t in "${tools[@]}"; do
	read -r pkg _ _ name <<<"$t"
	[ -x "$dir/$name" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
	echo "install-tools: apt-get and dpkg-deb are needed (Debian 12);" \
		"or put promtool, pushgateway and amtool on PATH" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # apt's _apt user writes the download here

download() {
	(cd "$tmp" && apt-get download "${missing[@]}") >"$tmp/apt.log" 2>&1
}
if ! download; then
	# A fresh machine has no package lists yet.
	if [ "$(id -u)" -ne 0 ]; then
		cat "$tmp/apt.log" >&2
		echo "install-tools: run 'apt-get update' as root, then retry" >&2
		exit 1
	fi
	apt-get update -qq >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; exit 1; }
	download || { cat "$tmp/apt.log" >&2; exit 1; }
fi

mkdir -p "$dir"
for t in "${tools[@]}"; do
	read -r pkg version bin name <<<"$t"
	deb=$(ls "$tmp/${pkg}"_*.deb 2>/dev/null) || continue
	got=$(dpkg-deb -f "$deb" Version)
	case "$got" in
	"$version"+* | "$version"-*) ;;
	*)
		echo "install-tools: $pkg is $got, want upstream $version;" \
			"update the pin in $0 and check the tests" >&2
		exit 1
		;;
	esac
	dpkg-deb -x "$deb" "$tmp/root"
	install -m 0755 "$tmp/root/usr/bin/$bin" "$dir/$name"
	echo "install-tools: $name from $pkg $got"
done
