# The mtclean web API and workers (one image; docker-compose.yml picks the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service service
COPY rules rules
# editable: the rule packs and the OpenAPI document are read from /app at run time
# compiled once at build time: PYTHONDONTWRITEBYTECODE stops the (read-only) app user writing them later
RUN pip install -e . && python -m compileall -q service && useradd --system --home /app mtclean
USER mtclean
EXPOSE 8000
CMD ["gunicorn", "service.web.app:create_app()", "-b", "0.0.0.0:8000", "-k", "service.ops.gunicorn_worker.JsonErrorWorker", "--threads", "8", "--no-control-socket"]
