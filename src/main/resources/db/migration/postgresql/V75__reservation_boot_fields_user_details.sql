-- Issue 13: what Micetro's reservations carry besides the client and address (dhcpd ddns-hostname, filename,
-- server-name, next-server; Kea hostname, boot-file-name, server-hostname, next-server). The servers' configs are the
-- truth; these columns cache what the last write or sync read there. NULL: not set.
ALTER TABLE dhcp_reservations ADD COLUMN ddns_host_name VARCHAR(253);
ALTER TABLE dhcp_reservations ADD COLUMN filename VARCHAR(1000);
ALTER TABLE dhcp_reservations ADD COLUMN server_name VARCHAR(253);
ALTER TABLE dhcp_reservations ADD COLUMN next_server VARCHAR(253);

-- Micetro's user fields. Tandem signs users in with its own passwords only (authenticationType Internal).
ALTER TABLE users ADD COLUMN full_name VARCHAR(200) DEFAULT '' NOT NULL;
ALTER TABLE users ADD COLUMN email VARCHAR(254) DEFAULT '' NOT NULL;
ALTER TABLE users ADD COLUMN description VARCHAR(1000) DEFAULT '' NOT NULL;
