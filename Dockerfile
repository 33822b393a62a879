# syntax=docker/dockerfile:1
# Build: a static binary with every template and asset embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ekinerja ./cmd/ekinerja \
 && mkdir -p /out/backups

# Run: no shell, no package manager, no writable web root; runs as non-root.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ekinerja /ekinerja
# The mount point of the compose `backups` volume, owned by the runtime user
# so a fresh named volume is writable by it.
COPY --from=build --chown=65532:65532 /out/backups /backups
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/ekinerja"]
# Migrations run separately, as the database owner (`migrate up`); the
# server connects as the application login role.
CMD ["serve"]
