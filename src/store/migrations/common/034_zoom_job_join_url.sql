-- The join link of the meeting a Zoom job writes (issue 15): a MOVE over
-- CalDAV, and a client that copies an event and deletes the original, store
-- the event again with its CONFERENCE after the original's link is gone and
-- its meeting is queued for deletion at Zoom. The new event must not keep a
-- link to a meeting being deleted; the job's join_url is how it is known.
ALTER TABLE zoom_meeting_jobs ADD COLUMN join_url TEXT;
CREATE INDEX zoom_meeting_jobs_join_url ON zoom_meeting_jobs (account_id, join_url);
