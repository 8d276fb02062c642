# Asterisk 22 from Debian sid, run against the configuration the web app renders
# into the shared instance volume (same path in both containers).
FROM debian:sid-slim

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        asterisk asterisk-modules \
    && rm -rf /var/lib/apt/lists/*

CMD ["sh", "-c", "exec /usr/sbin/asterisk -f -C \"$HOTLINE_ASTERISK_DIR/etc/asterisk.conf\""]
