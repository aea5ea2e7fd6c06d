#!/bin/sh
# The artifact DigitalOcean's custom images take: the raw GPT disk, gzip-
# compressed (images/disk.img.gz; docs/digitalocean.md). -n: no name or time
# in the header, so the same disk gives the same bytes.
set -eu
images=$1
gzip -n -9 -c "$images/disk.img" > "$images/disk.img.gz.tmp"
mv "$images/disk.img.gz.tmp" "$images/disk.img.gz"
echo "digitalocean: $images/disk.img.gz ($(du -m "$images/disk.img.gz" | cut -f1) MiB; upload it as a custom image)"
