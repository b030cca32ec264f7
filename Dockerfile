# syntax=docker/dockerfile:1
# Untested here: no Docker engine runs on the development machines. Built from the same pom as the jar.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline -DexcludeScope=test || true
COPY src src
COPY webroot webroot
# The build packages the API description (served at /openapi.yaml) from docs/.
COPY docs/openapi.yaml docs/openapi.yaml
RUN mvn -B -ntp -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 cidrotator \
 && useradd --system --uid 10001 --gid cidrotator --home /app --shell /usr/sbin/nologin cidrotator
WORKDIR /app
COPY --from=build /src/target/cid-rotator-fat.jar /app/cid-rotator.jar
COPY conf /app/conf
# A fixed uid, so files mounted into /app/conf (USERS_FILE, JWT keys) can be given to it: chown 10001.
USER 10001
# Inside the container the server must listen on all interfaces; compose publishes it on 127.0.0.1 only.
ENV API_HOST=0.0.0.0 \
    API_PORT=8000 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"
EXPOSE 8000 4573
# Readiness: healthy while the server can allocate (200 with PostgreSQL down too: "degraded"), which is what a
# proxy that routes by Docker health wants. A supervisor that restarts the process should ask /health/live.
HEALTHCHECK --interval=10s --timeout=2s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8000/health >/dev/null || exit 1
# Arguments go to the jar: "hash-password NAME ROLE" makes a USERS_FILE line instead of starting the server.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/cid-rotator.jar \"$@\"", "cid-rotator"]
