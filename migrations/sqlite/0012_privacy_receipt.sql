-- What identifying metadata a photo's or film's original carried and whether every public
-- file was read back clean, as the media engine's JSON receipt. Shown only to the author
-- and curators.
alter table work add column privacy text;
