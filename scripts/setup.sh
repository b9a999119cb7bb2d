#!/usr/bin/env bash
# Installs everything SHARP Viewer needs on Debian 12, and nothing twice:
#   - Debian packages: build-essential + pkg-config + libclang-dev (the C toolchain,
#     library lookup and bindgen that nokhwa's V4L2 bindings and ffmpeg-next's build
#     need), the FFmpeg development libraries ffmpeg-next links (libavcodec, libavformat,
#     libavutil, libswscale), mesa-vulkan-drivers (software Vulkan for wgpu), xvfb +
#     xauth (window tests), imagemagick (window screenshots), curl + ca-certificates
#     (the ONNX Runtime download);
#   - the ONNX Runtime shared library, from the pinned PyPI wheel, checked against its
#     sha256, unpacked to .ort/ in the repository, where the viewer finds it by itself
#     (ORT_DYLIB_PATH overrides).
# A second run finds everything in place and changes nothing. Nothing is fetched when
# the viewer runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

APT_PACKAGES=(
    build-essential pkg-config libclang-dev
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
    mesa-vulkan-drivers xvfb xauth imagemagick python3 curl ca-certificates
)

ORT_VERSION="1.32.0"
ORT_WHEEL_URL="https://files.pythonhosted.org/packages/a3/81/55845186c20cba59f614991f4065dea148e48eeb9749893768c85ce64327/onnxruntime-1.32.0-cp312-cp312-manylinux_2_28_x86_64.whl"
ORT_WHEEL_SHA256="99e1074c4b2197accd5073052a465361be17b89c093b8ffb6e6bd8f986c52df8"
ORT_DIR="$ROOT/.ort/onnxruntime-$ORT_VERSION"
ORT_LIBRARY="$ORT_DIR/libonnxruntime.so.$ORT_VERSION"

MIN_RUST="1.95"

say() { printf 'setup: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
    local missing=()
    for package in "${APT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return
    fi
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_onnxruntime() {
    if [ -f "$ORT_LIBRARY" ]; then
        return
    fi
    say "installing ONNX Runtime $ORT_VERSION into $ORT_DIR"
    local work
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' RETURN
    curl --fail --silent --show-error --location --retry 3 -o "$work/ort.whl" "$ORT_WHEEL_URL"
    echo "$ORT_WHEEL_SHA256  $work/ort.whl" | sha256sum --check --quiet -
    python3 - "$work/ort.whl" "$work/lib" "$ORT_VERSION" <<'PY'
import sys, zipfile
wheel, out, version = sys.argv[1:]
member = f"onnxruntime/capi/libonnxruntime.so.{version}"
with zipfile.ZipFile(wheel) as archive:
    archive.extract(member, out)
PY
    mkdir -p "$ROOT/.ort"
    rm -rf "$ORT_DIR.partial"
    mkdir -p "$ORT_DIR.partial"
    mv "$work/lib/onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" "$ORT_DIR.partial/"
    mv "$ORT_DIR.partial" "$ORT_DIR"
}

check_rust() {
    if ! command -v cargo >/dev/null; then
        say "cargo not found: install Rust $MIN_RUST or newer with rustup (https://rustup.rs)"
        exit 1
    fi
    local version
    version="$(rustc --version | awk '{print $2}')"
    if [ "$(printf '%s\n%s\n' "$MIN_RUST" "$version" | sort -V | head -n1)" != "$MIN_RUST" ]; then
        if command -v rustup >/dev/null; then
            say "Rust $version is older than $MIN_RUST: updating the stable toolchain"
            rustup update stable
        else
            say "Rust $version is older than $MIN_RUST: please upgrade"
            exit 1
        fi
    fi
    # The test command also checks formatting and lints.
    for component in rustfmt clippy; do
        if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
            if command -v rustup >/dev/null; then
                say "installing the Rust $component component"
                rustup component add "$component"
            else
                say "cargo ${component/rustfmt/fmt} not found: install the Rust $component component"
                exit 1
            fi
        fi
    done
}

install_debian_packages
install_onnxruntime
check_rust
