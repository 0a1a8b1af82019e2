-- A photo's ThumbHash (base64, about 36 characters), shown blurred on its page while the
-- photo loads.
alter table work add column placeholder text;
