-- 0007_identity_case.sql — an OpenID subject is case-sensitive ("abc" and "ABC"
-- are two people), so issuer and subject compare byte for byte; a session's
-- sign-in method has room for "oidc:" and a 32-character provider name.
ALTER TABLE user_identities
    MODIFY issuer VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY subject VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE sessions MODIFY method VARCHAR(64) NOT NULL DEFAULT 'password';
