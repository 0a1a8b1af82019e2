# The mail the piazza sends. Subjects follow "Piazza: "; each mail says the Italian text,
# then the English one.

# args: $name
mail-greeting = Hello { $name },

mail-verify-subject = confirm your email address
# args: $name, $link
mail-verify-body =
    Hello { $name },

    to confirm your email address on Piazza open this link (valid for 7 days, once):

    { $link }

    If you did not sign up, ignore this message.

mail-reset-subject = reset your password
# args: $link
mail-reset-body =
    Someone (hopefully you) asked to reset the password of your Piazza account.
    Open this link within one hour to choose a new one (it works once):

    { $link }

    If it was not you, ignore this message: your password stays as it was.

# args: $locked (yes: someone was guessing the password)
mail-sign-in-link-subject =
    { $locked ->
        [yes] someone is trying your password
       *[no] your sign-in link
    }
# args: $name, $link, $locked (yes: someone was guessing the password)
mail-sign-in-link-body =
    Hello { $name },

    { $locked ->
        [yes]
            someone typed a wrong password for your Piazza account several times, so signing in with the password is paused for 15 minutes.
            The password was not guessed. If it was you, or if you want to come in now, use this link (valid for one hour, once):
       *[no] here is the link you asked for to sign in to your Piazza account (valid for one hour, once):
    }

    { $link }

    If it was not you, there is nothing to do; if your password is short, a longer one makes it safer.

mail-no-account-subject = password reset
# args: $link (the sign-up page)
mail-no-account-body =
    Someone (perhaps you) asked to reset the password of a Piazza account with this address, but this address has no account.
    If you would like to take part, you can create one here:

    { $link }

    If it was not you, ignore this message.

mail-already-registered-subject = you already have an account
# args: $link (the reset page)
mail-already-registered-body =
    Someone (hopefully you) tried to create a Piazza account with this address, which already has one.
    If you forgot your password, you can reset it here:

    { $link }

    If it was not you, ignore this message.

# What happened to a work, after its title. Only reports move a published work back to
# review, so pending_review means hidden by reports.
# args: $status (the work's status code, or update_approved / update_declined)
mail-work-status-what =
    { $status ->
        [pending_review] has been hidden after some reports, until the curators have looked at it again
        [published] has been published in the piazza
        [rejected] was not accepted
        [changes_requested] needs some changes before it can be published
        [failed] could not be processed: the file has a problem
        [update_approved] now has the captions or transcript you sent
        [update_declined] stays as it was: the curators did not take the captions or transcript you sent
       *[other] changed status
    }
# args: $title, $status
mail-work-status-subject = "{ $title }" { mail-work-status-what }
# args: $title, $status
mail-work-status-news = your work "{ $title }" { mail-work-status-what }.
# args: $status, $reason
mail-work-status-reason =
    { $status ->
        [failed] What happened
       *[other] The reason, in the curators' words
    }:

    { $reason }
# args: $status, $link
mail-work-status-where =
    { $status ->
        [changes_requested] You can change it and send it again from this page:
        [update_declined] You can send them again, changed, from this page:
       *[other] You can find it here:
    }

    { $link }
# A link to "my works" when the mail cannot hold the site's address.
# args: $path
mail-my-works-link = "My works" ({ $path })
# A desk contact's link to their claim code's page when the mail cannot hold the site's address.
# args: $path
mail-claim-link = your code's page on the piazza's site ({ $path })

mail-oidc-link-subject = join your SPID or CIE sign-in
# args: $name, $link
mail-oidc-link-body =
    Hello { $name },

    someone (hopefully you) just signed in to Piazza with SPID or CIE using this email address, which already belongs to your account.
    To join that sign-in to your account, open this link within one hour, in the same browser you signed in with (it works once):

    { $link }

    If it was not you, ignore this message: your account stays as it is.
