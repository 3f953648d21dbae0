# syntax=docker/dockerfile:1
#
# One image per function: FUNCTION picks the binary under functions/.
#   docker build --build-arg FUNCTION=strategy -t tabot-strategy .
#   docker build --build-arg FUNCTION=candle-source -t tabot-candle-source .
#   docker build --build-arg FUNCTION=publisher -t tabot-publisher .
# faas-cli passes FUNCTION from build_args in stack.yml. VERSION,
# COMMIT_SHA and BUILD_DATE end up in the image's environment (the
# functions report them on /health) and in main.version, main.commitSHA
# and main.buildDate when a main declares them.

ARG GO_VERSION=1.26.8

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build
ARG FUNCTION=strategy
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
ARG COMMIT_SHA=unknown
ARG BUILD_DATE=unknown
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN test -d "functions/${FUNCTION}" || { \
      echo "FUNCTION=${FUNCTION}: want strategy, candle-source or publisher" >&2; \
      exit 1; }
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commitSHA=${COMMIT_SHA} -X main.buildDate=${BUILD_DATE}" \
      -o /out/function "./functions/${FUNCTION}"

# Static binary on a distroless base: CA certificates and tzdata, no
# shell, no package manager, user nonroot (65532).
FROM gcr.io/distroless/static-debian12:nonroot
ARG FUNCTION=strategy
ARG VERSION=dev
ARG COMMIT_SHA=unknown
ARG BUILD_DATE=unknown
LABEL org.opencontainers.image.title="tabot-${FUNCTION}" \
      org.opencontainers.image.source="https://github.com/tabot-functions/tabot" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT_SHA}" \
      org.opencontainers.image.created="${BUILD_DATE}"
ENV PORT=8080 \
    VERSION=${VERSION} \
    COMMIT_SHA=${COMMIT_SHA} \
    BUILD_DATE=${BUILD_DATE}
COPY --from=build /out/function /function
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/function"]
