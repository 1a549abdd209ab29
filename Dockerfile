# The reelscan worker (and CLI) image.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md alembic.ini ./
COPY reelscan ./reelscan
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY worker.py starter.py ./
RUN pip install --no-cache-dir .
RUN useradd --create-home reelscan && mkdir -p /data && chown reelscan /data
USER reelscan
EXPOSE 8787 9464
CMD ["python", "worker.py"]
