# syntax=docker/dockerfile:1
# Build: a static binary with every template and asset embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ekinerja ./cmd/ekinerja

# Run: no shell, no package manager, no writable web root; runs as non-root.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ekinerja /ekinerja
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/ekinerja"]
CMD ["serve", "--migrate"]
