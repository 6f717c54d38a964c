-- sqitch (engine pg), registry schema "sqitch": project flipr deployed appschema and users,
-- deployed flips and reverted it (only events keeps it).
CREATE SCHEMA IF NOT EXISTS sqitch;
CREATE TABLE sqitch.releases (
    version         REAL        PRIMARY KEY,
    installed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    installer_name  TEXT        NOT NULL,
    installer_email TEXT        NOT NULL
);
CREATE TABLE sqitch.projects (
    project         TEXT        PRIMARY KEY,
    uri             TEXT            NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    creator_name    TEXT        NOT NULL,
    creator_email   TEXT        NOT NULL
);
CREATE TABLE sqitch.changes (
    change_id       TEXT        PRIMARY KEY,
    script_hash     TEXT            NULL,
    change          TEXT        NOT NULL,
    project         TEXT        NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE,
    note            TEXT        NOT NULL DEFAULT '',
    committed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name  TEXT        NOT NULL,
    committer_email TEXT        NOT NULL,
    planned_at      TIMESTAMPTZ NOT NULL,
    planner_name    TEXT        NOT NULL,
    planner_email   TEXT        NOT NULL,
    UNIQUE(project, script_hash)
);
CREATE TABLE sqitch.tags (
    tag_id          TEXT        PRIMARY KEY,
    tag             TEXT        NOT NULL,
    project         TEXT        NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE,
    change_id       TEXT        NOT NULL REFERENCES sqitch.changes(change_id) ON UPDATE CASCADE,
    note            TEXT        NOT NULL DEFAULT '',
    committed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name  TEXT        NOT NULL,
    committer_email TEXT        NOT NULL,
    planned_at      TIMESTAMPTZ NOT NULL,
    planner_name    TEXT        NOT NULL,
    planner_email   TEXT        NOT NULL,
    UNIQUE(project, tag)
);
CREATE TABLE sqitch.dependencies (
    change_id       TEXT        NOT NULL REFERENCES sqitch.changes(change_id) ON UPDATE CASCADE ON DELETE CASCADE,
    type            TEXT        NOT NULL,
    dependency      TEXT        NOT NULL,
    dependency_id   TEXT            NULL REFERENCES sqitch.changes(change_id) ON UPDATE CASCADE CONSTRAINT dependencies_check CHECK (
            (type = 'require'  AND dependency_id IS NOT NULL)
         OR (type = 'conflict' AND dependency_id IS NULL)
    ),
    PRIMARY KEY (change_id, dependency)
);
CREATE TABLE sqitch.events (
    event           TEXT        NOT NULL CONSTRAINT events_event_check CHECK (
        event IN ('deploy', 'revert', 'fail', 'merge')
    ),
    change_id       TEXT        NOT NULL,
    change          TEXT        NOT NULL,
    project         TEXT        NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE,
    note            TEXT        NOT NULL DEFAULT '',
    requires        TEXT[]      NOT NULL DEFAULT '{}',
    conflicts       TEXT[]      NOT NULL DEFAULT '{}',
    tags            TEXT[]      NOT NULL DEFAULT '{}',
    committed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name  TEXT        NOT NULL,
    committer_email TEXT        NOT NULL,
    planned_at      TIMESTAMPTZ NOT NULL,
    planner_name    TEXT        NOT NULL,
    planner_email   TEXT        NOT NULL,
    PRIMARY KEY (change_id, committed_at)
);
INSERT INTO sqitch.releases VALUES (1.1, '2024-01-10 08:59:00', 'Marge N. O''Vera', 'marge@example.com');
INSERT INTO sqitch.projects VALUES
  ('flipr', 'https://github.com/sqitchers/sqitch-intro/', '2024-01-10 08:59:00', 'Marge N. O''Vera', 'marge@example.com');
INSERT INTO sqitch.changes VALUES
  ('d2f1e6a5c3b4a7980f1e2d3c4b5a69788796a5b4', 'a1f0e9d8c7b6a5948372615049382716a5b4c3d2', 'appschema', 'flipr',
   'Add schema for all flipr objects.', '2024-01-10 09:00:00', 'Marge N. O''Vera', 'marge@example.com',
   '2024-01-09 17:00:00', 'Marge N. O''Vera', 'marge@example.com'),
  ('e3a2f7b6d4c5b8a91f2e3d4c5b6a7988a9b7c6d5', 'b2a1f0e9d8c7b6a59483726150493827b6c5d4e3', 'users', 'flipr',
   'Creates table to track our users.', '2024-01-11 14:30:00', 'Marge N. O''Vera', 'marge@example.com',
   '2024-01-09 17:10:00', 'Marge N. O''Vera', 'marge@example.com');
INSERT INTO sqitch.dependencies VALUES
  ('e3a2f7b6d4c5b8a91f2e3d4c5b6a7988a9b7c6d5', 'require', 'appschema', 'd2f1e6a5c3b4a7980f1e2d3c4b5a69788796a5b4');
INSERT INTO sqitch.events (event, change_id, change, project, note, requires, committed_at,
  committer_name, committer_email, planned_at, planner_name, planner_email) VALUES
  ('deploy', 'd2f1e6a5c3b4a7980f1e2d3c4b5a69788796a5b4', 'appschema', 'flipr', 'Add schema for all flipr objects.', '{}',
   '2024-01-10 09:00:00', 'Marge N. O''Vera', 'marge@example.com', '2024-01-09 17:00:00', 'Marge N. O''Vera', 'marge@example.com'),
  ('deploy', 'e3a2f7b6d4c5b8a91f2e3d4c5b6a7988a9b7c6d5', 'users', 'flipr', 'Creates table to track our users.', '{appschema}',
   '2024-01-11 14:30:00', 'Marge N. O''Vera', 'marge@example.com', '2024-01-09 17:10:00', 'Marge N. O''Vera', 'marge@example.com'),
  ('deploy', 'f4b3a8c7e5d6c9b02a3f4e5d6c7b8a99b0c8d7e6', 'flips', 'flipr', 'Adds table for storing flips.', '{appschema,users}',
   '2024-01-12 08:15:00', 'Marge N. O''Vera', 'marge@example.com', '2024-01-09 17:20:00', 'Marge N. O''Vera', 'marge@example.com'),
  ('revert', 'f4b3a8c7e5d6c9b02a3f4e5d6c7b8a99b0c8d7e6', 'flips', 'flipr', 'Adds table for storing flips.', '{appschema,users}',
   '2024-01-12 08:20:00', 'Marge N. O''Vera', 'marge@example.com', '2024-01-09 17:20:00', 'Marge N. O''Vera', 'marge@example.com');
