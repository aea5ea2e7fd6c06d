# Berth's own C programs (src/NAME/) and their shared library (src/lib/) build in
# two flavours from the same sources:
#   target: static against musl (TARGET_CC), for the image;
#   host:   the host's libc with AddressSanitizer and UndefinedBehaviorSanitizer,
#           for unit tests on the build machine.
BERTH_CFLAGS := -std=c17 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
TARGET_CFLAGS := $(BERTH_CFLAGS) -Os -ffunction-sections -fdata-sections
TARGET_LDFLAGS := -static -Wl,--gc-sections -s
HOST_SAN_CC := gcc
HOST_SAN_CFLAGS := $(BERTH_CFLAGS) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
HOST_SAN_LDFLAGS := -fsanitize=address,undefined
