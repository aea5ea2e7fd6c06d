# The update agent (update-agent, a daemon) and updatectl, from src/ in this tree,
# static against musl, libcurl, jansson and libsodium; with the image's update
# settings (/usr/lib/berth/update.conf, from the configuration) and the public
# half of the update signing key (/usr/lib/berth/update.pub). docs/update.md.
UPDATE_AGENT_VERSION := $(BERTH_VERSION)
UPDATE_AGENT_LICENSE := LicenseRef-Berth
UPDATE_AGENT_DEPENDENCIES := musl curl jansson libsodium
UPDATE_AGENT_SETTINGS = SERVER=$(BERTH_UPDATE_SERVER) INTERVAL=$(BERTH_UPDATE_INTERVAL) \
	REBOOT_STRATEGY=$(BERTH_UPDATE_REBOOT_STRATEGY) LOCK_SLOTS=$(BERTH_UPDATE_LOCK_SLOTS) \
	ETCD_ENDPOINTS=$(BERTH_UPDATE_ETCD_ENDPOINTS) WRITE_RATE=$(BERTH_UPDATE_WRITE_RATE) \
	DOWNLOAD_RATE=$(BERTH_UPDATE_DOWNLOAD_RATE) HEALTH_TIMEOUT=$(BERTH_UPDATE_HEALTH_TIMEOUT)
UPDATE_AGENT_INPUTS = $(BUILD_DIR)/target-bin/update-agent $(BUILD_DIR)/target-bin/updatectl \
	$(UPDATE_AGENT_PKGDIR)/update-agent.service $(BERTH_UPDATE_KEY) \
	$(call value-file,update-agent,$(UPDATE_AGENT_SETTINGS) $(BERTH_UPDATE_REBOOT_WINDOW) \
		$(BERTH_UPDATE_CRITICAL_UNITS) $(BERTH_UPDATE_KEY))

define UPDATE_AGENT_INSTALL_CMDS
	install -D -m 0755 $(BUILD_DIR)/target-bin/update-agent $(UPDATE_AGENT_DEST)/usr/sbin/update-agent
	install -D -m 0755 $(BUILD_DIR)/target-bin/updatectl $(UPDATE_AGENT_DEST)/usr/bin/updatectl
	install -D -m 0644 $(UPDATE_AGENT_PKGDIR)/update-agent.service \
		$(UPDATE_AGENT_DEST)/usr/lib/berth/units/update-agent.service
	$(TOPDIR)/scripts/update-key $(BERTH_UPDATE_KEY) > $(UPDATE_AGENT_DEST)/usr/lib/berth/update.pub
	printf '# The image'"'"'s update settings (docs/update.md); /etc/berth/update.conf overrides them.\n' \
		> $(UPDATE_AGENT_DEST)/usr/lib/berth/update.conf
	printf '%s\n' $(UPDATE_AGENT_SETTINGS) 'REBOOT_WINDOW="$(BERTH_UPDATE_REBOOT_WINDOW)"' \
		'CRITICAL_UNITS="$(BERTH_UPDATE_CRITICAL_UNITS)"' >> $(UPDATE_AGENT_DEST)/usr/lib/berth/update.conf
endef

$(eval $(call berth-package,update-agent))
