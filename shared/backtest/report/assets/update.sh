#!/bin/sh
# Fetches the charting library the HTML report embeds, TradingView
# Lightweight Charts (Apache-2.0), from the npm registry with `npm pack`,
# and checks it against the pinned checksum. Run from this directory
# (go generate in shared/backtest/report does), commit the result.
set -eu

version=5.2.1
sum=e21cc5caa0226ef30bd8549c50b9ef926615f2a4ee6b4e486353477a55f598cf
file=lightweight-charts.standalone.production.js

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "lightweight-charts@$version" >/dev/null &&
	tar xzf "lightweight-charts-$version.tgz")
echo "$sum  $tmp/package/dist/$file" | sha256sum -c --quiet -
cp "$tmp/package/dist/$file" "$file"
cp "$tmp/package/LICENSE" LICENSE
