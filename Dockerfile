# Image for the worker and the API (docker-compose.yml). Node 20 with the project's dependencies.
# The desk (the web application the API serves under /desk) is built in a first stage with the
# build tools (Vite, openapi-typescript: dev dependencies); only its output is kept.
FROM node:20-bookworm-slim AS desk
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate && npx tsx scripts/desk-build.ts

FROM node:20-bookworm-slim
# Fonts with Arabic letters for the monthly report's charts (activities/reports/charts.ts).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-core \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm install --no-save prisma@7 tsx
COPY . .
COPY --from=desk /app/desk/dist ./desk/dist
RUN PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate
# Production rules: the development signing key and HS256 development tokens are refused, login
# goes through the identity provider (OIDC_*), secrets come from files (*_FILE, Docker secrets).
ENV NODE_ENV=production
USER node
