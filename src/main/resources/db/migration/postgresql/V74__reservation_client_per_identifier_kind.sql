-- Issue 14: Kea identifies clients by hw-address, client-id, duid, circuit-id or flex-id; the same bytes under two
-- kinds are two clients (Kea's own reservations.json has a client-id and a circuit-id of equal bytes).
ALTER TABLE dhcp_reservations DROP CONSTRAINT dhcp_reservations_client;
ALTER TABLE dhcp_reservations ADD CONSTRAINT dhcp_reservations_client UNIQUE (scope_id, reservation_method, client_identifier);
