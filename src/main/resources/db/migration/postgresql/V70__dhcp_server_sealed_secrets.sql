-- Agent tokens and Kea passwords are stored encrypted (SecretBox: "enc:v1:" + base64 of nonce, ciphertext and tag),
-- longer than the 200 characters of clear text the API accepts.
ALTER TABLE dhcp_servers ALTER COLUMN agent_token SET DATA TYPE VARCHAR(2000);
ALTER TABLE dhcp_servers ALTER COLUMN password SET DATA TYPE VARCHAR(2000);
