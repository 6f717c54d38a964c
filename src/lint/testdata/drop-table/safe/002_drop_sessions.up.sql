SET LOCAL lock_timeout = '2s';
-- tide:allow drop-table nothing has read it since release 41; backed up to s3://archive
DROP TABLE legacy_sessions;
