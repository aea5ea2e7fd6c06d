/* Prints which C library it was linked against: glibc answers
 * _CS_GNU_LIBC_VERSION, musl does not know it. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	size_t n = confstr(_CS_GNU_LIBC_VERSION, buf, sizeof buf);
	printf("libc=%s\n", n ? buf : "musl");
	return 0;
}
