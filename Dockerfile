# Albatross as a container: a build stage that compiles the binary, a runtime stage with only the libraries
# it links. Run it with docker-compose.yml (host networking + the Docker socket, see README "Running in Docker").
#
# BASE_IMAGE is any Debian 12 image; scripts/verify-compose.sh passes one imported from debootstrap because no
# registry is reachable there. BUILD_JOBS bounds the compiler's parallelism (it runs under nice -n 19).
# The ccache cache mount needs BuildKit (DOCKER_BUILDKIT=1, the default from Docker 23).
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
ARG BUILD_JOBS=2
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      cmake ninja-build g++ ccache pkg-config libboost1.81-dev nlohmann-json3-dev libsqlitecpp-dev \
      libsqlite3-dev libssl-dev libcurl4-openssl-dev \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what CMake compiles, so editing docs or scripts does not invalidate the compile layer.
COPY CMakeLists.txt ./
COPY scripts/embed_files.cmake scripts/
COPY emulator emulator
COPY services services
COPY storage storage
COPY routing routing
COPY tests/unit tests/unit
COPY tests/fixtures/test_app tests/fixtures/test_app
# Same flags as scripts/build.sh (RelWithDebInfo, -Werror); the symbols are stripped for the runtime image.
RUN --mount=type=cache,target=/root/.cache/ccache \
    export CCACHE_DIR=/root/.cache/ccache CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=1 \
 && cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null \
 && nice -n 19 cmake --build /build -j "${BUILD_JOBS}" --target albatross \
 && strip -o /albatross /build/albatross \
 && ccache --show-stats | grep -E 'Hits|Misses' || true

FROM ${BASE_IMAGE}
# Runtime libraries only: the binary links libssl3 and libsqlite3 (Boost is header-only here, libstdc++ is in
# every Debian image). curl serves the HEALTHCHECK.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libssl3 libsqlite3-0 curl \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY --from=build /albatross /usr/local/bin/albatross
# Fail the build, not the first start, if a linked library is missing.
RUN ! ldd /usr/local/bin/albatross | grep 'not found'
# Root, because the Docker socket (root:docker, 0660, GID differs per host) launches ECS tasks as sibling
# containers — access to it is root-equivalent anyway — and listeners on ports below 1024 (80, 443) need it.
ENV ALBATROSS_LISTEN=127.0.0.1:4566 \
    ALBATROSS_REGISTRY_LISTEN=127.0.0.1:4510 \
    ALBATROSS_STATE_DIR=/var/lib/albatross
LABEL org.opencontainers.image.title="albatross" \
      org.opencontainers.image.description="Local AWS emulator for ALB + ECS + ECR + ACM"
# albatross handles SIGTERM itself (closes listeners, commits state) as PID 1; exec form so it gets the signal.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null "http://${ALBATROSS_LISTEN}/_albatross/health" || exit 1
ENTRYPOINT ["/usr/local/bin/albatross"]
