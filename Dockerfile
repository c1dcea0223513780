# syntax=docker/dockerfile:1

# Stage 1: resolve dependencies from the lockfile and compile the single binary.
FROM denoland/deno:2.9.6 AS build
WORKDIR /src
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY . .
RUN deno task compile

# Stage 2: only the binary, on a minimal glibc base.
FROM gcr.io/distroless/cc-debian12
COPY --from=build /src/etcd-ts /usr/local/bin/etcd-ts
ENV ETCD_DATA_DIR=/var/lib/etcd-ts \
    ETCD_LISTEN_CLIENT_URLS=http://0.0.0.0:2379 \
    ETCD_ADVERTISE_CLIENT_URLS=http://localhost:2379 \
    ETCD_LISTEN_PEER_URLS=http://0.0.0.0:2380
VOLUME /var/lib/etcd-ts
EXPOSE 2379 2380
ENTRYPOINT ["/usr/local/bin/etcd-ts"]
CMD ["serve"]
