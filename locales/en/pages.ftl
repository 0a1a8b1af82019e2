# The words of the pages. Ids are kebab-case; a comment "# args:" above an entry
# lists the variables it takes.

## Frame, home, calls, works, search, accounts

site-name = Piazza
tagline = The city's virtual square: themed calls, citizens' works
skip-to-content = Skip to content
nav-home = Home
nav-search = Search
nav-submit = Take part
nav-my-works = My works
nav-curate = To review
nav-sign-in = Sign in
nav-sign-out = Sign out
switch-language = Italiano
open-calls = Open calls
no-open-calls = There are no open calls right now.
latest-works = Latest published works
no-works-yet = No works published yet.
call-question = The question
call-open-until = Open until
call-closed = Closed
call-accepts = Accepts
answer-this-call = Answer this call
works-in-call = Published works
by = by
in-call = for the call
licence = Licence
your-browser-no-video = Your browser cannot play this video.
your-browser-no-audio = Your browser cannot play this sound: download it here.
search-title = Search the piazza
search-label = Words to search for
search-button = Search
search-kind-any = All kinds
search-no-results = No works found. Try other words.
search-results = Results
search-browse = All published works
# args: $count
search-total =
    { $count ->
        [one] { $count } work
       *[other] { $count } works
    }
search-facets = Narrow the search
search-facet-kind = Kind
search-facet-call = Call
search-facet-licence = Licence
search-facet-year = Year
search-active = Active filters
# args: $filter (the filter as shown, e.g. "Kind: Poem")
search-remove-filter = Remove the filter { $filter }
search-sort = Order
search-sort-relevance = most relevant
search-sort-newest = newest
# args: $page, $pages
search-page-of = Page { $page } of { $pages }
licence-all-rights-reserved = All rights reserved
sign-in-title = Sign in
email = Email
password = Password
sign-in-button = Sign in
sign-in-failed = Wrong email or password.
submit-title = Take part with a work
submit-intro = Choose the call and the kind of work, then send it. Curators read it before it is published.
field-call = Call
field-kind = Kind of work
field-title = Title
field-text = Text (for poems and stories)
field-text-help = Line breaks and stanzas stay as you write them.
field-file = File (photo, video, sound, or a .txt text)
field-file-help = Photos: JPEG, PNG, WebP, GIF, HEIC, TIFF or BMP. Videos: MP4, MOV, 3GP, WebM, MKV, AVI or Ogg. Sounds: MP3, M4A, WAV, FLAC, Ogg, Opus or AMR.
field-alt = Description of the photo for blind visitors
field-alt-help = Required for photos: one sentence saying what can be seen.
field-description = Notes about the work (optional)
field-licence = Licence
submit-button = Send the work
submitted = Thank you! Your work has arrived and is being processed.
my-works-title = My works
status = Status
curate-title = Works to review
curate-empty = No works waiting for review.
approve = Publish
reject = Reject
reject-reason = Reason (the author reads it)
retry = Retry processing
withdraw = Withdraw the work
city-reply = The city's reply
appreciate = I like it
report = Report to the curators
report-reason = What is wrong with this work?
reports-title = Reported works
reply-button = Publish the reply
audit-title = Audit log
audit-col-when = When
audit-col-who = Who
audit-col-action = Action
audit-col-target = On what
withdraw-help = The work disappears at once from the gallery, search and the site. This cannot be undone.
error-title = Something is not right
not-found-title = Page not found
back-home = Back to the home page
processing-progress = Processing
reason = Reason
kind-poem = Poem
kind-story = Story
kind-photo = Photo
kind-film = Film
kind-audio = Sound
status-processing = Processing
status-pending-review = Waiting for review
status-published = Published
status-rejected = Not accepted
status-failed = Could not be processed
nav-account = My account
nav-sign-up = Sign up
nav-people = People
sign-up-title = Create an account
sign-up-intro = With an account you can answer the city's calls. We will send you an email to confirm your address.
name = Name (shown on your works)
password-new-help = At least 10 characters: a short sentence is fine.
sign-up-button = Create the account
no-account = No account yet?
forgot-password = Forgot your password?
check-inbox-title = Check your email
check-inbox-text = If the address is right, we have just written to you: open the link in the email to go on. A password reset link is valid for one hour.
sign-up-done = We have written to you to confirm the address. You can sign in already; you can send works once it is confirmed.
verify-title = Confirm your email address
verify-button = Confirm
verify-done = Address confirmed: you can now send your works.
link-invalid = This link is not valid: it has expired or was already used. Ask for a new one.
reset-request-title = Reset your password
reset-request-intro = Enter your account's address: we will send you a link valid for one hour.
reset-request-button = Send me the link
new-password = New password
reset-button = Save the new password
reset-done = Password changed. For safety you were signed out everywhere and the account's API tokens no longer work: sign in with the new password.
account-title = My account
account-verified = Address confirmed
account-not-verified = Address not confirmed yet: open the link we sent you to be able to send works.
resend-verification = Send me the link again
verification-sent = We have sent you a new confirmation link.
sessions-title = Signed-in devices
sessions-open = Open sessions
sign-out-everywhere = Sign out everywhere
sign-out-everywhere-help = Ends every session open with your account, this one too.
export-title = Your data
export-help = Download a zip archive with your data, your works, their texts and the original files.
export-button = Download my data
delete-title = Delete the account
delete-help = Your works are withdrawn and disappear from the piazza. Works published under CC0 stay, without your name ("Autore anonimo"). This cannot be undone.
delete-password = Your password, to confirm
delete-button = Delete my account for good
account-deleted = Your account has been deleted.
people-title = People and roles
role = Role
change-role = Change role
role-citizen = Citizen
role-curator = Curator
role-admin = Administrator
role-operator = Desk operator
verified = Confirmed
yes = yes
no = no
role-changed = Role updated.
too-many-attempts = Too many sign-in attempts. Try again in a few minutes, or reset your password.
not-verified-notice = Confirm your email address to send works: open the link we sent you, or ask for a new one on your account page.
status-withdrawn = Withdrawn

## Calls, curation, history

status-changes-requested = Changes requested
phase-draft = Draft (not visible to the public)
phase-upcoming = Opening soon
phase-open = Open
phase-closed = Closed
phase-results = Results published
phase-archived = Archived
to-open = Open the call
to-draft = Back to draft
to-closed = Close the call
to-results = Publish the results
to-archived = Archive
opens-on = Opens on
results = Results
account-locked = Too many wrong passwords for this account: signing in with the password is paused for 15 minutes. If the account is yours, you can come in now with a link we email you.
send-sign-in-link = Email me a sign-in link
sign-in-link-text = This link signs you in to your account once, without a password.
reset-ends-everything = When you change the password you are signed out everywhere and your account's API tokens stop working.
newer-page = ← Previous page
older-page = Next page →
pages = Pages
calls-with-results = Calls with results
per-person = Works per person
featured-works = Featured
archive = Archive
archive-intro = Past calls, with their published works.
no-archived = No archived calls yet.
nav-calls = Calls
nav-queue = Review queue
nav-reasons = Reasons
calls-title = Manage calls
new-call = New call
edit-call = Edit the call
call-state = State
call-works = Works
field-slug = Address (lowercase letters, digits and dashes)
field-slug-fixed = The address does not change after creation, so links keep working.
field-question = The question the call asks
field-call-description = Description
field-kinds = Kinds of works accepted
field-opens = Opens on (Italian time)
field-closes = Closes on (Italian time)
field-limit = Works per person (empty: no limit)
field-licences = Licences offered
field-alt-required = Photos must have a description (alt text)
field-results = Results text (public once the results are published)
create-draft = Create as draft
save = Save
saved = Saved.
cover = Cover picture
cover-alt = Description of the picture
upload-cover = Upload the cover
queue-title = Works to review
filter = Filter
any = All
only-shortlisted = Shortlisted only
select = Select
bulk-approve = Approve the selected works
# args: $approved, $skipped
bulk-approved =
    { $approved ->
        [one] One work approved
       *[other] { $approved } works approved
    }{ $skipped ->
        [0] .
        [one] ; one was no longer waiting and was skipped.
       *[other] ; { $skipped } were no longer waiting and were skipped.
    }
request-changes = Ask for changes
reason-template = Ready-made reason
reason-none = (I will write the reason)
reason-or-template = Reason (or pick a ready-made one)
shortlist = Shortlist
unshortlist = Remove from shortlist
feature = Feature
unfeature = Stop featuring
shortlisted = Shortlisted
featured = Featured
reasons-title = Ready-made reasons
reasons-intro = Curators pick them when they reject a work or ask for changes; the author reads the text.
reason-label = Name
reason-text = Text for the author
add-reason = Add the reason
delete = Delete
history = History of the work
ev-submitted = Sent
ev-resubmitted = Sent again, changed
ev-approved = Published
ev-rejected = Not accepted
ev-changes-requested = Changes requested
ev-shortlisted = Shortlisted
ev-unshortlisted = Removed from shortlist
ev-featured = Featured
ev-unfeatured = No longer featured
earlier-versions = Earlier versions
version = Version
edit-work = Edit and send again
edit-intro = The curators asked for a change. Change what is needed and send it again: the earlier version stays in the work's history.
keep-file = Leave empty to keep the current file.
send-again = Send again
what-to-change = What to change
# args: $seconds
page-refreshes =
    { $seconds ->
        [one] This page refreshes itself every second.
       *[other] This page refreshes itself every { $seconds } seconds.
    }
# The limits of a work, beside the file field: "videos up to 200 MB and 10 minutes".
# args: $mb, $minutes
limit-film = videos up to { $mb } MB and { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
# args: $mb, $megapixels
limit-photo = photos up to { $mb } MB and { $megapixels } megapixels
# args: $chars
limit-text = poems and stories up to { $chars } characters

## The submit page's script: a resumable upload, its progress, and checks before it starts.
# Where the script puts numbers it formats itself, these messages take placeholders.
upload-starting = Getting the file ready to send…
# args: $percent, $sent, $total (megabytes, with a decimal)
upload-progress = { $percent } % · { $sent } MB of { $total } MB sent
# args: $minutes
upload-left-minutes = about { $minutes } minutes left
upload-left-one-minute = about a minute left
upload-left-seconds = less than a minute left
# Said by a screen reader now and then, not at every percent.
# args: $percent
upload-announce = Sending: { $percent } %.
upload-offline = The connection dropped: sending is paused and goes on by itself when the network is back. Keep this page open.
upload-online = The connection is back: sending goes on from where it stopped.
upload-retrying = The server did not answer: trying again shortly, from where it stopped.
upload-sent = File sent. Now sending the work…
upload-failed = Sending did not work. Check the connection and press “Send the work” again: it goes on from where it stopped.
upload-gone = The interrupted upload is no longer there (it expired): the file will be sent again from the start.
# args: $name, $percent
upload-resume-offer = Sending “{ $name }” stopped at { $percent } %. Choose the same file again and press “Send the work”: it goes on from there.
# args: $percent
upload-resuming = Going on from { $percent } %.
upload-draft-restored = We found what you had written: check it and send it when you are ready.
upload-start-over = Start again
upload-kept = The file has already arrived: there is no need to choose it again.
# args: $size, $max (megabytes)
upload-too-large = This file is { $size } MB, but files can be up to { $max } MB. Choose a smaller file (for a video: shorter, or recorded at a lower quality).
# args: $minutes, $max
upload-too-long = This video is { $minutes } minutes long, but the limit is { $max } minutes. Shorten it and choose it again.
upload-wrong-type-photo = This file is not a photo we can take. Choose a JPEG, PNG, WebP, GIF, HEIC, TIFF or BMP file, or change the kind of work.
upload-wrong-type-film = This file is not a video we can take. Choose an MP4, MOV, 3GP, WebM, MKV, AVI or Ogg file, or change the kind of work.

## Captions and transcripts
# The label of a film's captions track in the player.
# args: $lang (a language code)
captions-label = Captions ({ $lang })
transcript = Transcript
field-captions = Captions (an SRT or WebVTT file, optional)
field-captions-help = For people who cannot hear: a text file with the times and words of the video. The help page explains how to write one.
field-captions-lang = Language of the captions
field-transcript = Transcript (optional)
field-transcript-help = What is heard in the video, written down: the words, and the sounds that matter. Start new lines wherever you like.
field-captions-required = Videos must have captions
field-transcript-required = Sound works must have a transcript
call-rules = Works everyone can enjoy
rule-alt-text = Every photo has a description for people who cannot see.
rule-captions = Every video has captions, for people who cannot hear.
rule-transcript = Every sound work has a transcript, for people who cannot hear.
help-accessible-link = How to write captions, transcripts and descriptions
help-accessible-title = Works everyone can see and hear
help-accessible-intro = Some people cannot see, others cannot hear. With a few lines of text your work reaches them too.
help-alt-heading = A photo's description
help-alt-body = Write in one or two sentences what can be seen, as you would tell a friend on the phone: who or what is there, where, what is happening. There is no need to write "photo of".
help-captions-heading = A video's captions
help-captions-body = A captions file is a plain text file (save it as .srt) with, for each sentence, a number, the moment it appears and the moment it goes, and the words. Leave an empty line between sentences. Here is an example:
help-captions-tools = Many free video editors write them for you; they can also be written in Notepad. Times are hours:minutes:seconds,milliseconds.
help-transcript-heading = A sound work's transcript
help-transcript-body = A transcript is the text of what is heard: the words, one by one, and in brackets the sounds that matter (a bell, the wind, laughter). Start new lines wherever you like, as in a poem.
help-captions-example-1 = Good morning, this is the market square.
help-captions-example-2 = (the bells ring)
# In the curator queue: what a work lacks to reach everyone.
gap-no-alt-text = No description for people who cannot see
gap-short-alt-text = Very short description
gap-no-captions = No captions
gap-no-transcript = No transcript
# args: $minutes, $max
upload-too-long-audio = This recording is { $minutes } minutes long, but the limit is { $max } minutes. Shorten it and choose it again.
upload-wrong-type-audio = This file is not a sound we can take. Choose an MP3, M4A, WAV, FLAC, Ogg, Opus or AMR file (a voice memo too), or change the kind of work.
# args: $mb, $minutes
limit-audio = sounds up to { $mb } MB and { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
share = Share
share-email = Email

# New captions or a transcript for a published work, reviewed while it stays public.
update-work = Captions and transcript
update-intro = Send captions or a transcript for your published work, or better ones. Your work stays online as it is now; a curator looks at what you send, and once they approve it, the new captions or transcript appear. The earlier version stays in the work's history.
update-captions-replace = This work has captions: a new file replaces them once approved.
update-send = Send for review
update-back = Back to the work
update-link-add = Add captions or a transcript
update-link-replace = Change the captions or the transcript
update-waiting-heading = New captions or transcript waiting for review
update-waiting-author = You sent these: the work shows its published version until a curator approves them. You can send them again, changed, in the meantime.
update-waiting-curator = The author sent these for the published work. Approving them makes them part of the work at once; declining leaves it as it is (the author reads your reason).
update-new-transcript = New transcript
update-new-captions = New captions
update-approve = Approve the new captions or transcript
update-decline = Decline them
update-what-both = new captions and transcript
update-what-captions = new captions
update-what-transcript = new transcript
curate-updates-heading = Published works with new captions or a transcript
ev-update-proposed = New captions or transcript sent
ev-update-approved = New captions or transcript approved
ev-update-declined = New captions or transcript declined
ev-claimed = Claimed by the person who made it, with the receipt's code

# The footer's links, as Italian public sites carry them, and the piazza's own notices for a
# city that has not set its own (PIAZZA_CITY__PRIVACY_URL, __LEGAL_URL, __ACCESSIBILITY_URL).
footer-nav = About this site
footer-privacy = Privacy notice
footer-legal = Legal notes
footer-accessibility = Accessibility statement
notice-the-city = the municipality
privacy-heading = Privacy notice
# args: $city
privacy-body =
    The data controller is { $city }, which runs this virtual square. We process only what taking part needs: the name you sign your works with, your email address (to confirm your account, sign in and hear the curators' decisions), the works you send with their texts and files, and, for security, the network address and time of sign-ins.

    Before publishing photos and films we remove their GPS position, camera details and the other information hidden in the file: none of it stays in the public copies.

    Published works can be seen by everyone, under the licence you chose. Works not published are seen only by you and the curators.

    At any time you can download all your data and works from "My account", withdraw a work, or delete your account, which erases your data. For any other request about your data, write to { $city }.

    The site uses no profiling cookies and no third-party services: only a technical cookie for your session and one for your language.
legal-heading = Legal notes
# args: $city
legal-body =
    This site is run by { $city }. Every work belongs to whoever made it and is published under the licence they chose, shown under the work; the licence says how you may reuse it.

    By sending a work you declare that you made it, or that you have the permission of the people who appear in its photos and films. The curators may decline to publish, or withdraw, works that break the call's rules or the law.

    If you think a work infringes your rights, use the "Report" button under it: the curators will look at it.
accessibility-heading = Accessibility statement
# args: $city
accessibility-body =
    This site is run by { $city }, which is committed to making it accessible under Italian law 4/2004 and AgID's accessibility guidelines, which refer to WCAG 2.1 level AA.

    The pages work without JavaScript, with the keyboard and with screen readers, on screens from 360 pixels wide and on slow connections. Calls may require photos to carry a description, films captions and sound works a transcript.

    Works sent by citizens may not be fully accessible: a photo without a long description, a film without captions, where the call did not require them. The curators mark them and ask their authors to complete them.

    If you meet a barrier, tell { $city }. If the answer does not satisfy you, you may turn to the Digital Ombudsman at AgID.

## The privacy receipt (work page and "my works"; author and curators only)
receipt-heading = Hidden data in the file
receipt-intro = Photos and films often carry data you cannot see. This is what the file you sent contained and what we did with it.
receipt-summary = Hidden data removed from the file
# args: $kind
receipt-none = { $kind ->
    [film] The film
   *[other] The photo
} carried no hidden data that could tell who you are or where you were.
# args: $detail, $kind
receipt-found-gps = { $kind ->
    [film] The film
   *[other] The photo
} carried its GPS position ({ $detail }): we removed it from every public copy.
# args: $kind
receipt-found-gps-unread = { $kind ->
    [film] The film
   *[other] The photo
} carried GPS position data: we removed it from every public copy.
# args: $detail
receipt-found-location = The film carried the place where it was shot ({ $detail }): we removed it from every public copy.
receipt-found-location-unread = The film carried a note of the place where it was shot: we removed it from every public copy.
# args: $detail, $kind
receipt-found-camera = { $kind ->
    [film] The film
   *[other] The photo
} carried the make and model of the camera or phone ({ $detail }): we removed it from every public copy.
# args: $detail, $kind
receipt-found-serial = { $kind ->
    [film] The film
   *[other] The photo
} carried the device's serial number ({ $detail }): we removed it from every public copy.
# args: $detail, $kind
receipt-found-date-taken = { $kind ->
    [film] The film
   *[other] The photo
} carried the date and time it was taken ({ $detail }): we removed them from every public copy.
# args: $detail, $kind
receipt-found-author = { $kind ->
    [film] The film
   *[other] The photo
} carried names (author or copyright: { $detail }): we removed them from every public copy.
# args: $detail, $kind
receipt-found-software = { $kind ->
    [film] The film
   *[other] The photo
} carried the name of the program that saved it ({ $detail }): we removed it from every public copy.
# args: $kind
receipt-found-upright = { $kind ->
    [film] The film was stored turned: we turned it upright
   *[other] The photo was stored turned: we turned it upright
}, and the note is gone.
# args: $detail, $kind
receipt-found-other = { $kind ->
    [film] The film
   *[other] The photo
} carried other hidden data ({ $detail }): we removed it from every public copy.
receipt-clean = We read every public copy back, one by one: none of them contains this data.
receipt-not-clean = We could not confirm that the public copies are free of this data, so we do not publish them.

## Sign-in with SPID or CIE (OpenID Connect)
oidc-button = Sign in with SPID or CIE
oidc-or-password = Or sign in with the email and password of your Piazza account.
oidc-refused-title = Sign-in failed
oidc-try-again = Start signing in again
oidc-link-sent-title = Check your email
oidc-link-sent = There is already a Piazza account with this email address. To join it to your SPID or CIE sign-in we sent a link to that address: open it within an hour, in this same browser. Until you do, the account stays as it is.
oidc-link-title = Join your SPID or CIE sign-in
oidc-link-text = Once you confirm, your Piazza account can also be opened with SPID or CIE, and your email address counts as confirmed.
oidc-link-button = Join and sign in
oidc-link-invalid = This link is not valid: it expired, was already used, or you are opening it in a browser other than the one you signed in with SPID or CIE. Sign in with SPID or CIE again from that browser to get a new one.
password-sign-in-off = On this site you sign in with SPID or CIE only.
delete-fresh-sign-in = Your account has no password: to confirm, you must have signed in with SPID or CIE less than 10 minutes ago.
oidc-sign-in-again = Sign in again with SPID or CIE

## The library desk
desk-submit-title = Send a work for someone
# args: $desk
desk-submit-intro = At the { $desk } desk: fill in the form with the person. At the end, print the receipt with the code to follow the work.
desk-person = Who the work is for
desk-person-name = How the person wants to be credited (name or pen name)
desk-person-name-help = This name will show as the work's author.
desk-person-contact = Email or phone (optional)
desk-person-contact-help = If the person leaves an email address, news about the work reaches them there with their code. A phone number is only for the desk to call them back.
desk-consent = The person read and agreed to the call's rules and the chosen licence: I confirm it.
nav-desk = Desk
nav-desks = Desks
desk-title = Desk
# args: $desk
desk-heading = Desk: { $desk }
desk-helped = The works you helped send
desk-helped-none = You have not sent a work for anyone yet.
desk-credited = On behalf of
desk-receipt = Receipt
desk-receipt-print = Print the receipt
receipt-title = Receipt for your work
receipt-date = Sent on
receipt-desk = Sent at the desk
receipt-code = Your code
receipt-qr-alt = QR code with the address to follow the work
receipt-follow = To see how your work is doing, scan the QR code or go to:
receipt-claim = If one day you make an account on the piazza, this code makes the work yours: you find it in "My works" and manage it yourself.
receipt-processing = We are still preparing the file: in a few seconds this shows what hidden data we removed.
receipt-no-file = Poems and stories carry no hidden data.
receipt-back = Back to the desk
claim-title = Follow your work
claim-intro = Type the code on the desk's receipt.
claim-code-label = Receipt code
claim-look-up = Look up
claim-status = The work's status:
claim-take-heading = Make the work yours
claim-take-help = The work moves to your account: you find it in "My works" and the code stops working.
claim-take-button = Make this work mine
claim-sign-in = To make the work yours you need an account with a confirmed email address.
desks-title = Desks
desks-none = There are no desks yet.
desks-new = New desk
desks-name = Name (as people read it)
desks-slug = Short name
desks-slug-help = Lower-case letters, digits and dashes, for example biblioteca-cesure.
desks-create = Create the desk
desks-operator = Name an operator
desks-which = Desk
desks-name-operator = Name operator
desk-created = Desk created.
operator-named = Operator named.
# args: $desk
sent-at-desk = sent at { $desk }
