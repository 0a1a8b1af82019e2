# The mail the piazza sends. Subjects follow "Piazza: "; each mail says the Italian text,
# then the English one. Where the text addresses the person it uses forms that fit
# everyone ("se non eri tu", not "se non sei stato tu").

# args: $name
mail-greeting = Ciao { $name },

mail-verify-subject = conferma il tuo indirizzo email
# args: $name, $link
mail-verify-body =
    Ciao { $name },

    per confermare il tuo indirizzo email su Piazza apri questo link (vale 7 giorni, una volta sola):

    { $link }

    Se la registrazione non l'hai chiesta tu, ignora questo messaggio.

mail-reset-subject = reimposta la password
# args: $link
mail-reset-body =
    Qualcuno (speriamo tu) ha chiesto di reimpostare la password del tuo account Piazza.
    Apri questo link entro un'ora per sceglierne una nuova (vale una volta sola):

    { $link }

    Se la richiesta non è partita da te, ignora questo messaggio: la password resta quella di prima.

# args: $locked (yes: someone was guessing the password)
mail-sign-in-link-subject =
    { $locked ->
        [yes] qualcuno sta provando la tua password
       *[no] il tuo link per entrare
    }
# args: $name, $link, $locked (yes: someone was guessing the password)
mail-sign-in-link-body =
    Ciao { $name },

    { $locked ->
        [yes]
            qualcuno ha sbagliato più volte la password del tuo account Piazza, e per 15 minuti l'accesso con la password è sospeso.
            La password non è stata indovinata. Se eri tu, o se vuoi entrare adesso, usa questo link (vale un'ora, una volta sola):
       *[no] ecco il link che hai chiesto per entrare nel tuo account Piazza (vale un'ora, una volta sola):
    }

    { $link }

    Se non eri tu, non serve fare nulla; se la tua password è corta, sceglierne una più lunga la rende più sicura.

mail-no-account-subject = reimpostazione della password
# args: $link (the sign-up page)
mail-no-account-body =
    Qualcuno (forse tu) ha chiesto di reimpostare la password di un account Piazza con questo indirizzo, ma a questo indirizzo non corrisponde nessun account.
    Se vuoi partecipare, puoi crearne uno qui:

    { $link }

    Se la richiesta non è partita da te, ignora questo messaggio.

mail-already-registered-subject = hai già un account
# args: $link (the reset page)
mail-already-registered-body =
    Qualcuno (speriamo tu) ha provato a creare un account Piazza con questo indirizzo, che ne ha già uno.
    Se hai dimenticato la password, puoi reimpostarla qui:

    { $link }

    Se la richiesta non è partita da te, ignora questo messaggio.

# What happened to a work, after its title. Only reports move a published work back to
# review, so pending_review means hidden by reports.
# args: $status (the work's status code, or update_approved / update_declined)
mail-work-status-what =
    { $status ->
        [pending_review] è stata nascosta dopo alcune segnalazioni, finché la redazione non l'avrà riguardata
        [published] è stata pubblicata nella piazza
        [rejected] non è stata accettata
        [changes_requested] ha bisogno di qualche modifica prima di essere pubblicata
        [failed] non è stata elaborata: il file ha un problema
        [update_approved] ora ha i sottotitoli o la trascrizione che hai inviato
        [update_declined] resta com'era: la redazione non ha accolto i sottotitoli o la trascrizione che hai inviato
       *[other] ha cambiato stato
    }
# args: $title, $status
mail-work-status-subject = «{ $title }» { mail-work-status-what }
# args: $title, $status
mail-work-status-news = la tua opera «{ $title }» { mail-work-status-what }.
# args: $status, $reason
mail-work-status-reason =
    { $status ->
        [failed] Che cosa è successo
       *[other] Il motivo, nelle parole della redazione
    }:

    { $reason }
# args: $status, $link
mail-work-status-where =
    { $status ->
        [changes_requested] Puoi modificarla e inviarla di nuovo da questa pagina:
        [update_declined] Puoi inviarli di nuovo, corretti, da questa pagina:
       *[other] La trovi qui:
    }

    { $link }
# A link to "my works" when the mail cannot hold the site's address.
# args: $path
mail-my-works-link = «Le mie opere» ({ $path })
# A desk contact's link to their claim code's page when the mail cannot hold the site's address.
# args: $path
mail-claim-link = la pagina del tuo codice sul sito della piazza ({ $path })

mail-oidc-link-subject = collega il tuo accesso con SPID o CIE
# args: $name, $link
mail-oidc-link-body =
    Ciao { $name },

    qualcuno (speriamo tu) è appena entrato su Piazza con SPID o CIE usando questo indirizzo email, che appartiene già al tuo account.
    Per collegare quell'accesso al tuo account apri questo link entro un'ora, nello stesso browser con cui sei entrato (funziona una volta sola):

    { $link }

    Se non eri tu, ignora questo messaggio: il tuo account resta com'è.
