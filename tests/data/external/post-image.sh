#!/bin/sh
# Post-image: runs once the images are built, in the images directory ($1).
set -e
cd "$1"
ls disk.img disk.qcow2 rootfs.squashfs > post-image.done
