FROM scratch AS base
ARG GREETING
COPY hello.txt /hello.txt

FROM base AS web
CMD ["/hello.txt"]
