CREATE TABLE events (kind text NOT NULL, at timestamptz NOT NULL DEFAULT now());
