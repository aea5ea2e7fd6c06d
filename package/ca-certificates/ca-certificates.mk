# The Mozilla CA bundle as /etc/ssl/certs/ca-certificates.crt, the file libcurl
# (package/curl) is configured with: the certificates Mozilla trusts to identify
# TLS servers, from certdata.txt in Debian's ca-certificates source package,
# made into PEM at build time by Debian's own script (host python3 with its
# cryptography module), as Debian's package builds it. Debian's package is
# native: it has no upstream site and its tarball is the source.
CA_CERTIFICATES_VERSION := 20230311+deb12u1
CA_CERTIFICATES_SOURCE := ca-certificates_$(CA_CERTIFICATES_VERSION).tar.xz
CA_CERTIFICATES_SITE :=
CA_CERTIFICATES_DEBIAN := ca-certificates
CA_CERTIFICATES_LICENSE := MPL-2.0

# One .crt per trusted certificate (blacklist.txt's left out), then Debian's
# extra ones; the bundle is them in file-name order (C locale), without a
# timestamp or a comment, so the same source gives the same bytes.
define CA_CERTIFICATES_BUILD_CMDS
	python3 -c 'from cryptography import x509' || { echo "error: $$(command -v python3) has no \
		cryptography module (Debian: apt-get install python3-cryptography)"; exit 1; }
	rm -f $(CA_CERTIFICATES_SRCDIR)/mozilla/*.crt
	cd $(CA_CERTIFICATES_SRCDIR)/mozilla && python3 certdata2pem.py && cp extra/*.crt .
	cd $(CA_CERTIFICATES_SRCDIR)/mozilla && find . -maxdepth 1 -name '*.crt' -print0 | LC_ALL=C sort -z | \
		xargs -0 cat > ../ca-certificates.crt
endef

define CA_CERTIFICATES_INSTALL_CMDS
	install -D -m 0644 $(CA_CERTIFICATES_SRCDIR)/ca-certificates.crt \
		$(CA_CERTIFICATES_DEST)/etc/ssl/certs/ca-certificates.crt
endef

$(eval $(call berth-package,ca-certificates))
