-- Cairn schema, one history for H2 (MODE=MySQL) and MySQL/MariaDB. Names follow Kallithea's, except repo_groups
-- (Kallithea's "groups" is a reserved word in MySQL 8).

CREATE TABLE users (
    user_id      BIGINT AUTO_INCREMENT PRIMARY KEY,
    username     VARCHAR(255) NOT NULL,
    password     VARCHAR(255) NOT NULL,
    active       BOOLEAN      NOT NULL DEFAULT TRUE,
    admin        BOOLEAN      NOT NULL DEFAULT FALSE,
    firstname    VARCHAR(255),
    lastname     VARCHAR(255),
    email        VARCHAR(255),
    last_login   DATETIME(3),
    extern_type  VARCHAR(255) NOT NULL DEFAULT 'internal',
    extern_name  VARCHAR(255),
    api_key      VARCHAR(40)  NOT NULL,
    created_on   DATETIME(3)  NOT NULL,
    user_data    TEXT,
    CONSTRAINT uq_users_username UNIQUE (username),
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT uq_users_api_key UNIQUE (api_key)
);

CREATE TABLE user_api_keys (
    user_api_key_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id         BIGINT       NOT NULL,
    api_key         VARCHAR(40)  NOT NULL,
    description     VARCHAR(1024),
    expires         BIGINT       NOT NULL DEFAULT -1,
    created_on      DATETIME(3)  NOT NULL,
    CONSTRAINT uq_user_api_keys_key UNIQUE (api_key),
    CONSTRAINT fk_user_api_keys_user FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE
);

CREATE TABLE user_email_map (
    email_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id  BIGINT       NOT NULL,
    email    VARCHAR(255) NOT NULL,
    CONSTRAINT uq_user_email_map_email UNIQUE (email),
    CONSTRAINT fk_user_email_map_user FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE
);

CREATE TABLE users_groups (
    users_group_id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    users_group_name       VARCHAR(255) NOT NULL,
    user_group_description TEXT,
    users_group_active     BOOLEAN      NOT NULL DEFAULT TRUE,
    user_id                BIGINT       NOT NULL,
    created_on             DATETIME(3)  NOT NULL,
    group_data             TEXT,
    CONSTRAINT uq_users_groups_name UNIQUE (users_group_name),
    CONSTRAINT fk_users_groups_owner FOREIGN KEY (user_id) REFERENCES users (user_id)
);

CREATE TABLE users_groups_members (
    users_group_member_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    users_group_id        BIGINT NOT NULL,
    user_id               BIGINT NOT NULL,
    CONSTRAINT uq_users_groups_members UNIQUE (users_group_id, user_id),
    CONSTRAINT fk_ugm_group FOREIGN KEY (users_group_id) REFERENCES users_groups (users_group_id) ON DELETE CASCADE,
    CONSTRAINT fk_ugm_user FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE
);

CREATE TABLE repo_groups (
    group_id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    group_name        VARCHAR(255) NOT NULL,
    group_parent_id   BIGINT,
    group_description TEXT,
    user_id           BIGINT       NOT NULL,
    created_on        DATETIME(3)  NOT NULL,
    CONSTRAINT uq_repo_groups_name UNIQUE (group_name),
    CONSTRAINT fk_repo_groups_parent FOREIGN KEY (group_parent_id) REFERENCES repo_groups (group_id),
    CONSTRAINT fk_repo_groups_owner FOREIGN KEY (user_id) REFERENCES users (user_id)
);

CREATE TABLE repositories (
    repo_id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    repo_name         VARCHAR(255) NOT NULL,
    repo_state        VARCHAR(32)  NOT NULL DEFAULT 'repo_state_created',
    clone_uri         VARCHAR(1024),
    repo_type         VARCHAR(16)  NOT NULL DEFAULT 'git',
    user_id           BIGINT       NOT NULL,
    private           BOOLEAN      NOT NULL DEFAULT FALSE,
    enable_statistics BOOLEAN      NOT NULL DEFAULT FALSE,
    enable_downloads  BOOLEAN      NOT NULL DEFAULT TRUE,
    description       TEXT,
    created_on        DATETIME(3)  NOT NULL,
    updated_on        DATETIME(3)  NOT NULL,
    landing_revision  VARCHAR(255) NOT NULL DEFAULT 'rev:tip',
    changeset_cache   TEXT,
    fork_id           BIGINT,
    group_id          BIGINT,
    CONSTRAINT uq_repositories_name UNIQUE (repo_name),
    CONSTRAINT fk_repositories_owner FOREIGN KEY (user_id) REFERENCES users (user_id),
    CONSTRAINT fk_repositories_fork FOREIGN KEY (fork_id) REFERENCES repositories (repo_id),
    CONSTRAINT fk_repositories_group FOREIGN KEY (group_id) REFERENCES repo_groups (group_id)
);

CREATE TABLE permissions (
    permission_id   BIGINT AUTO_INCREMENT PRIMARY KEY,
    permission_name VARCHAR(255) NOT NULL,
    CONSTRAINT uq_permissions_name UNIQUE (permission_name)
);

INSERT INTO permissions (permission_name) VALUES
    ('hg.admin'),
    ('repository.none'), ('repository.read'), ('repository.write'), ('repository.admin'),
    ('group.none'), ('group.read'), ('group.write'), ('group.admin'),
    ('usergroup.none'), ('usergroup.read'), ('usergroup.write'), ('usergroup.admin'),
    ('hg.repogroup.create.false'), ('hg.repogroup.create.true'),
    ('hg.usergroup.create.false'), ('hg.usergroup.create.true'),
    ('hg.create.none'), ('hg.create.repository'),
    ('hg.create.write_on_repogroup.false'), ('hg.create.write_on_repogroup.true'),
    ('hg.fork.none'), ('hg.fork.repository'),
    ('hg.register.none'), ('hg.register.manual_activate'), ('hg.register.auto_activate'),
    ('hg.extern_activate.manual'), ('hg.extern_activate.auto');

CREATE TABLE user_to_perm (
    user_to_perm_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id         BIGINT NOT NULL,
    permission_id   BIGINT NOT NULL,
    CONSTRAINT uq_user_to_perm UNIQUE (user_id, permission_id),
    CONSTRAINT fk_utp_user FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE,
    CONSTRAINT fk_utp_perm FOREIGN KEY (permission_id) REFERENCES permissions (permission_id)
);

CREATE TABLE users_group_to_perm (
    users_group_to_perm_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    users_group_id         BIGINT NOT NULL,
    permission_id          BIGINT NOT NULL,
    CONSTRAINT uq_users_group_to_perm UNIQUE (users_group_id, permission_id),
    CONSTRAINT fk_ugtp_group FOREIGN KEY (users_group_id) REFERENCES users_groups (users_group_id) ON DELETE CASCADE,
    CONSTRAINT fk_ugtp_perm FOREIGN KEY (permission_id) REFERENCES permissions (permission_id)
);

CREATE TABLE repo_to_perm (
    repo_to_perm_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id         BIGINT NOT NULL,
    permission_id   BIGINT NOT NULL,
    repository_id   BIGINT NOT NULL,
    CONSTRAINT uq_repo_to_perm UNIQUE (user_id, repository_id),
    CONSTRAINT fk_rtp_user FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE,
    CONSTRAINT fk_rtp_perm FOREIGN KEY (permission_id) REFERENCES permissions (permission_id),
    CONSTRAINT fk_rtp_repo FOREIGN KEY (repository_id) REFERENCES repositories (repo_id) ON DELETE CASCADE
);

CREATE TABLE users_group_repo_to_perm (
    users_group_to_perm_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    users_group_id         BIGINT NOT NULL,
    permission_id          BIGINT NOT NULL,
    repository_id          BIGINT NOT NULL,
    CONSTRAINT uq_users_group_repo_to_perm UNIQUE (users_group_id, repository_id),
    CONSTRAINT fk_ugrtp_group FOREIGN KEY (users_group_id) REFERENCES users_groups (users_group_id) ON DELETE CASCADE,
    CONSTRAINT fk_ugrtp_perm FOREIGN KEY (permission_id) REFERENCES permissions (permission_id),
    CONSTRAINT fk_ugrtp_repo FOREIGN KEY (repository_id) REFERENCES repositories (repo_id) ON DELETE CASCADE
);

CREATE TABLE user_repo_group_to_perm (
    group_to_perm_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id          BIGINT NOT NULL,
    group_id         BIGINT NOT NULL,
    permission_id    BIGINT NOT NULL,
    CONSTRAINT uq_user_repo_group_to_perm UNIQUE (user_id, group_id),
    CONSTRAINT fk_urgtp_user FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE,
    CONSTRAINT fk_urgtp_group FOREIGN KEY (group_id) REFERENCES repo_groups (group_id) ON DELETE CASCADE,
    CONSTRAINT fk_urgtp_perm FOREIGN KEY (permission_id) REFERENCES permissions (permission_id)
);

CREATE TABLE users_group_repo_group_to_perm (
    users_group_repo_group_to_perm_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    users_group_id                    BIGINT NOT NULL,
    group_id                          BIGINT NOT NULL,
    permission_id                     BIGINT NOT NULL,
    CONSTRAINT uq_users_group_repo_group_to_perm UNIQUE (users_group_id, group_id),
    CONSTRAINT fk_ugrgtp_ug FOREIGN KEY (users_group_id) REFERENCES users_groups (users_group_id) ON DELETE CASCADE,
    CONSTRAINT fk_ugrgtp_group FOREIGN KEY (group_id) REFERENCES repo_groups (group_id) ON DELETE CASCADE,
    CONSTRAINT fk_ugrgtp_perm FOREIGN KEY (permission_id) REFERENCES permissions (permission_id)
);

CREATE TABLE user_user_group_to_perm (
    user_user_group_to_perm_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id                    BIGINT NOT NULL,
    permission_id              BIGINT NOT NULL,
    user_group_id              BIGINT NOT NULL,
    CONSTRAINT uq_user_user_group_to_perm UNIQUE (user_id, user_group_id),
    CONSTRAINT fk_uugtp_user FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE,
    CONSTRAINT fk_uugtp_perm FOREIGN KEY (permission_id) REFERENCES permissions (permission_id),
    CONSTRAINT fk_uugtp_ug FOREIGN KEY (user_group_id) REFERENCES users_groups (users_group_id) ON DELETE CASCADE
);

CREATE TABLE user_group_user_group_to_perm (
    user_group_user_group_to_perm_id BIGINT AUTO_INCREMENT PRIMARY KEY,
    target_user_group_id             BIGINT NOT NULL,
    permission_id                    BIGINT NOT NULL,
    user_group_id                    BIGINT NOT NULL,
    CONSTRAINT uq_user_group_user_group_to_perm UNIQUE (target_user_group_id, user_group_id),
    CONSTRAINT fk_ugugtp_target FOREIGN KEY (target_user_group_id) REFERENCES users_groups (users_group_id) ON DELETE CASCADE,
    CONSTRAINT fk_ugugtp_perm FOREIGN KEY (permission_id) REFERENCES permissions (permission_id),
    CONSTRAINT fk_ugugtp_ug FOREIGN KEY (user_group_id) REFERENCES users_groups (users_group_id) ON DELETE CASCADE
);

-- The journal keeps names as well as ids, so entries survive the deletion of the user or repository.
CREATE TABLE user_logs (
    user_log_id     BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id         BIGINT,
    username        VARCHAR(255),
    repository_id   BIGINT,
    repository_name VARCHAR(255),
    user_ip         VARCHAR(64),
    action          TEXT         NOT NULL,
    action_date     DATETIME(3)  NOT NULL
);
CREATE INDEX ix_user_logs_repo ON user_logs (repository_id, action_date);
CREATE INDEX ix_user_logs_user ON user_logs (user_id, action_date);

CREATE TABLE user_followings (
    user_following_id     BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id               BIGINT      NOT NULL,
    follows_repository_id BIGINT,
    follows_user_id       BIGINT,
    follows_from          DATETIME(3) NOT NULL,
    CONSTRAINT uq_user_followings_repo UNIQUE (user_id, follows_repository_id),
    CONSTRAINT uq_user_followings_user UNIQUE (user_id, follows_user_id),
    CONSTRAINT fk_uf_user FOREIGN KEY (user_id) REFERENCES users (user_id) ON DELETE CASCADE,
    CONSTRAINT fk_uf_repo FOREIGN KEY (follows_repository_id) REFERENCES repositories (repo_id) ON DELETE CASCADE,
    CONSTRAINT fk_uf_target FOREIGN KEY (follows_user_id) REFERENCES users (user_id) ON DELETE CASCADE
);

CREATE TABLE settings (
    app_settings_id    BIGINT AUTO_INCREMENT PRIMARY KEY,
    app_settings_name  VARCHAR(255)  NOT NULL,
    app_settings_value VARCHAR(4096),
    app_settings_type  VARCHAR(16)   NOT NULL DEFAULT 'unicode',
    CONSTRAINT uq_settings_name UNIQUE (app_settings_name)
);

-- Counters bumped when what they guard changes; cache keys include them so every node drops stale entries at once.
CREATE TABLE cache_generation (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    gen  BIGINT      NOT NULL
);
INSERT INTO cache_generation (name, gen) VALUES ('permissions', 0);
