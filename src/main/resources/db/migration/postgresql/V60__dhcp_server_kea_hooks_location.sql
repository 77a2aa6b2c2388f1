-- A Kea server's own directory of libdhcp_ha.so and libdhcp_lease_cmds.so on its host (null: Central's
-- KeaHooksLocation, then the distributions' usual places). V60: clear of the numbers other branches use.
ALTER TABLE dhcp_servers ADD COLUMN kea_hooks_location VARCHAR(1000);
