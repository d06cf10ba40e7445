# syntax=docker/dockerfile:1
# The BFF as a container image: built from the lockfile in a first stage, which compiles the BFF and lays it out
# with its production dependencies only (packages/bff/scripts/deploy.mjs: tsc, `pnpm deploy --prod`, the widget
# bundle); the final image runs that compiled JavaScript with plain node, as the unprivileged `node` user, with a
# health check. Config comes from a mounted file (CA_CONFIG), secrets from the environment through "${env:NAME}"
# in that file. See README "Running in containers".

FROM node:20-bookworm-slim AS build
ENV CI=true
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY . .
RUN pnpm install --frozen-lockfile \
 && node packages/bff/scripts/deploy.mjs /out \
 && rm -rf /root/.cache /root/.local/share/pnpm

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CA_CONFIG=/etc/candidate-assessment/bff.config.json \
    CA_HEALTHCHECK_URL=http://127.0.0.1:8787/healthz
WORKDIR /app
# Code and dependencies belong to root and are read-only for the process; only /data (the embedded database,
# when no PostgreSQL is configured) is writable.
COPY --from=build /out /app
RUN mkdir -p /data /etc/candidate-assessment && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8787
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.CA_HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "packages/bff/dist/server.js"]
