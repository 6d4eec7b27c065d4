#!/usr/bin/env bash
# Install the two QEMU machines the firmware runs on (qemu-system-arm for
# mps2-an386, qemu-system-misc for riscv32 virt) from Debian's packages.
# Idempotent and quiet: does nothing when both are on PATH. Needs root.
#
# Why not a plain `apt-get install qemu-system-arm qemu-system-misc`: this
# image carries qemu-utils from bookworm-backports (10.x), whose
#   Breaks: qemu-system-common (<< 1:8.0+dfsg-5~)
# rules out bookworm's 7.2, and no backports source is configured. When the
# installed qemu-utils is a backports build, the system emulators come from
# the same suite (`-t <codename>-backports`), so all QEMU packages share one
# version; otherwise the release's own packages are installed.
set -euo pipefail
if command -v qemu-system-arm > /dev/null && command -v qemu-system-riscv32 > /dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-qemu.sh: run as root (apt-get), or install qemu-system-arm and qemu-system-misc" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
utils=$(dpkg-query -W -f='${Version}' qemu-utils 2> /dev/null || true)
suite=()
case $utils in
  *~bpo*)
    if ! grep -rqs "$codename-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      cat > "/etc/apt/sources.list.d/$codename-backports.sources" << SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $codename-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    fi
    suite=(-t "$codename-backports")
    ;;
esac
# Quiet: apt's output is shown only when it fails.
quiet() {
  local log
  log=$("$@" 2>&1) || {
    echo "$log" >&2
    echo "install-qemu.sh: failed: $*" >&2
    return 1
  }
}
quiet apt-get update -qq
quiet apt-get install -y -qq --no-install-recommends "${suite[@]}" qemu-system-arm qemu-system-misc
