# What a refusal says, by its stable code: `error-` and the code with `-` for `_`. The
# API answers these in the language asked for; pages in the visitor's. A comment "# args:"
# lists the variables an entry takes.

## Everyone

error-not-found = nothing here: the page or work does not exist or is not public
error-unauthenticated = sign in first
error-forbidden = your account may not do this
error-service-unavailable = the service is busy or under maintenance; nothing was saved, try again in a minute
error-internal-error = something went wrong on our side; nothing was saved

## Requests and forms

error-cross-site-request = this form was sent from another site; open the page on Piazza and try again
error-csrf-token-invalid = this form is out of date or did not come from Piazza's page; reload the page and send it again
error-body-too-large = this form is too large
# args: $limit (like "8 MB")
error-payload-too-large = this is larger than the { $limit } accepted here; send a smaller file or a shorter text
error-request-timeout = the connection stopped sending for too long, so nothing was saved; check the network and send again
# args: $detail (what the parser said)
error-invalid-json = the request body is not the expected JSON: { $detail }
# args: $detail (what the parser said)
error-invalid-query = the query string cannot be read: { $detail }
# args: $detail (what the parser said)
error-invalid-multipart = the upload was interrupted or malformed; send it as multipart/form-data: { $detail }
# args: $field
error-field-too-long = the { $field } field is too long
# args: $field
error-invalid-text = the { $field } field is not valid UTF-8 text
error-too-many-files = send one file per work
error-query-too-long = the search is too long: at most 200 characters
# args: $value (what was sent), $min, $max
error-invalid-year = "{ $value }" is not a year: give the year of publication as a number, such as 2025
# args: $value (what was sent)
error-invalid-sort = "{ $value }" is not an order: choose relevance or newest
# args: $value (what was sent), $min, $max
error-invalid-page = "{ $value }" is not a page: give a whole number from { $min } to { $max }
# args: $value (what was sent), $min, $max
error-invalid-per-page = "{ $value }" results a page cannot be given: ask for a whole number from { $min } to { $max }
error-public-url-required = this server cannot send links by mail until its public address (PIAZZA_PUBLIC_URL) is configured

## Accounts

error-email-not-verified = confirm your email address first: open the link we sent you (you can ask for a new one on your account page)
# args: $minutes
error-too-many-attempts =
    too many attempts from this connection; try again in { $minutes ->
        [one] a minute
       *[other] { $minutes } minutes
    }
# args: $minutes, $scope (everyone: the whole piazza's limit; address: this connection's)
error-too-many-sign-ups =
    { $scope ->
        [everyone] the piazza is receiving very many new accounts right now
       *[address] too many accounts were made from this connection in the last hour
    }; try again in { $minutes ->
        [one] a minute
       *[other] { $minutes } minutes
    }
error-password-too-short = choose a password of at least 10 characters; a short sentence is easy to remember
error-password-too-long = the password is too long: at most 200 characters
# args: $problem (missing, too-long, invisible, multiline), $max
error-invalid-name =
    { $problem ->
        [missing] the name is missing
        [too-long] the name is too long: at most { $max } characters
        [invisible] the name contains invisible or reserved characters that cannot be shown; type it again instead of pasting it
       *[multiline] the name must fit on one line
    }
error-invalid-email = this email address does not look valid
error-wrong-password = the password is not right
error-own-role = you cannot change your own role; ask another admin
error-invalid-role = choose a role: citizen, curator or admin

## Works

# args: $problem (missing, too-long, invisible, multiline), $max
error-invalid-title =
    { $problem ->
        [missing] the title is missing
        [too-long] the title is too long: at most { $max } characters
        [invisible] the title contains invisible or reserved characters that cannot be shown; type it again instead of pasting it
       *[multiline] the title must fit on one line
    }
# args: $problem (too-long, invisible), $max
error-invalid-description =
    { $problem ->
        [too-long] the description is too long: at most { $max } characters
       *[invisible] the description contains invisible or reserved characters that cannot be shown; type it again instead of pasting it
    }
# args: $problem (missing, too-long, invisible), $max
error-alt-text-required =
    { $problem ->
        [too-long] the alt text is too long: at most { $max } characters
        [invisible] the alt text contains invisible or reserved characters that cannot be shown; type it again instead of pasting it
       *[missing] describe the photo in a sentence (alt text) so that blind visitors can enjoy it too
    }
# args: $value (what was sent)
error-invalid-kind = "{ $value }" is not a kind of work; choose poem, story, photo, film or audio
error-invalid-licence = choose a licence: cc-by-4.0, cc-by-sa-4.0, cc0-1.0 or all-rights-reserved
error-unknown-call = there is no call with that name; choose one of the open calls
# args: $title, $date
error-call-not-open-yet = the call "{ $title }" is not open yet: it opens on { $date }
# args: $title, $date
error-call-closed = the call "{ $title }" closed on { $date } and no longer accepts works
# args: $kind, $kind_name, $accepted (codes), $accepted_names
error-kind-not-accepted = this call does not accept a { $kind }; it accepts: { $accepted }
# args: $licence, $licence_label, $offered (codes), $offered_labels
error-licence-not-offered = this call does not offer the licence { $licence }; choose one of: { $offered }
# args: $sent, $max, $title
error-call-limit-reached =
    you have already sent { $sent ->
        [one] one work
       *[other] { $sent } works
    } to "{ $title }": each person may send at most { $max }
# args: $what (photo, film, audio or cover)
error-file-required =
    { $what ->
        [photo] attach the photo file
        [cover] choose the picture for the call's cover
        [audio] attach the sound file (a recording, a voice memo too)
       *[film] attach the film file
    }
error-text-required = write the text of your work, or attach it as a .txt file
# args: $max
error-text-too-long = the text is longer than { $max } characters
error-text-empty = the text is empty
error-text-not-utf8 = the text file is not plain UTF-8 text; save it as UTF-8 (.txt or .md) and try again
error-text-not-plain = the text contains invisible control characters; it does not look like plain text
error-empty-file = the file is empty
# args: $limit_mb
error-file-too-large = the file is too large: the limit is { $limit_mb } MB
error-unsupported-format = this file is not in a format we can read: send photos as JPEG, PNG, WebP, GIF, HEIC, TIFF or BMP, films as MP4, MOV, WebM, MKV, AVI or Ogg and sounds as MP3, M4A, WAV, FLAC, Ogg, Opus or AMR
error-image-too-large = the photo has too many pixels: send a smaller version
error-video-too-large = this film's picture is too large: please upload it at a lower resolution
error-corrupt-file = the file is damaged or incomplete: try sending it again from the original
error-no-video = this file has no picture, only sound
error-film-too-long = the film is too long
error-no-audio = this file has no sound: send a recording with sound in it, or send a picture as a photo
error-sound-too-long = the recording is too long: shorten it and send it again
error-sound-has-picture = this file has moving pictures as well as sound: send it as a film, or send only the sound
error-not-awaiting-changes = this work can be changed only when the curators ask for changes

## Processing

error-processing-timeout = the file took too long to process
error-processing-error = something on our side went wrong while processing the file: the file is not at fault, and curators can retry it
error-processing-failed = we could not process this file; a curator can retry it
error-metadata-left = a copy made for the gallery still carried data from the original file, so nothing was published; a curator can retry it
error-work-missing = the work no longer exists
error-not-processing = the work is not waiting to be processed
error-file-missing = the original file of the work is missing from the store
error-out-of-memory = the server ran out of memory
error-encode-failed = the server could not encode the result
error-io = the server could not read or write a file
error-io-error = the server could not read or write a file

## Curation

error-unknown-reason-template = that reason template no longer exists; pick another or write the reason
error-invalid-decision = decision must be "approve", "reject" or "request_changes"
error-reason-required = say in a few words why: the reason is required
# args: $max
error-reason-too-long = the reason is too long: at most { $max } characters
error-not-reviewable = this work is not waiting for this decision: reload the page to see where it is
error-invalid-flag = the mark is "shortlisted" or "featured"
error-not-published = only a published work can be featured or get the city's reply
error-nothing-selected = select at least one work to approve
# args: $max
error-too-many-works =
    approve at most { $max ->
        [one] one work
       *[other] { $max } works
    } at a time
error-invalid-status = status is processing, pending_review, changes_requested, published, rejected or failed
error-invalid-label = give the reason a short name (one line, at most 200 characters)
error-invalid-reason = write the reason the author will read (at most 2000 characters)
error-not-retryable = only a work whose processing failed can be retried
error-reply-empty = write the reply

## Calls

# args: $problem (new: a new call's state; other: any state)
error-invalid-state =
    { $problem ->
        [new] a new call starts as draft or open
       *[other] a call's state is draft, open, closed, results or archived
    }
# args: $field (opens_at or closes_at)
error-invalid-date =
    { $field ->
        [opens_at] the opening date
       *[closes_at] the closing date
    } is missing or not a date and time like 2026-12-01T09:00:00+01:00
error-invalid-dates = the call must close after it opens
error-invalid-kinds = a call must accept at least one kind of work
error-invalid-limit = the limit of works per person must be a whole number, at least 1
error-invalid-question = the question the call asks is missing
error-invalid-slug = the slug must be 2 to 80 lowercase letters, digits or dashes, like "voci-del-fiume"
error-slug-taken = a call with this slug already exists; choose another
# args: $from, $allowed (state codes)
error-invalid-transition = a call that is { $from } can only become: { $allowed }
error-call-changed = someone else changed this call meanwhile; reload and try again
error-sign-in-failed = Wrong email or password.
error-account-locked = Too many wrong passwords for this account: signing in with the password is paused for 15 minutes. If the account is yours, you can come in now with a link we email you.
error-email-taken = someone with this email address already has an account

## Resumable uploads (tus)
# args: $version
error-tus-version = this upload tool speaks another version of the tus protocol; this server speaks { $version }. Update the app or use the form on the site
error-upload-length-required = say how large the file is (the Upload-Length header) before sending it
error-invalid-upload-metadata = the upload's description (the Upload-Metadata header) could not be read: each entry is a name, a space and a base64 value, separated by commas
error-upload-for-text = poems and stories are typed into the form, not uploaded as files
# args: $max
error-too-many-uploads = you already have { $max } unfinished uploads: finish or remove one of them before starting another
error-upload-expired = this upload was not finished in time and has been removed: choose the file again to send it
# args: $offset
error-upload-offset-mismatch = this piece does not start where the upload stopped ({ $offset } bytes are stored): ask where to go on, and send from there
error-upload-busy = another connection is sending this same upload right now: wait a moment, then go on from where it stopped
# args: $length
error-upload-past-length = this piece goes past the end of the file, which is { $length } bytes long; send only what is missing
error-checksum-mismatch = this piece arrived damaged (its checksum does not match), so it was dropped: send it again
# args: $type
error-upload-content-type = send each piece of an upload as { $type }
error-upload-offset-required = say where this piece starts (the Upload-Offset header)
# args: $supported
error-checksum-algorithm = this checksum algorithm is not supported; use one of: { $supported }
error-invalid-checksum = the checksum (the Upload-Checksum header) could not be read: it is an algorithm name, a space and the digest in base64
error-unknown-upload = the uploaded file could not be found: it may have been sent with another work already, or removed. Choose the file again
# args: $offset, $length
error-upload-unfinished = the file has not finished uploading ({ $offset } of { $length } bytes): wait until it is complete, then send the form
error-file-and-upload = send the file either with the form or as an upload, not both
error-upload-for-other-call = this file was uploaded for another call: choose it again for this one

## Captions

# args: $problem (missing, format, backwards), $line, $timing (the line as written)
error-captions-invalid-timing =
    { $problem ->
        [missing] line { $line } of the captions should be a timing like 00:00:01,000 --> 00:00:04,000, but it is "{ $timing }": check the arrow, and that a blank line separates one caption from the next
        [format] line { $line } of the captions: the timing "{ $timing }" cannot be read; write each time as hours:minutes:seconds,milliseconds, like 00:00:01,000 --> 00:00:04,000
       *[backwards] line { $line } of the captions: the caption "{ $timing }" ends before it starts; the second time must be later than the first
    }
# args: $line, $timing (the line as written), $previous (the line of an earlier caption)
error-captions-out-of-order = line { $line } of the captions: the caption "{ $timing }" starts before the one on line { $previous }; put the captions in the order they are shown
# args: $line, $timing (the line as written), $duration (like "2:05")
error-captions-past-end = line { $line } of the captions: the caption "{ $timing }" ends after the end of the film or recording, which lasts { $duration }; check the times, and that these are the captions of this work
error-captions-empty = the captions file has no captions in it: each caption needs its timing and some text
# args: $problem (encoding, binary), $line
error-captions-unreadable =
    { $problem ->
        [encoding] the captions file cannot be read as text from line { $line }: save it again as UTF-8 (in the editor's "Save as", choose the encoding UTF-8) and send it again
       *[binary] this does not look like a captions file (line { $line } holds binary data): choose the .srt or .vtt file, saved as text
    }
# args: $problem (file, cues, cue-text), $max, $line
error-captions-too-large =
    { $problem ->
        [file] the captions file is too large: at most { $max } MB
        [cues] the captions file holds too many captions: at most { $max }, and line { $line } starts one more
       *[cue-text] line { $line } of the captions: this caption is too long, at most { $max } characters; split it into shorter captions
    }
# args: $lang (what was sent)
error-captions-invalid-lang = "{ $lang }" is not a language code: choose the language of the captions, like it for Italian, en for English or fr for French
# args: $problem (too-long, invisible), $max
error-invalid-transcript =
    { $problem ->
        [too-long] the transcript is too long: at most { $max } characters
       *[invisible] the transcript contains invisible or reserved characters that cannot be shown; type it again instead of pasting it
    }
error-captions-required = this call asks for captions on videos, so that people who cannot hear can follow them: add a captions file (SRT or WebVTT); the help page explains how to write one
error-transcript-required = this call asks for a transcript of sound works, so that people who cannot hear can read them: write what is heard in the "Transcript" field; the help page explains how
# args: $kinds (what the call accepts, a list)
error-sound-not-accepted = this file has only sound, no picture, and this call does not take sound works: it takes { $kinds }

error-not-updatable = only a published film or sound work can get new captions or a transcript this way; before publication, change it when the curators ask for changes
error-nothing-to-update = send a captions file or a transcript different from the one the work has
error-no-update-waiting = there are no new captions or transcript waiting for this work (someone may have decided already); reload the page
error-invalid-update-decision = choose to approve or to decline the new captions or transcript
error-oembed-format = only format=json is offered

## Sign-in with SPID or CIE (OpenID Connect)
error-oidc-state-invalid = this sign-in is no longer valid: it expired (after 10 minutes), was already used, or was started in another browser; start signing in again from this page
error-oidc-unreachable = the SPID or CIE sign-in service does not answer right now; try again in a few minutes
error-oidc-code-refused = the sign-in service did not confirm this sign-in (it may have been used already or expired); start signing in again
error-oidc-token-invalid = the sign-in service's answer could not be verified, so you were not signed in; start again, and if it happens again, write to the city
error-oidc-email-missing = the sign-in service did not tell us your email address, which we need to tell you about your works; add an email address to your SPID or CIE profile, or allow it to be shared, and try again
error-oidc-cancelled = the sign-in was cancelled or refused by the sign-in service; you can try again whenever you like
error-password-sign-in-off = on this site you sign in with SPID or CIE only: signing in, signing up and resetting with a password are not available
error-sign-in-again-to-delete = deleting an account without a password needs a recent sign-in: sign in again with SPID or CIE, then delete the account within 10 minutes
error-claim-code-malformed = that is not how a claim code is written: 12 letters and digits in groups of four and one last sign, as on the receipt (for example 7K3M-Q9XW-2BTR-5)
error-claim-code-mistyped = that code does not add up: perhaps one letter or digit is wrong or two are swapped. Copy it again carefully from the receipt
error-contact-invalid = write an email address (like name@example.org) or a phone number, or leave it empty
error-consent-required = the person's consent is needed: confirm they agreed to the call's rules and the chosen licence
# args: $minutes
error-too-many-claim-lookups = too many tries with claim codes from this connection. Try again in { $minutes } minutes, or ask the desk where you sent the work
error-operator-needs-desk = an operator belongs to a desk: name them on the desks page, choosing the desk
error-desk-slug-taken = there is already a desk with this short name: choose another
error-unknown-desk = there is no desk with this short name
