-- Zoom meetings of schedule events (issue 15 section 5): the link of an
-- event of a conference's schedule to one Zoom meeting (created here, or an
-- existing one attached), and the queue of writes the event's later changes
-- owe Zoom: written in the transaction of the change, done by a worker after
-- commit (Zoom is never called inside a transaction), one open job per
-- meeting (a later change replaces what an earlier one had not yet sent).
CREATE TABLE conference_event_meetings (
  account_id TEXT NOT NULL,
  conference_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  connection_id TEXT,                  -- the connection chosen (it may be disconnected since)
  zoom_user_id TEXT NOT NULL,          -- the meeting's host, whose token writes it
  meeting_id BIGINT NOT NULL,
  join_url TEXT NOT NULL,
  passcode TEXT,
  created_here INTEGER NOT NULL DEFAULT 0, -- 1: convene created it (and deletes it with the event)
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, event_id),
  FOREIGN KEY (account_id, conference_id) REFERENCES conferences(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, event_id) REFERENCES events(account_id, id) ON DELETE CASCADE
);
CREATE INDEX conference_event_meetings_meeting ON conference_event_meetings (zoom_user_id, meeting_id);
CREATE INDEX conference_event_meetings_conference ON conference_event_meetings (account_id, conference_id);

CREATE TABLE zoom_meeting_jobs (
  zoom_user_id TEXT NOT NULL,
  meeting_id BIGINT NOT NULL,
  account_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('update', 'delete')),
  body TEXT,                           -- update: the meeting's JSON as the event says now
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,             -- not before (retries back off)
  lease_until BIGINT NOT NULL DEFAULT 0,
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (zoom_user_id, meeting_id)
);
CREATE INDEX zoom_meeting_jobs_due ON zoom_meeting_jobs (next_at) WHERE status = 'pending';
