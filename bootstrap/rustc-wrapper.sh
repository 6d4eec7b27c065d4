#!/usr/bin/env bash
# The RUSTC_WRAPPER of bootstrap/build.sh. Cargo hashes the absolute path of
# a path dependency outside the workspace (../interpreter, ../spec) into
# that crate's -C metadata, which seeds its symbol hashes and so the order
# of the code in the module: the bytes would depend on where the
# repository lies. This replaces every crate's metadata by one made of its
# package name, version and crate name alone.
set -euo pipefail
rustc=$1
shift
name=
prev=
for a in "$@"; do
  [ "$prev" = --crate-name ] && name=$a
  prev=$a
done
stable="metadata=${CARGO_PKG_NAME:-}-${CARGO_PKG_VERSION:-}-$name"
args=()
for a in "$@"; do
  case $a in
    metadata=*) args+=("$stable") ;;
    -Cmetadata=*) args+=("-C$stable") ;;
    *) args+=("$a") ;;
  esac
done
exec "$rustc" ${args[@]+"${args[@]}"}
