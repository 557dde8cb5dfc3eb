-- A Zoom connection's error as a stable code and its parameters beside the
-- English text (issue 15): the web app says it in the reader's language, API
-- clients still read `error`. error_params is a JSON object's text (e.g.
-- {"status":502}); rows written before keep their text with a NULL code.
ALTER TABLE zoom_connections ADD COLUMN error_code TEXT;
ALTER TABLE zoom_connections ADD COLUMN error_params TEXT;
