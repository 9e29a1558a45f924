# imdesk container image: the same Makefile targets as on a developer's machine.
#   docker build -t imdesk .
#   docker run -p 8080:8080 -v imdesk-data:/data imdesk

# 1. Build app.wasm, compress it (brotli + gzip) and build the server with web/ embedded.
FROM golang:1.26-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends brotli make && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# /data is 0700: the panel refuses a data directory other users can read.
RUN make build && mkdir -p -m 700 /out/data

# 2. A small, non-root runtime: the static binary and nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/imdesk /imdesk
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV IMDESK_ADDR=0.0.0.0:8080 \
    IMDESK_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/imdesk", "healthcheck"]
ENTRYPOINT ["/imdesk"]
CMD ["serve"]
