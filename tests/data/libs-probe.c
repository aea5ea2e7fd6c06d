/* Uses each target library once: an Ed25519 signature checks and a tampered
 * one does not (libsodium), JSON parses (jansson), libcurl says what it was
 * built with and, given a URL (and a CA file to trust), fetches it and prints
 * the body. */
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

int main(int argc, char **argv)
{
	const unsigned char *msg = (const unsigned char *)"{\"version\": \"1.2.3\"}";
	size_t len = strlen((const char *)msg);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sig[crypto_sign_BYTES], h[crypto_hash_sha256_BYTES];
	if (sodium_init() < 0)
		return 1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, msg, len, sk);
	int good = crypto_sign_verify_detached(sig, msg, len, pk);
	sig[0] ^= 1;
	int bad = crypto_sign_verify_detached(sig, msg, len, pk);
	crypto_hash_sha256(h, (const unsigned char *)"abc", 3);
	printf("sodium=%s verify=%d tampered=%d sha256(abc)=%02x%02x%02x%02x\n",
	       sodium_version_string(), good, bad, h[0], h[1], h[2], h[3]);

	json_error_t err;
	json_t *j = json_loads((const char *)msg, 0, &err);
	printf("jansson=%s version=%s\n", JANSSON_VERSION,
	       j ? json_string_value(json_object_get(j, "version")) : err.text);
	json_decref(j);

	curl_global_init(CURL_GLOBAL_DEFAULT);
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	printf("curl=%s ssl=%s ssl-feature=%s cainfo=%s protocols=", v->version,
	       v->ssl_version ? v->ssl_version : "none",
	       (v->features & CURL_VERSION_SSL) ? "yes" : "no", v->cainfo ? v->cainfo : "none");
	for (const char *const *p = v->protocols; *p; p++)
		printf("%s%s", p == v->protocols ? "" : ",", *p);
	printf("\n");
	fflush(stdout);
	CURL *c = curl_easy_init();
	if (!c)
		return 1;
	int rc = 0;
	if (argc > 1) {
		curl_easy_setopt(c, CURLOPT_URL, argv[1]);
		if (argc > 2)
			curl_easy_setopt(c, CURLOPT_CAINFO, argv[2]);
		CURLcode res = curl_easy_perform(c);
		printf("\nfetch=%s\n", curl_easy_strerror(res));
		rc = res != CURLE_OK;
	}
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc;
}
