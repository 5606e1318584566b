# syntax=docker/dockerfile:1.4
# batchgate: multi-stage Debian 12 (bookworm) image.
#
#   docker build --build-context reference=../shared/reference -t batchgate .
#
# Stage "build" runs exactly the README's set-up command, `tools/dev.sh test` (which installs the
# Debian packages of tools/dev.sh, builds Release and runs every test; BG_ASAN=1 adds the ASan +
# UBSan pass), so the image is built only when what CI proves passes. The tests read the Google
# WSDLs they compare against from ../shared/reference (never part of this repository): hence the
# named build context. tests/packaging/check_dockerfile.py keeps this file and tools/dev.sh from
# drifting apart (docs/deployment.md).
#
# Stage "runtime": debian:bookworm-slim with only the shared libraries the binary links, a
# non-root user, the data volume, the config at /etc/batchgate/batchgate.toml (config/docker.toml;
# mount your own over it) and a HEALTHCHECK on /healthz, over HTTPS or HTTP.

FROM debian:bookworm AS build
ARG BG_ASAN=0
WORKDIR /src
# Packages first (a cached layer as long as tools/dev.sh does not change).
COPY tools/dev.sh tools/dev.sh
RUN tools/dev.sh deps
COPY --from=reference . /shared/reference
COPY . .
RUN BG_ASAN=${BG_ASAN} tools/dev.sh test

FROM debian:bookworm-slim AS runtime
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libexpat1 libjemalloc2 libpugixml1v5 libsqlite3-0 libssl3 libspdlog1.10 libfmt9 libtomlplusplus3 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/batchgate \
      --shell /usr/sbin/nologin batchgate \
 && mkdir -p /var/lib/batchgate /etc/batchgate \
 && chown batchgate:batchgate /var/lib/batchgate && chmod 0700 /var/lib/batchgate
COPY --from=build /src/build/release/batchgate /usr/local/bin/batchgate
COPY config/docker.toml /etc/batchgate/batchgate.toml
ENV BATCHGATE_CONFIG=/etc/batchgate/batchgate.toml
USER batchgate
VOLUME ["/var/lib/batchgate"]
EXPOSE 8080
# TLS on (tls.enabled) or off: whichever scheme answers. -k: a local liveness probe, not trust.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD curl -fsS -k --max-time 4 https://127.0.0.1:8080/healthz \
   || curl -fsS --max-time 4 http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["batchgate"]
CMD ["serve"]
