#!/usr/bin/env bash
# render.sh: the rendering benchmark (see README.md "Rendering"): builds
# render_bench.c against a facta build tree, renders 1,000 one-page and 100
# three-page invoices per built-in style on one core, then runs the WeasyPrint
# and wkhtmltopdf peer baseline (../shared/bench/peers/run.sh) in the same run.
# Usage: bench/render.sh [BUILD_DIR] [N_ONE] [N_THREE] [N_PEER]
set -eu
here=$(cd "$(dirname "$0")" && pwd); src=$(dirname "$here")
build=${1:-$src/build}; one=${2:-1000}; three=${3:-100}; peer=${4:-20}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
cc -O2 -std=c11 -I"$src" $(pkg-config --cflags lua5.4) "$here/render_bench.c" \
	"$build/plugins/libfacta_plugins.a" "$build/core/libfacta_core.a" \
	$(pkg-config --libs lua5.4 sqlite3 jansson zlib) -lhpdf -lm -o "$out/render_bench"
export FACTA_STYLES_DIR=$src/styles FACTA_FONTS_DIR=$build/fonts
echo "== facta (one core: taskset -c 0)"
taskset -c 0 "$out/render_bench" "$one" "$three"
peers=$src/../shared/bench/peers/run.sh
if [ -x "$peers" ] || [ -f "$peers" ]; then
	echo "== peers (same content, ../shared/bench/peers, N=$peer)"
	taskset -c 0 bash "$peers" "$peer"
fi
