-- Zoom's webhook deliveries (issue 15): each verified delivery is stored
-- before it is answered, then processed by conferencing/zoom_worker.c in
-- order of arrival per Zoom user. replay_key is a hash of the delivery's
-- timestamp and signature: the same delivery sent again is refused. Processed
-- events are kept a while (done 7 days, failed 30) for the operator to read.
CREATE TABLE zoom_webhook_events (
  id TEXT PRIMARY KEY,
  replay_key TEXT NOT NULL UNIQUE,
  received_at BIGINT NOT NULL,          -- unix seconds
  received_us BIGINT NOT NULL,          -- unix microseconds: the order of arrival
  event TEXT NOT NULL,
  zoom_user_id TEXT,                    -- whom it concerns, when the payload says
  zoom_account_id TEXT,
  body TEXT NOT NULL,                   -- the JSON as received
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','working','done','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,              -- not before (retries back off)
  lease_until BIGINT NOT NULL DEFAULT 0, -- while 'working'
  processed_at BIGINT,
  error TEXT
);
CREATE INDEX zoom_webhook_events_open ON zoom_webhook_events (received_us) WHERE status IN ('pending','working');
CREATE INDEX zoom_webhook_events_open_user ON zoom_webhook_events (zoom_user_id, received_us)
  WHERE status IN ('pending','working');
CREATE INDEX zoom_webhook_events_processed ON zoom_webhook_events (processed_at) WHERE processed_at IS NOT NULL;
