#!/usr/bin/env bash
# Builds a local stand-in for the official node:20-slim image from Debian packages and this machine's own
# Node.js, for machines that reach Debian's and npm's registries but no image registry (the container test).
# Idempotent: does nothing when the image exists. Prints the image name on stdout; progress goes to stderr.
#   podman build --format docker --build-arg NODE_IMAGE="$(scripts/base-image.sh)" -t gossip:latest .
set -euo pipefail

node_bin=$(readlink -f "$(command -v node)")
npm_dir="$(npm root -g)/npm"
version=$("$node_bin" -p 'process.versions.node')
# The tag names the Node.js inside: a new runtime on the machine makes a new base image.
image="localhost/gossip-node-base:$version"
# The machine's CA bundle: npm inside a build must trust what this machine trusts (a TLS proxy, say).
ca_bundle=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}

if podman image exists "$image"; then
  echo "$image"
  exit 0
fi
for tool in mmdebstrap podman; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
[ -d "$npm_dir" ] || { echo "error: npm's folder is not at $npm_dir" >&2; exit 1; }
[ -f "$ca_bundle" ] || { echo "error: no CA bundle at $ca_bundle" >&2; exit 1; }

echo "building $image (Debian bookworm minbase + Node.js $version from $node_bin)..." >&2
# As the official image: node and npm under /usr/local, a `node` user and group with id 1000.
mmdebstrap --variant=minbase --include=ca-certificates --quiet \
  --customize-hook="copy-in $node_bin /usr/local/bin" \
  --customize-hook='mkdir -p "$1/usr/local/lib/node_modules" "$1/usr/local/share/gossip"' \
  --customize-hook="copy-in $npm_dir /usr/local/lib/node_modules" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook="upload $ca_bundle /usr/local/share/gossip/host-ca-bundle.pem" \
  --customize-hook='chroot "$1" groupadd --gid 1000 node' \
  --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  bookworm - |
  podman import \
    --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/gossip/host-ca-bundle.pem' \
    --change 'ENV NODE_VERSION='"$version" \
    --change 'CMD ["node"]' \
    - "$image" >&2
echo "$image"
