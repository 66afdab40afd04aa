# syntax=docker/dockerfile:1
#
# One Dockerfile for every part of the weather pipeline. Choose the part with --target
# (docker-compose.yml does the same for each service):
#
#   docker build --target collector -t weather/collector .   HTTP ingestion → Kafka      (port 8001)
#   docker build --target consumer  -t weather/consumer  .   Kafka → database            (port 8002)
#   docker build --target query     -t weather/query     .   the seed's query API        (port 8003)
#   docker build --target generator -t weather/generator .   station simulator           (port 8004)
#   docker build --target web       -t weather/web       .   Next.js dashboard + APIs    (port 3000)
#   docker build --target migrate   -t weather/migrate   .   one-shot `npm run db:migrate`
#   docker build --target test      -t weather/test      .   `npm test` with Debian's chromium
#
# Without --target, Docker builds the last stage (web). Stages:
#
#   base ─ toolchain ─┬─ deps (npm ci) ─ build (turbo run build) ─┬─ test
#                     │                                           └─ web (Next.js standalone output)
#                     └─ <app>-deps (npm ci --omit=dev --workspace=<app's package>)
#   base ─ node-service + <app>-deps + the app's dist/ or sources ─ collector, consumer,
#                                                                   query, generator, migrate
#
# Needs BuildKit (the default builder since Docker 23) and a committed package-lock.json.
# Runtime images run as the unprivileged `node` user (uid 1000) over root-owned, read-only code.

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS base
ENV NEXT_TELEMETRY_DISABLED=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# Where compose mounts the generated secrets (its `secrets` one-shot writes them as `node`): a
# new named volume takes this folder's owner.
RUN mkdir -p /run/weather-secrets \
 && chown node:node /run/weather-secrets
WORKDIR /app

# Only the package manifests, in their folders: npm ci below reruns when dependencies change,
# not on every source edit (BuildKit caches COPY --from by content).
FROM base AS manifests
COPY . .
RUN find . -mindepth 1 -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -mindepth 1 -type d -empty -delete

# The npm release named by the root package.json's "packageManager" field, so installs here
# behave exactly like developers' and CI's. Installs then run as `node`, not root.
FROM base AS toolchain
RUN --mount=type=bind,source=package.json,target=/tmp/root-package.json \
    --mount=type=cache,id=npm-root,target=/root/.npm \
    npm install --global "$(node -p "require('/tmp/root-package.json').packageManager")" \
 && chown node:node /app
USER node
COPY --from=manifests --chown=node:node /app/ ./

# Every dependency, dev ones included: what turbo, tsup, next and the test runners need.
FROM toolchain AS deps
RUN --mount=type=cache,id=npm,target=/home/node/.npm,uid=1000,gid=1000 \
    npm ci

# Production dependencies of one service each (its own and those of the @weather/* packages it
# uses): tsup bundles the workspace's TypeScript into dist/ but leaves npm packages external.
# About 110 MB per service instead of the whole repo's ~490 MB (Next.js is web-only).
FROM toolchain AS collector-deps
RUN --mount=type=cache,id=npm,target=/home/node/.npm,uid=1000,gid=1000 \
    npm ci --omit=dev --workspace=@weather/collector

FROM toolchain AS consumer-deps
RUN --mount=type=cache,id=npm,target=/home/node/.npm,uid=1000,gid=1000 \
    npm ci --omit=dev --workspace=@weather/consumer

FROM toolchain AS query-deps
RUN --mount=type=cache,id=npm,target=/home/node/.npm,uid=1000,gid=1000 \
    npm ci --omit=dev --workspace=@weather/query

FROM toolchain AS generator-deps
RUN --mount=type=cache,id=npm,target=/home/node/.npm,uid=1000,gid=1000 \
    npm ci --omit=dev --workspace=@weather/generator

# @weather/db's production dependencies, tsx included (its migrate script runs TypeScript), and
# @weather/auth's, for `docker compose run --rm migrate npm run admin -- …`.
FROM toolchain AS migrate-deps
RUN --mount=type=cache,id=npm,target=/home/node/.npm,uid=1000,gid=1000 \
    npm ci --omit=dev --workspace=@weather/db --workspace=@weather/auth

# Builds every app (tsup bundles, Next.js standalone output). Turbo's local cache stays in the
# layer, so the test target's `turbo run` finds these builds done.
FROM deps AS build
COPY --chown=node:node . .
RUN npx turbo run build \
 && mkdir -p apps/web/public

# ---------------------------------------------------------------------------------------------
# Node services: the service's production node_modules and its bundle, nothing else.

FROM base AS node-service
ENV NODE_ENV=production \
    HOST=0.0.0.0
USER node

FROM node-service AS collector
COPY --from=collector-deps /app/ ./
COPY --from=build /app/apps/collector/dist/ ./apps/collector/dist/
WORKDIR /app/apps/collector
ENV COLLECTOR_PORT=8001
EXPOSE 8001
CMD ["node", "--enable-source-maps", "dist/index.js"]

FROM node-service AS consumer
COPY --from=consumer-deps /app/ ./
COPY --from=build /app/apps/consumer/dist/ ./apps/consumer/dist/
# @weather/db's folder (SQL migrations included): node_modules/@weather/db links to it, so code
# can find the migrations with require.resolve('@weather/db/package.json') at start-up.
COPY packages/db/ ./packages/db/
WORKDIR /app/apps/consumer
ENV CONSUMER_PORT=8002
EXPOSE 8002
CMD ["node", "--enable-source-maps", "dist/index.js"]

FROM node-service AS query
COPY --from=query-deps /app/ ./
COPY --from=build /app/apps/query/dist/ ./apps/query/dist/
WORKDIR /app/apps/query
ENV QUERY_PORT=8003
EXPOSE 8003
CMD ["node", "--enable-source-maps", "dist/index.js"]

FROM node-service AS generator
COPY --from=generator-deps /app/ ./
COPY --from=build /app/apps/generator/dist/ ./apps/generator/dist/
WORKDIR /app/apps/generator
ENV GENERATOR_PORT=8004
EXPOSE 8004
CMD ["node", "--enable-source-maps", "dist/index.js"]

# One-shot: applies the versioned SQL migrations to DATABASE_URL, exits non-zero on failure.
# Runs @weather/db's TypeScript source with tsx, so it ships the packages' sources and the
# shared tsconfig instead of a bundle.
FROM node-service AS migrate
COPY --from=migrate-deps /app/ ./
COPY packages/ ./packages/
COPY tooling/typescript/ ./tooling/typescript/
CMD ["npm", "run", "db:migrate"]

# ---------------------------------------------------------------------------------------------
# The test suite: the whole built workspace with dev dependencies. Playwright drives Debian's
# chromium (no browser download): point launchOptions.executablePath at CHROMIUM_PATH. No JDK
# here: Kafka is a compose service. procps (pgrep) and iproute2 (ss): the infrastructure
# scripts' tests inspect processes and ports.
FROM build AS test
USER root
RUN rm -f /etc/apt/apt.conf.d/docker-clean \
 && echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation procps iproute2
USER node
ENV CHROMIUM_PATH=/usr/bin/chromium \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
CMD ["npm", "test"]

# ---------------------------------------------------------------------------------------------
# Web: Next.js `output: 'standalone'` (traced node_modules included) plus its static assets.
# The standalone tree mirrors the repo from the tracing root (the repo root), so the server
# is apps/web/server.js. It reads PORT and HOSTNAME (Docker would otherwise set HOSTNAME to
# the container id, and Next would listen on that address only).

FROM base AS web
ENV NODE_ENV=production \
    HOSTNAME=0.0.0.0 \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=build /app/apps/web/.next/standalone/ ./
COPY --from=build /app/apps/web/.next/static/ ./apps/web/.next/static/
COPY --from=build /app/apps/web/public/ ./apps/web/public/
RUN mkdir -p apps/web/.next/cache \
 && chown node:node apps/web/.next/cache
USER node
EXPOSE 3000
CMD ["node", "apps/web/server.js"]
