-- Calendar sync (issue 16): a write given up keeps its failure's code beside
-- its text, so that the room shows why for as long as the write stays
-- unsent (a later successful read of the room's calendar says nothing about
-- it); the room's own error column is the read's.
ALTER TABLE sync_jobs ADD COLUMN error_code TEXT;
