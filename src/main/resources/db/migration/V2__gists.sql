-- Gists (Kallithea's gists table): each is a bare Git repository under DATA/gists/<gist_access_id>.
-- gist_expires: epoch seconds, -1 = never. Public gists use the numeric id as access id, private ones a random one.
CREATE TABLE gists (
    gist_id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    gist_access_id   VARCHAR(255) NOT NULL,
    gist_description TEXT,
    user_id          BIGINT       NOT NULL,
    gist_expires     DOUBLE       NOT NULL,
    gist_type        VARCHAR(128) NOT NULL,
    created_on       DATETIME(3)  NOT NULL,
    modified_at      DATETIME(3)  NOT NULL,
    CONSTRAINT uq_gists_access_id UNIQUE (gist_access_id),
    CONSTRAINT fk_gists_owner FOREIGN KEY (user_id) REFERENCES users (user_id)
);
CREATE INDEX ix_gists_owner ON gists (user_id, created_on);
