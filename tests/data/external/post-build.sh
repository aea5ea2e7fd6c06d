#!/bin/sh
# Post-build: runs on the staged root filesystem ($1) before it is packed.
set -e
echo "post-build ran for $BERTH_BOARD $BERTH_VERSION" > "$1/etc/berth-post-build"
