/* The platforms' network descriptions as lines of /etc/berth/network.conf:
 * NoCloud's network-config (versions 1 and 2), OpenStack's network_data.json
 * and DigitalOcean's metadata, IPv4 and IPv6; bad ones named. The agent's
 * metadata.c is compiled in whole: its helpers are static. */
#include "../../src/berth-provision/metadata.c"
#include "check.h"

static struct node_meta m;
static char err[ERRLEN];

/* The lines M holds, one string, each followed by '\n'. */
static const char *lines(void)
{
	static char out[4096];
	out[0] = '\0';
	for (size_t i = 0; i < m.network.n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s\n", m.network.v[i]);
	strv_clear(&m.network);
	return out;
}

static int nocloud(const char *yaml)
{
	err[0] = '\0';
	return meta_nocloud_network(yaml, strlen(yaml), &m, err);
}

int main(void)
{
	/* Version 1: physical interfaces by MAC or name, static and static6
	 * subnets (address with netmask, prefix or in CIDR form), DHCP skipped,
	 * name servers from subnets and from a nameserver entry. */
	CHECK(nocloud("version: 1\n"
		      "config:\n"
		      "  - type: physical\n"
		      "    name: eth0\n"
		      "    mac_address: \"52:54:00:12:34:56\"\n"
		      "    subnets:\n"
		      "      - type: static\n"
		      "        address: 192.168.1.10\n"
		      "        netmask: 255.255.255.0\n"
		      "        gateway: 192.168.1.1\n"
		      "        dns_nameservers: [192.168.1.2]\n"
		      "      - type: static6\n"
		      "        address: 2001:db8::10/64\n"
		      "        gateway: 2001:db8::1\n"
		      "  - type: physical\n"
		      "    name: eth1\n"
		      "    subnets:\n"
		      "      - type: dhcp\n"
		      "      - type: static\n"
		      "        address: 10.0.0.5\n"
		      "        prefix: 8\n"
		      "  - type: nameserver\n"
		      "    address: [9.9.9.9, \"2620:fe::fe\"]\n") == 0);
	CHECK_STR(lines(), "address 52:54:00:12:34:56 192.168.1.10/24\n"
			   "gateway 52:54:00:12:34:56 192.168.1.1\n"
			   "dns 192.168.1.2\n"
			   "address 52:54:00:12:34:56 2001:db8::10/64\n"
			   "gateway 52:54:00:12:34:56 2001:db8::1\n"
			   "address eth1 10.0.0.5/8\n"
			   "dns 9.9.9.9\n"
			   "dns 2620:fe::fe\n");

	/* Version 2 under network:, by match (MAC or name) or by id; gateways
	 * and routes; 0.0.0.0 and :: are no gateways. */
	CHECK(nocloud("network:\n"
		      "  version: 2\n"
		      "  ethernets:\n"
		      "    lan:\n"
		      "      match: {macaddress: \"52:54:00:77:00:05\"}\n"
		      "      addresses: [192.168.77.5/24, \"fd00:77::5/64\"]\n"
		      "      routes:\n"
		      "        - {to: default, via: 192.168.77.1}\n"
		      "        - {to: \"::/0\", via: \"fd00:77::1\"}\n"
		      "        - {to: 10.9.0.0/16, via: 192.168.77.9}\n"
		      "      nameservers: {addresses: [192.168.77.2]}\n"
		      "    eth0:\n"
		      "      dhcp4: true\n"
		      "    eth2:\n"
		      "      addresses: [172.16.0.9/12]\n"
		      "      gateway4: 172.16.0.1\n"
		      "      gateway6: \"::\"\n"
		      "    eth3:\n"
		      "      addresses: [10.1.0.9/16]\n"
		      "      gateway4: 0.0.0.0\n"
		      "    byname:\n"
		      "      match: {name: eth7}\n"
		      "      addresses: [10.7.0.1/24]\n") == 0);
	CHECK_STR(lines(), "address 52:54:00:77:00:05 192.168.77.5/24\n"
			   "address 52:54:00:77:00:05 fd00:77::5/64\n"
			   "gateway 52:54:00:77:00:05 192.168.77.1\n"
			   "gateway 52:54:00:77:00:05 fd00:77::1\n"
			   "dns 192.168.77.2\n"
			   "address eth2 172.16.0.9/12\n"
			   "gateway eth2 172.16.0.1\n"
			   "address eth3 10.1.0.9/16\n"
			   "address eth7 10.7.0.1/24\n");

	/* Bad ones: named, nothing kept. */
	CHECK(nocloud("version: 3\n") < 0);
	CHECK_STR(err, "network-config: version 3: only 1 and 2 are known");
	CHECK(nocloud("ethernets: {}\n") < 0);
	CHECK_STR(err, "network-config: no version: 1 or 2");
	CHECK(nocloud("version: 2\nethernets:\n  eth0:\n    addresses: [10.0.0.300/24]\n") < 0);
	CHECK_STR(err, "network-config: address: not an IPv4 or IPv6 address: 10.0.0.300/24");
	CHECK(nocloud("version: 2\nethernets:\n  eth0:\n    addresses: [10.0.0.3/33]\n") < 0);
	CHECK_STR(err, "network-config: address: not a prefix length: 10.0.0.3/33");
	CHECK(nocloud("version: 2\nethernets:\n  eth0:\n    addresses: [\"fd00::3/64 x\"]\n") < 0);
	CHECK_STR(err, "network-config: address: not a prefix length: fd00::3/64 x");
	CHECK(nocloud("version: 2\nethernets:\n  eth0:\n    addresses: [fd00::3/129]\n") < 0);
	CHECK_STR(err, "network-config: address: not a prefix length: fd00::3/129");
	CHECK(nocloud("version: 2\nethernets:\n  \"eth0;reboot\":\n    addresses: [10.0.0.3/24]\n") < 0);
	CHECK_STR(err, "network-config: address: not a MAC address or interface name: eth0;reboot");
	CHECK(nocloud("version: 1\nconfig:\n  - type: physical\n    name: eth0\n    subnets:\n"
		      "      - type: static\n        address: 10.0.0.3\n") < 0);
	CHECK_STR(err, "network-config: 10.0.0.3: no prefix length or netmask");
	CHECK(nocloud("version: 2\n  ethernets: [\n") < 0);
	CHECK(strncmp(err, "network-config: line ", 21) == 0);
	strv_clear(&m.network);

	/* network_data.json: an ipv6 network with a netmask, its default route. */
	const char *nd = "{\"links\": [{\"id\": \"l0\", \"ethernet_mac_address\": \"52:54:00:be:00:01\"}],"
			 " \"networks\": [{\"type\": \"ipv6\", \"link\": \"l0\", \"ip_address\": \"fd00:88::1\","
			 " \"netmask\": \"ffff:ffff:ffff:ff00::\", \"routes\": [{\"network\": \"::\", \"gateway\": \"fd00:88::fe\"}]}],"
			 " \"services\": [{\"type\": \"dns\", \"address\": \"fd00:88::53\"}]}";
	CHECK(meta_openstack_network(nd, strlen(nd), &m, err) == 0);
	CHECK_STR(lines(), "address 52:54:00:be:00:01 fd00:88::1/56\n"
			   "gateway 52:54:00:be:00:01 fd00:88::fe\n"
			   "dns fd00:88::53\n");
	const char *bad = "{\"links\": [{\"id\": \"l0\", \"ethernet_mac_address\": \"52:54:00:be:00:01\"}],"
			  " \"networks\": [{\"type\": \"ipv6\", \"link\": \"l0\", \"ip_address\": \"fd00:88::1\","
			  " \"netmask\": \"ffff:0:ffff::\"}]}";
	CHECK(meta_openstack_network(bad, strlen(bad), &m, err) < 0);
	CHECK_STR(err, "network_data.json: netmask: not an IPv6 prefix length or netmask");
	strv_clear(&m.network);

	/* DigitalOcean: a droplet's public IPv6 ("cidr" a number); the private
	 * interface's gateway is no default route. */
	const char *dov = "{\"interfaces\": {\"public\": [{\"mac\": \"52:54:00:12:34:56\","
			  " \"ipv4\": {\"ip_address\": \"203.0.113.10\", \"netmask\": \"255.255.240.0\", \"gateway\": \"203.0.113.1\"},"
			  " \"ipv6\": {\"ip_address\": \"2604:a880:800:10::17d:2001\", \"cidr\": 64,"
			  " \"gateway\": \"2604:a880:800:10::1\"}}],"
			  " \"private\": [{\"mac\": \"52:54:00:65:43:21\","
			  " \"ipv4\": {\"ip_address\": \"10.132.0.2\", \"netmask\": \"255.255.0.0\", \"gateway\": \"10.132.0.1\"}}]}}";
	CHECK(meta_digitalocean(dov, strlen(dov), &m, err) == 0);
	CHECK_STR(lines(), "address 52:54:00:12:34:56 203.0.113.10/20\n"
			   "gateway 52:54:00:12:34:56 203.0.113.1\n"
			   "address 52:54:00:12:34:56 2604:a880:800:10::17d:2001/64\n"
			   "gateway 52:54:00:12:34:56 2604:a880:800:10::1\n"
			   "address 52:54:00:65:43:21 10.132.0.2/16\n");
	CHECK_STR(m.public_ipv6, "2604:a880:800:10::17d:2001");
	free(m.hostname);
	free(m.user_data);
	strv_clear(&m.keys);
	return check_done("test-netconfig");
}
