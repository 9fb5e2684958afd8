# One image for web, worker, beat and the migration step (docker-compose.yml picks the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango (and its fonts) is what WeasyPrint lays out and draws the printed documents with.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-liberation && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml package.json package-lock.json ./
COPY service ./service
COPY workers ./workers
COPY workflows ./workflows
RUN pip install --no-cache-dir . && npm ci --no-audit --no-fund --omit=dev
RUN useradd --system --home /app safeguarding && chown -R safeguarding /app
USER safeguarding
EXPOSE 8000
