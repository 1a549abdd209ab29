# The reelscan worker (and CLI) image.
# The progress page's chart library, from the npm registry by its lock file (only node_modules/ is kept).
FROM node:20-slim AS page
WORKDIR /page
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md alembic.ini ./
COPY reelscan ./reelscan
COPY workflows ./workflows
COPY activities ./activities
COPY service ./service
COPY api ./api
COPY worker.py starter.py ./
COPY --from=page /page/node_modules ./node_modules
RUN pip install --no-cache-dir .
RUN useradd --create-home reelscan && mkdir -p /data && chown reelscan /data
USER reelscan
EXPOSE 8787 9464
CMD ["python", "worker.py"]
