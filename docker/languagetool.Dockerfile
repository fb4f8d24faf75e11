# LanguageTool HTTP server for mtclean's grammar pass, built from the same Maven recipe as
# `mtclean languagetool fetch` (scripts/languagetool/pom.xml: the server and English, nothing
# else) and with mtclean's own rules (rules/grammar/languagetool-en.xml) and server settings.
#   docker compose build languagetool
ARG LT_VERSION=6.8

FROM maven:3.9-eclipse-temurin-17 AS fetch
ARG LT_VERSION
WORKDIR /build
COPY scripts/languagetool/pom.xml pom.xml
RUN mvn -q -B -f pom.xml dependency:copy-dependencies -DoutputDirectory=/lt/lib -Dlt.version=${LT_VERSION}

FROM eclipse-temurin:17-jre
WORKDIR /lt
COPY --from=fetch /lt/lib lib
COPY rules/grammar/languagetool-en.xml custom/org/languagetool/rules/en/grammar_custom.xml
# the same settings as service/ops/languagetool.py SERVER_PROPERTIES
RUN printf '%s\n' maxTextLength=100000 maxCheckTimeMillis=60000 cacheSize=1000 pipelineCaching=true \
        maxCheckThreads=2 > server.properties \
 && useradd --system --home /lt languagetool
USER languagetool
EXPOSE 8010
ENV JAVA_OPTS="-Xmx512m -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8010 && printf "GET /v2/healthcheck HTTP/1.0\r\n\r\n" >&3 && grep -q "200" <&3'
CMD ["sh", "-c", "exec java $JAVA_OPTS -cp 'custom:lib/*' org.languagetool.server.HTTPServer --port 8010 --public --allow-origin '*' --config server.properties"]
