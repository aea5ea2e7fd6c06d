/* One heap byte too far, and a signed overflow: the host flavour must catch both. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		int big = INT_MAX - 1 + argc; /* overflows when argc > 1 */
		printf("%d\n", big);
		return 0;
	}
	char *p = malloc(8);
	memset(p, 'x', 8 + (size_t)argc); /* argc is 1: one byte past the end */
	printf("%c\n", p[0]);
	free(p);
	return 0;
}
