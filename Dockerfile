# One gossip node per container. Build: docker build -t gossip:latest .
# Settings come from GOSSIP_* variables (or flags after the image name). The node listens on 0.0.0.0, so
# it needs the cluster key its peers share (it refuses to start without one, unless given --insecure):
#   docker run --rm -v "$PWD/cluster.key:/run/secrets/gossip-cluster-key:ro" \
#     -e GOSSIP_CLUSTER_KEY_FILE=/run/secrets/gossip-cluster-key \
#     -e GOSSIP_ID=1 -e GOSSIP_ADVERTISE=node1:7000 -e GOSSIP_PEERS=2@node2:7000 gossip:latest
# Without an image registry, build on a local base image made from Debian packages (scripts/base-image.sh):
#   podman build --format docker --build-arg NODE_IMAGE="$(scripts/base-image.sh)" -t gossip:latest .

# The Node.js 20 image both stages start from: the official one unless a build passes another.
ARG NODE_IMAGE=node:20-slim

# --- builder: dev dependencies, tsc, then drop the dev dependencies again ---
FROM ${NODE_IMAGE} AS builder
WORKDIR /app
# Dependencies first, so that a change in src/ does not reinstall them. --ignore-scripts: `prepare` would
# run tsc before the sources are here; no production dependency has an install script.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY scripts/bundle.js ./scripts/bundle.js
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: only what runs, owned by root and read-only to the node user ---
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    GOSSIP_HOST=0.0.0.0 \
    GOSSIP_PORT=7000 \
    GOSSIP_DATA_DIR=/data
WORKDIR /app
COPY --from=builder /app/package.json ./package.json
COPY --from=builder /app/node_modules ./node_modules
COPY --from=builder /app/bin ./bin
COPY --from=builder /app/dist ./dist
# The journal lives in /data; a new named volume takes this directory's owner, so the node can write it.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 7000
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "/app/bin/gossip.js", "health", "127.0.0.1:7000"]
# A 2 MiB young generation: a busy node stays about 20 MiB smaller (docs/BENCHMARKS.md).
ENTRYPOINT ["node", "--max-semi-space-size=2", "/app/bin/gossip.js", "node"]
