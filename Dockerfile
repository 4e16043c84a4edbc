# syntax=docker/dockerfile:1
# One image for the six services (feed-gateway, preprocessor, feature-engine, alt-data-aggregator,
# timescale-writer, quality-monitor). The service is chosen at run time, not at build time:
#   docker run md-platform:local node dist/apps/preprocessor/src/main.js     (docker-compose.yml does this)
#   docker run -e SERVICE=preprocessor md-platform:local                     (default CMD)
# Health checks are defined by the orchestrator (docker-compose.yml, Kubernetes probes on /ready).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- manifests: only the package.json files, so `npm ci` layers stay cached while sources change
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && cp package.json package-lock.json /manifests/ \
 && find apps libs -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /manifests/ \;

# --- build: all dependencies, TypeScript to dist/ (+ dist/node_modules/@md/* links)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- prod-deps: runtime dependencies only
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    MD_SCHEMAS_DIR=/app/schemas
WORKDIR /app
COPY --from=prod-deps /app/ ./
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
# mdctl (the backup CronJob) finds the workspace root by nx.json.
COPY nx.json ./
# Files stay root-owned (read-only for the service); the process runs unprivileged.
USER node
# Exec form through sh only to expand SERVICE; `exec` makes node PID 1 so SIGTERM reaches its drain.
CMD ["sh", "-c", "exec node \"dist/apps/${SERVICE:?set SERVICE to feed-gateway|preprocessor|feature-engine|alt-data-aggregator|timescale-writer|quality-monitor, or pass the command node dist/apps/<service>/src/main.js}/src/main.js\""]
