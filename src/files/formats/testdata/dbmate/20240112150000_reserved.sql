-- migrate:up
-- Reserved: the change moved to a later release.

-- migrate:down

