# sesguard for scheduled live scans: small, non-root, read-only root filesystem friendly.
#   docker build -t sesguard .
#   docker run --rm --read-only --tmpfs /tmp -v "$PWD/reports:/reports" \
#     -e AWS_REGION -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN \
#     sesguard scan --regions all
# Writes findings.json, report.html and the history to /reports (mount it to keep the history).
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
# sesguard/data/policies links to policies/: both are needed for the wheel
COPY policies ./policies
COPY sesguard ./sesguard
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
    && pip download --no-cache-dir --dest /wheels /wheels/sesguard-*.whl

FROM python:3.12-slim
# the version in pyproject.toml (a test keeps them equal)
ARG SESGUARD_VERSION=0.1.0
RUN useradd --system --uid 10001 --no-create-home --home-dir /tmp sesguard
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "sesguard==${SESGUARD_VERSION}" \
    && rm -rf /wheels
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    PYTEST_ADDOPTS="-p no:cacheprovider"
RUN mkdir /reports && chown 10001:10001 /reports
WORKDIR /reports
USER 10001:10001
ENTRYPOINT ["sesguard"]
CMD ["scan", "--report-dir", "/reports"]
