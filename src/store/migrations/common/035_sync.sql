-- Calendar sync with Google Workspace, Microsoft 365 and Exchange (issue 16,
-- design section 1). One connection per provider per account; the
-- provider's rooms and their link to convene rooms; which provider event is
-- which convene event; and the outbound writes owed to the providers
-- (written in the booking's transaction, sent by the worker after commit).
-- Secrets and tokens are sealed (core/secretbox.h) before they get here.
-- Times are unix seconds. The trigger that unlinks a deleted convene room is
-- written differently for each backend: migration 036.
CREATE TABLE sync_connections (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider TEXT NOT NULL CHECK (provider IN ('google', 'microsoft', 'exchange')),
  status TEXT NOT NULL CHECK (status IN ('step1_done', 'connected', 'error')), -- no row: not_configured
  detail TEXT,                          -- English, for API clients
  error_code TEXT,                      -- stable; the web app says it in the reader's language
  error_params TEXT,                    -- a JSON object's text
  settings TEXT NOT NULL DEFAULT '{}',  -- non-secret step 1 fields (JSON object)
  secret_sealed TEXT,                   -- Google key JSON / Microsoft client secret / Exchange password
  token_sealed TEXT,                    -- the cached access token
  token_expires_at BIGINT,
  checked_at BIGINT,
  connected_at BIGINT,
  last_push_at BIGINT,
  last_full_at BIGINT,
  events_synced BIGINT NOT NULL DEFAULT 0,
  conflicts_resolved BIGINT NOT NULL DEFAULT 0,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, provider)
);

CREATE TABLE sync_rooms (
  account_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  provider_room_id TEXT NOT NULL,
  email TEXT NOT NULL,                  -- the room's calendar at the provider
  name TEXT NOT NULL,
  capacity INTEGER,
  building TEXT,
  floor TEXT,
  features TEXT NOT NULL DEFAULT '[]',  -- a JSON array of strings
  category TEXT,
  seen_at BIGINT NOT NULL,              -- the last listing that had it
  room_id TEXT,                         -- the convene room (NULL: not linked)
  state TEXT NOT NULL DEFAULT 'available' CHECK (state IN ('linked', 'ignored', 'available')),
  sync_token TEXT,                      -- Google nextSyncToken / Graph deltaLink (NULL: full sync due)
  dirty_at BIGINT,                      -- a push said "changed": incremental sync due
  dirty_seq BIGINT NOT NULL DEFAULT 0,  -- bumped by every push: a sync clears dirty_at only if none came since
  full_due_at BIGINT,
  channel_id TEXT,                      -- Google events.watch
  channel_resource_id TEXT,
  channel_token_hash TEXT,
  channel_expires_at BIGINT,
  subscription_id TEXT,                 -- Graph subscription
  subscription_expires_at BIGINT,
  client_state_hash TEXT,
  lease_until BIGINT NOT NULL DEFAULT 0, -- a node's worker is syncing it until then
  last_sync_at BIGINT,
  last_error TEXT,
  error_code TEXT,
  PRIMARY KEY (account_id, provider, provider_room_id),
  CHECK ((state = 'linked') = (room_id IS NOT NULL)),
  FOREIGN KEY (account_id, provider) REFERENCES sync_connections(account_id, provider) ON DELETE CASCADE,
  FOREIGN KEY (account_id, room_id) REFERENCES rooms(account_id, id)
);
-- one provider room per convene room
CREATE UNIQUE INDEX sync_rooms_room ON sync_rooms (account_id, room_id) WHERE room_id IS NOT NULL;
CREATE INDEX sync_rooms_dirty ON sync_rooms (dirty_at) WHERE dirty_at IS NOT NULL AND state = 'linked';
CREATE INDEX sync_rooms_full_due ON sync_rooms (full_due_at) WHERE state = 'linked';
CREATE UNIQUE INDEX sync_rooms_channel ON sync_rooms (channel_id) WHERE channel_id IS NOT NULL;
CREATE UNIQUE INDEX sync_rooms_subscription ON sync_rooms (subscription_id) WHERE subscription_id IS NOT NULL;

CREATE TABLE sync_events (
  account_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  provider_room_id TEXT NOT NULL,
  provider_event_id TEXT NOT NULL,
  event_id TEXT NOT NULL,               -- the convene event (in the room's calendar, or the booking's own)
  origin TEXT NOT NULL CHECK (origin IN ('provider', 'convene')),
  provider_etag TEXT,                   -- Google etag / Graph changeKey
  provider_created_at BIGINT,
  ical_uid TEXT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, provider, provider_room_id, provider_event_id),
  FOREIGN KEY (account_id, provider, provider_room_id)
    REFERENCES sync_rooms(account_id, provider, provider_room_id) ON DELETE CASCADE
);
CREATE INDEX sync_events_event ON sync_events (account_id, event_id);

CREATE TABLE sync_jobs (
  account_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  provider_room_id TEXT NOT NULL,
  event_id TEXT NOT NULL,               -- the convene booking's event
  action TEXT NOT NULL CHECK (action IN ('insert', 'patch', 'delete', 'decline')),
  body TEXT,                            -- JSON built in the transaction of the change
  provider_event_id TEXT,               -- patch, delete, decline: the provider's event
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,              -- not before (retries back off)
  lease_until BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,    -- bumped by every put: done only removes what was sent
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, provider, provider_room_id, event_id),
  FOREIGN KEY (account_id, provider, provider_room_id)
    REFERENCES sync_rooms(account_id, provider, provider_room_id) ON DELETE CASCADE
);
CREATE INDEX sync_jobs_due ON sync_jobs (next_at) WHERE status = 'pending';
