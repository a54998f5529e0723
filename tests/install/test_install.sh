#!/usr/bin/env bash
# CTest `install_package` (label install): ppocr used as an installed library.
#
#   test_install.sh SOURCE_DIR BUILD_DIR
#
# 1. `cmake --install BUILD_DIR --prefix TMP/prefix`; checks the installed files
#    and that nothing installed names the source or build tree.
# 2. Compiles each public header alone against the installed prefix (pkg-config
#    flags only: the headers need nothing but the standard library, OpenCV and
#    nlohmann-json), and links a small program with `pkg-config --libs ppocr`.
# 3. Configures and builds examples/installed (find_package(ppocr)) out of tree
#    with -DCMAKE_PREFIX_PATH=TMP/prefix.
# 4. Runs it (models by name from a temporary $PPOCR_HOME linking the shared
#    models; an image, a PDF, and a URL served by a local python3 http.server).
#    Exits 77 (skipped) when the shared models/data are absent:
#    PPOCR_SHARED_DIR, else PPOCR_DEFAULT_SHARED_DIR (set by CMake), else SOURCE_DIR/../shared.
set -euo pipefail

src=$(cd "${1:?usage: test_install.sh SOURCE_DIR BUILD_DIR}" && pwd)
build=$(cd "${2:?usage: test_install.sh SOURCE_DIR BUILD_DIR}" && pwd)
cmake_cmd=${CMAKE_COMMAND:-cmake}
cxx=${CXX:-g++}
shared=${PPOCR_SHARED_DIR:-${PPOCR_DEFAULT_SHARED_DIR:-$src/../shared}}
jobs=${PPOCR_INSTALL_TEST_JOBS:-2}

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppocr-install-test.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
prefix=$tmp/prefix

# ---- 1. install ----
step "cmake --install $build --prefix $prefix"
[ -e "$build/libppocr.so" ] || fail "$build/libppocr.so is not built (build the ppocr and ppocr_cli targets first)"
"$cmake_cmd" --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install failed"; }

libdir=$(dirname "$(find "$prefix" -name 'libppocr.so' | head -n 1)")
[ -n "$libdir" ] && [ -d "$libdir" ] || fail "no libppocr.so under $prefix"
echo "libdir: $libdir"
for f in include/ppocr/ppocr.h include/ppocr/ocr.h include/ppocr/options.h include/ppocr/input.h \
         include/ppocr/result.h include/ppocr/error.h include/ppocr/modules.h bin/ppocr; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
[ -L "$libdir/libppocr.so" ] || fail "libppocr.so is not a symlink (namelink)"
soname=$(objdump -p "$libdir/libppocr.so" | awk '$1 == "SONAME" {print $2}')
[ -n "$soname" ] && [ -L "$libdir/$soname" ] || fail "no SONAME link $soname in $libdir"
[ -e "$libdir/$soname" ] || fail "dangling SONAME link $libdir/$soname"
for f in ppocrConfig.cmake ppocrConfigVersion.cmake ppocrTargets.cmake; do
  [ -f "$libdir/cmake/ppocr/$f" ] || fail "not installed: $libdir/cmake/ppocr/$f"
done
[ -f "$libdir/pkgconfig/ppocr.pc" ] || fail "not installed: $libdir/pkgconfig/ppocr.pc"
# Only libppocr is exported; the internal targets stay in the build tree.
if grep -q -e ppocr_internal -e ppocr_server "$libdir"/cmake/ppocr/*.cmake; then
  fail "the installed CMake package names an internal target"
fi
(cd "$prefix" && find . -type f -o -type l | sort)
# Nothing installed may point back into the source or build tree.
if grep -rl -e "$src" -e "$build" "$prefix"; then
  grep -rn -I -e "$src" -e "$build" "$prefix" | head -n 20 >&2 || true
  fail "installed files above name the source ($src) or build ($build) tree"
fi

# ---- 2. pkg-config and self-contained headers ----
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
step "pkg-config ppocr: $(pkg-config --modversion ppocr)"
cat "$libdir/pkgconfig/ppocr.pc"
pc_cflags=$(pkg-config --cflags ppocr) || fail "pkg-config --cflags ppocr failed"
pc_libs=$(pkg-config --libs ppocr) || fail "pkg-config --libs ppocr failed"
echo "cflags: $pc_cflags"
echo "libs:   $pc_libs"
for h in "$prefix"/include/ppocr/*.h; do
  name=ppocr/$(basename "$h")
  # shellcheck disable=SC2086
  echo "#include <$name>" | "$cxx" -std=c++17 -fsyntax-only -Wall -Wextra -x c++ - $pc_cflags \
    || fail "$name does not compile alone against the installed prefix"
done
echo "each public header compiles alone"
cat >"$tmp/pc_main.cpp" <<'CPP'
#include <ppocr/ppocr.h>
#include <iostream>
int main() { std::cout << ppocr::default_model_names("en", "PP-OCRv5").text_recognition << "\n"; }
CPP
step "g++ pc_main.cpp \$(pkg-config --cflags --libs ppocr)"
# shellcheck disable=SC2046
"$cxx" -std=c++17 "$tmp/pc_main.cpp" -o "$tmp/pc_main" $(pkg-config --cflags --libs ppocr) \
  || fail "cannot build with pkg-config ppocr"
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/pc_main") || fail "the pkg-config program failed to run"
echo "pc_main: $out"
[ -n "$out" ] || fail "the pkg-config program printed nothing"
# The installed program finds the installed library by itself (RUNPATH $ORIGIN/../lib).
ver=$(env -u LD_LIBRARY_PATH "$prefix/bin/ppocr" --version) || fail "installed bin/ppocr does not run"
echo "bin/ppocr --version: $ver"

# ---- 3. out-of-tree build with find_package(ppocr) ----
step "configure + build examples/installed against $prefix"
"$cmake_cmd" -S "$src/examples/installed" -B "$tmp/example-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configure failed"; }
"$cmake_cmd" --build "$tmp/example-build" -j"$jobs" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "build failed"; }
exe=$tmp/example-build/ocr_installed
[ -x "$exe" ] || fail "no $exe"
# The example must have used the installed headers, not the source tree.
if grep -rq -e "$src/include" "$tmp/example-build" --include='*.make' --include='*.txt' --include='*.ninja' 2>/dev/null; then
  fail "the out-of-tree build used the source tree's include directory"
fi

# ---- 4. run it ----
img=$shared/data/paddleocr_demo/imgs_en/img_12.jpg
pdf=$shared/data/pdf/pdflatex-4-pages.pdf
pdf_pages=4
det=$shared/models/onnx/PP-OCRv6_tiny_det
rec=$shared/models/onnx/PP-OCRv6_tiny_rec
for f in "$img" "$pdf" "$det" "$rec"; do
  if [ ! -e "$f" ]; then
    echo "SKIP: the shared models/data are absent ($f not found; set PPOCR_SHARED_DIR); the install, pkg-config and out-of-tree build checks passed"
    exit 77
  fi
done
export PPOCR_HOME=$tmp/models
mkdir -p "$PPOCR_HOME" "$tmp/www"
ln -s "$det" "$PPOCR_HOME/PP-OCRv6_tiny_det"
ln -s "$rec" "$PPOCR_HOME/PP-OCRv6_tiny_rec"
cp "$img" "$tmp/www/served.jpg"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout 550 python3 -m http.server --bind 127.0.0.1 --directory "$tmp/www" "$port" >"$tmp/http.log" 2>&1 &
server_pid=$!
url=http://127.0.0.1:$port/served.jpg
for _ in $(seq 100); do
  python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/http.log"; fail "the local HTTP server did not start"; }
  sleep 0.1
done

step "LD_LIBRARY_PATH=$libdir ocr_installed $img $pdf $url"
set +e
env -u http_proxy -u HTTP_PROXY -u https_proxy -u HTTPS_PROXY -u all_proxy -u ALL_PROXY \
  LD_LIBRARY_PATH="$libdir" timeout 400 "$exe" "$img" "$pdf" "$url" >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
set -e
cat "$tmp/run.out"
cat "$tmp/run.err" >&2
[ "$rc" -eq 0 ] || fail "ocr_installed exited with $rc"
grep -q "^OK (image, $pdf_pages PDF pages, URL)$" "$tmp/run.out" || fail "expected $pdf_pages PDF pages with text"
grep -q "PP-OCRv6_tiny_det" "$tmp/run.err" "$tmp/run.out" || fail "the models were not chosen by name"
grep -q "\"GET /served.jpg" "$tmp/http.log" || fail "the URL was not fetched from the local server"
echo "PASS"
