#include "msg.h"

#include <stdarg.h>
#include <stdio.h>

const char *msg_program = "berth";

void msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	flockfile(stderr); /* one line, whole, from any thread */
	fprintf(stderr, "%s: ", msg_program);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}
