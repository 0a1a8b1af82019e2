# The words of the pages. Ids are kebab-case; a comment "# args:" above an entry
# lists the variables it takes.

## Frame, home, calls, works, search, accounts

site-name = Piazza
tagline = La piazza virtuale della città: chiamate a tema, opere dei cittadini
skip-to-content = Vai al contenuto
nav-home = Inizio
nav-search = Cerca
nav-submit = Partecipa
nav-my-works = Le mie opere
nav-curate = Da revisionare
nav-sign-in = Accedi
nav-sign-out = Esci
switch-language = English
open-calls = Chiamate aperte
no-open-calls = In questo momento non ci sono chiamate aperte.
latest-works = Ultime opere pubblicate
no-works-yet = Ancora nessuna opera pubblicata.
call-question = La domanda
call-open-until = Aperta fino al
call-closed = Chiusa
call-accepts = Accetta
answer-this-call = Rispondi a questa chiamata
works-in-call = Opere pubblicate
by = di
in-call = per la chiamata
licence = Licenza
your-browser-no-video = Il tuo browser non riproduce questo video.
your-browser-no-audio = Il tuo browser non riproduce questo suono: scaricalo qui.
search-title = Cerca nella piazza
search-label = Parole da cercare
search-button = Cerca
search-kind-any = Tutti i tipi
search-no-results = Nessuna opera trovata. Prova con altre parole.
search-results = Risultati
search-browse = Tutte le opere pubblicate
# args: $count
search-total =
    { $count ->
        [one] { $count } opera
       *[other] { $count } opere
    }
search-facets = Affina la ricerca
search-facet-kind = Tipo
search-facet-call = Chiamata
search-facet-licence = Licenza
search-facet-year = Anno
search-active = Filtri attivi
# args: $filter (the filter as shown, e.g. "Tipo: Poesia")
search-remove-filter = Togli il filtro { $filter }
search-sort = Ordine
search-sort-relevance = più pertinenti
search-sort-newest = più recenti
# args: $page, $pages
search-page-of = Pagina { $page } di { $pages }
licence-all-rights-reserved = Tutti i diritti riservati
sign-in-title = Accedi
email = Email
password = Password
sign-in-button = Accedi
sign-in-failed = Email o password non corrette.
submit-title = Partecipa con un'opera
submit-intro = Scegli la chiamata, il tipo di opera e invia. I curatori la leggeranno prima di pubblicarla.
field-call = Chiamata
field-kind = Tipo di opera
field-title = Titolo
field-text = Testo (per poesie e racconti)
field-text-help = Gli a capo e le strofe restano come li scrivi.
field-file = File (foto, video, suono, oppure un testo .txt)
field-file-help = Foto: JPEG, PNG, WebP, GIF, HEIC, TIFF o BMP. Video: MP4, MOV, 3GP, WebM, MKV, AVI o Ogg. Suoni: MP3, M4A, WAV, FLAC, Ogg, Opus o AMR.
field-alt = Descrizione della foto per chi non vede
field-alt-help = Obbligatoria per le foto: una frase che dica cosa si vede.
field-description = Note sull'opera (facoltative)
field-licence = Licenza
submit-button = Invia l'opera
submitted = Grazie! La tua opera è arrivata ed è in lavorazione.
my-works-title = Le mie opere
status = Stato
curate-title = Opere da revisionare
curate-empty = Nessuna opera in attesa di revisione.
approve = Pubblica
reject = Rifiuta
reject-reason = Motivo (lo legge l'autore)
retry = Riprova l'elaborazione
withdraw = Ritira l'opera
city-reply = La risposta del Comune
appreciate = Mi piace
report = Segnala ai curatori
report-reason = Che cosa non va in quest'opera?
reports-title = Opere segnalate
reply-button = Pubblica la risposta
audit-title = Registro delle azioni
audit-col-when = Quando
audit-col-who = Chi
audit-col-action = Azione
audit-col-target = Su che cosa
withdraw-help = L'opera sparisce subito dalla galleria, dalla ricerca e dal sito. Non si può annullare.
error-title = Qualcosa non va
not-found-title = Pagina non trovata
back-home = Torna all'inizio
processing-progress = Lavorazione
reason = Motivo
kind-poem = Poesia
kind-story = Racconto
kind-photo = Foto
kind-film = Video
kind-audio = Suono
status-processing = In lavorazione
status-pending-review = In attesa di revisione
status-published = Pubblicata
status-rejected = Non accettata
status-failed = Non elaborabile
nav-account = Il mio account
nav-sign-up = Registrati
nav-people = Persone
sign-up-title = Crea un account
sign-up-intro = Con un account puoi rispondere alle chiamate della città. Ti manderemo un'email per confermare l'indirizzo.
name = Nome (compare sulle tue opere)
password-new-help = Almeno 10 caratteri: una breve frase va benissimo.
sign-up-button = Crea l'account
no-account = Non hai un account?
forgot-password = Password dimenticata?
check-inbox-title = Controlla la tua email
check-inbox-text = Se l'indirizzo è giusto, ti abbiamo appena scritto: apri il link nell'email per continuare. Il link per reimpostare la password vale un'ora.
sign-up-done = Ti abbiamo scritto per confermare l'indirizzo. Intanto puoi accedere; potrai inviare opere dopo la conferma.
verify-title = Conferma l'indirizzo email
verify-button = Conferma
verify-done = Indirizzo confermato: ora puoi inviare le tue opere.
link-invalid = Questo link non è valido: è scaduto o è già stato usato. Chiedine uno nuovo.
reset-request-title = Reimposta la password
reset-request-intro = Scrivi l'indirizzo del tuo account: ti manderemo un link valido per un'ora.
reset-request-button = Mandami il link
new-password = Nuova password
reset-button = Salva la nuova password
reset-done = Password cambiata. Per sicurezza abbiamo chiuso le sessioni su tutti i dispositivi e le chiavi API dell'account non valgono più: accedi con la nuova password.
account-title = Il mio account
account-verified = Indirizzo confermato
account-not-verified = Indirizzo non ancora confermato: apri il link che ti abbiamo mandato per poter inviare opere.
resend-verification = Mandami di nuovo il link
verification-sent = Ti abbiamo mandato un nuovo link di conferma.
sessions-title = Dispositivi collegati
sessions-open = Sessioni aperte
sign-out-everywhere = Esci da tutti i dispositivi
sign-out-everywhere-help = Chiude ogni sessione aperta con il tuo account, anche questa.
export-title = I tuoi dati
export-help = Scarica un archivio zip con i tuoi dati, le tue opere, i testi e i file originali.
export-button = Scarica i miei dati
delete-title = Elimina l'account
delete-help = Le tue opere vengono ritirate e spariscono dalla piazza. Le opere pubblicate con licenza CC0 restano, senza il tuo nome ("Autore anonimo"). Non si può annullare.
delete-password = La tua password, per confermare
delete-button = Elimina definitivamente il mio account
account-deleted = Il tuo account è stato eliminato.
people-title = Persone e ruoli
role = Ruolo
change-role = Cambia ruolo
role-citizen = Cittadino
role-curator = Curatore
role-admin = Amministratore
role-operator = Operatore di sportello
verified = Confermato
yes = sì
no = no
role-changed = Ruolo aggiornato.
too-many-attempts = Troppi tentativi di accesso. Riprova tra qualche minuto, oppure reimposta la password.
not-verified-notice = Conferma il tuo indirizzo email per poter inviare opere: apri il link che ti abbiamo mandato, o chiedine uno nuovo dal tuo account.
status-withdrawn = Ritirata

## Calls, curation, history

status-changes-requested = Modifiche richieste
phase-draft = Bozza (non visibile al pubblico)
phase-upcoming = Apre presto
phase-open = Aperta
phase-closed = Chiusa
phase-results = Risultati pubblicati
phase-archived = Archiviata
to-open = Apri la chiamata
to-draft = Riporta in bozza
to-closed = Chiudi la chiamata
to-results = Pubblica i risultati
to-archived = Archivia
opens-on = Apre il
results = Risultati
account-locked = Troppe password sbagliate per questo account: l'accesso con la password è sospeso per 15 minuti. Se l'account è tuo, puoi entrare subito con un link che ti mandiamo per email.
send-sign-in-link = Mandami un link per entrare
sign-in-link-text = Questo link ti fa entrare nel tuo account una volta sola, senza password.
reset-ends-everything = Quando cambi la password, esci da tutti i dispositivi e le chiavi API del tuo account smettono di funzionare.
newer-page = ← Pagina precedente
older-page = Pagina successiva →
pages = Pagine
calls-with-results = Chiamate con i risultati
per-person = Opere per persona
featured-works = In evidenza
archive = Archivio
archive-intro = Le chiamate concluse, con le opere pubblicate.
no-archived = Nessuna chiamata in archivio.
nav-calls = Chiamate
nav-queue = Da rivedere
nav-reasons = Motivi
calls-title = Gestione delle chiamate
new-call = Nuova chiamata
edit-call = Modifica la chiamata
call-state = Stato
call-works = Opere
field-slug = Indirizzo (lettere minuscole, cifre e trattini)
field-slug-fixed = L'indirizzo non cambia dopo la creazione, così i link restano validi.
field-question = La domanda della chiamata
field-call-description = Descrizione
field-kinds = Tipi di opere accettati
field-opens = Apre il (ora italiana)
field-closes = Chiude il (ora italiana)
field-limit = Opere per persona (vuoto: nessun limite)
field-licences = Licenze proposte
field-alt-required = Le foto devono avere una descrizione (testo alternativo)
field-results = Testo dei risultati (pubblico quando i risultati sono pubblicati)
create-draft = Crea come bozza
save = Salva
saved = Salvato.
cover = Immagine di copertina
cover-alt = Descrizione dell'immagine
upload-cover = Carica la copertina
queue-title = Opere da rivedere
filter = Filtra
any = Tutte
only-shortlisted = Solo in selezione
select = Seleziona
bulk-approve = Approva le opere selezionate
# args: $approved, $skipped
bulk-approved =
    { $approved ->
        [one] Un'opera approvata
       *[other] { $approved } opere approvate
    }{ $skipped ->
        [0] .
        [one] ; una non era più in attesa ed è stata saltata.
       *[other] ; { $skipped } non erano più in attesa e sono state saltate.
    }
request-changes = Chiedi modifiche
reason-template = Motivo già pronto
reason-none = (scrivo io il motivo)
reason-or-template = Motivo (o scegline uno già pronto)
shortlist = Metti in selezione
unshortlist = Togli dalla selezione
feature = Metti in evidenza
unfeature = Togli dall'evidenza
shortlisted = In selezione
featured = In evidenza
reasons-title = Motivi già pronti
reasons-intro = I curatori li scelgono quando rifiutano un'opera o chiedono modifiche; l'autore legge il testo.
reason-label = Nome
reason-text = Testo per l'autore
add-reason = Aggiungi il motivo
delete = Elimina
history = Storia dell'opera
ev-submitted = Inviata
ev-resubmitted = Inviata di nuovo, modificata
ev-approved = Pubblicata
ev-rejected = Non accettata
ev-changes-requested = Modifiche richieste
ev-shortlisted = In selezione
ev-unshortlisted = Tolta dalla selezione
ev-featured = In evidenza
ev-unfeatured = Tolta dall'evidenza
earlier-versions = Versioni precedenti
version = Versione
edit-work = Modifica e invia di nuovo
edit-intro = La redazione ha chiesto una modifica. Cambia quello che serve e invia di nuovo: la versione precedente resta nella storia dell'opera.
keep-file = Lascia vuoto per tenere il file attuale.
send-again = Invia di nuovo
what-to-change = Che cosa cambiare
# args: $seconds
page-refreshes =
    { $seconds ->
        [one] Questa pagina si aggiorna da sola ogni secondo.
       *[other] Questa pagina si aggiorna da sola ogni { $seconds } secondi.
    }
# The limits of a work, beside the file field: "video fino a 200 MB e 10 minuti".
# args: $mb, $minutes
limit-film = video fino a { $mb } MB e { $minutes ->
    [one] { $minutes } minuto
   *[other] { $minutes } minuti
}
# args: $mb, $megapixels
limit-photo = foto fino a { $mb } MB e { $megapixels } megapixel
# args: $chars
limit-text = poesie e racconti fino a { $chars } caratteri

## The submit page's script: a resumable upload, its progress, and checks before it starts.
# Where the script puts numbers it formats itself, these messages take placeholders.
upload-starting = Preparo l'invio del file…
# args: $percent, $sent, $total (megabytes, with a decimal)
upload-progress = { $percent } % · inviati { $sent } MB di { $total } MB
# args: $minutes
upload-left-minutes = mancano circa { $minutes } minuti
upload-left-one-minute = manca circa un minuto
upload-left-seconds = manca meno di un minuto
# Said by a screen reader now and then, not at every percent.
# args: $percent
upload-announce = Invio al { $percent } %.
upload-offline = La connessione si è interrotta: l'invio è in pausa e riprende da solo quando torna la rete. Non chiudere questa pagina.
upload-online = La connessione è tornata: l'invio riprende da dove si era fermato.
upload-retrying = Il server non ha risposto: riprovo tra poco, da dove si era fermato.
upload-sent = File inviato. Ora mandiamo l'opera…
upload-failed = L'invio non è riuscito. Controlla la connessione e premi di nuovo «Invia l'opera»: riprende da dove si era fermato.
upload-gone = L'invio interrotto non c'è più (era scaduto): il file verrà inviato di nuovo dall'inizio.
# args: $name, $percent
upload-resume-offer = L'invio di «{ $name }» si era fermato al { $percent } %. Scegli di nuovo lo stesso file e premi «Invia l'opera»: riprende da lì.
# args: $percent
upload-resuming = Riprendo l'invio dal { $percent } %.
upload-draft-restored = Abbiamo ritrovato quello che avevi scritto: controlla e invia quando vuoi.
upload-start-over = Ricomincia da capo
upload-kept = Il file è già stato ricevuto: non serve sceglierlo di nuovo.
# args: $size, $max (megabytes)
upload-too-large = Questo file pesa { $size } MB, ma si possono inviare file fino a { $max } MB. Scegli un file più piccolo (per un video: più corto, o registrato a qualità più bassa).
# args: $minutes, $max
upload-too-long = Questo video dura { $minutes } minuti, ma il limite è di { $max } minuti. Accorcialo e sceglilo di nuovo.
upload-wrong-type-photo = Questo file non è una foto che possiamo ricevere. Scegli un file JPEG, PNG, WebP, GIF, HEIC, TIFF o BMP, o cambia il tipo di opera.
upload-wrong-type-film = Questo file non è un video che possiamo ricevere. Scegli un file MP4, MOV, 3GP, WebM, MKV, AVI o Ogg, o cambia il tipo di opera.

## Captions and transcripts
# The label of a film's captions track in the player.
# args: $lang (a language code)
captions-label = Sottotitoli ({ $lang })
transcript = Trascrizione
field-captions = Sottotitoli (file SRT o WebVTT, facoltativi)
field-captions-help = Per chi non sente: un file di testo con i tempi e le parole del video. La pagina di aiuto spiega come scriverlo.
field-captions-lang = Lingua dei sottotitoli
field-transcript = Trascrizione (facoltativa)
field-transcript-help = Quello che si sente nel video, scritto: le parole, e i suoni che contano. Vai a capo dove vuoi.
field-captions-required = I video devono avere i sottotitoli
field-transcript-required = Le opere sonore devono avere la trascrizione
call-rules = Opere accessibili a tutti
rule-alt-text = Ogni foto ha una descrizione per chi non vede.
rule-captions = Ogni video ha i sottotitoli, per chi non sente.
rule-transcript = Ogni opera sonora ha la trascrizione, per chi non sente.
help-accessible-link = Come si scrivono sottotitoli, trascrizioni e descrizioni
help-accessible-title = Opere che tutti possono vedere e sentire
help-accessible-intro = Alcune persone non vedono, altre non sentono. Con poche righe di testo la tua opera arriva anche a loro.
help-alt-heading = La descrizione di una foto
help-alt-body = Scrivi in una o due frasi quello che si vede, come lo diresti al telefono a un amico: chi o che cosa c'è, dove, che cosa succede. Non serve scrivere «foto di».
help-captions-heading = I sottotitoli di un video
help-captions-body = Un file di sottotitoli è un semplice file di testo (salvalo come .srt) con, per ogni frase, un numero, il momento in cui compare e quello in cui sparisce, e le parole. Lascia una riga vuota fra una frase e l'altra. Ecco un esempio:
help-captions-tools = Molti programmi gratuiti per il montaggio li scrivono per te; si possono scrivere anche con il Blocco note. I tempi sono ore:minuti:secondi,millesimi.
help-transcript-heading = La trascrizione di un'opera sonora
help-transcript-body = La trascrizione è il testo di quello che si sente: le parole, una per una, e fra parentesi i suoni che contano (una campana, il vento, una risata). Vai a capo dove vuoi, come in una poesia.
help-captions-example-1 = Buongiorno, questa è la piazza del mercato.
help-captions-example-2 = (suonano le campane)
# In the curator queue: what a work lacks to reach everyone.
gap-no-alt-text = Senza descrizione per chi non vede
gap-short-alt-text = Descrizione molto breve
gap-no-captions = Senza sottotitoli
gap-no-transcript = Senza trascrizione
# args: $minutes, $max
upload-too-long-audio = Questa registrazione dura { $minutes } minuti, ma il limite è di { $max } minuti. Accorciala e sceglila di nuovo.
upload-wrong-type-audio = Questo file non è un suono che possiamo ricevere. Scegli un file MP3, M4A, WAV, FLAC, Ogg, Opus o AMR (anche un messaggio vocale), o cambia il tipo di opera.
# args: $mb, $minutes
limit-audio = suoni fino a { $mb } MB e { $minutes ->
    [one] { $minutes } minuto
   *[other] { $minutes } minuti
}
share = Condividi
share-email = Email

# Sottotitoli o trascrizione nuovi per un'opera pubblicata, rivisti mentre resta pubblica.
update-work = Sottotitoli e trascrizione
update-intro = Invia i sottotitoli o la trascrizione della tua opera pubblicata, o una versione migliore. L'opera resta online com'è ora; la redazione guarda quello che invii e, quando lo approva, compaiono i nuovi sottotitoli o la nuova trascrizione. La versione precedente resta nella storia dell'opera.
update-captions-replace = Quest'opera ha già i sottotitoli: un nuovo file li sostituisce quando viene approvato.
update-send = Invia alla redazione
update-back = Torna all'opera
update-link-add = Aggiungi sottotitoli o trascrizione
update-link-replace = Cambia i sottotitoli o la trascrizione
update-waiting-heading = Sottotitoli o trascrizione nuovi in attesa di revisione
update-waiting-author = Li hai inviati tu: l'opera mostra la versione pubblicata finché la redazione non li approva. Nel frattempo puoi inviarli di nuovo, corretti.
update-waiting-curator = L'autrice o l'autore li ha inviati per l'opera pubblicata. Se li approvi entrano subito nell'opera; se non li accogli l'opera resta com'è (e chi l'ha inviata legge il tuo motivo).
update-new-transcript = Nuova trascrizione
update-new-captions = Nuovi sottotitoli
update-approve = Approva i nuovi sottotitoli o la trascrizione
update-decline = Non accoglierli
update-what-both = nuovi sottotitoli e trascrizione
update-what-captions = nuovi sottotitoli
update-what-transcript = nuova trascrizione
curate-updates-heading = Opere pubblicate con sottotitoli o trascrizione nuovi
ev-update-proposed = Inviati nuovi sottotitoli o trascrizione
ev-update-approved = Nuovi sottotitoli o trascrizione approvati
ev-update-declined = Nuovi sottotitoli o trascrizione non accolti
ev-claimed = Presa in carico da chi l'ha creata, con il codice della ricevuta

# The footer's links, as Italian public sites carry them, and the piazza's own notices for a
# city that has not set its own (PIAZZA_CITY__PRIVACY_URL, __LEGAL_URL, __ACCESSIBILITY_URL).
footer-nav = Informazioni sul sito
footer-privacy = Informativa privacy
footer-legal = Note legali
footer-accessibility = Dichiarazione di accessibilità
notice-the-city = il Comune
privacy-heading = Informativa privacy
# args: $city
privacy-body =
    Titolare del trattamento è { $city }, che gestisce questa piazza virtuale. Trattiamo solo i dati che servono a partecipare: il nome con cui firmi le opere, l'indirizzo email (per confermare l'account, accedere e ricevere le decisioni della redazione), le opere che invii con i loro testi e file, e per sicurezza l'indirizzo di rete e l'ora degli accessi.

    Dalle foto e dai video togliamo, prima di pubblicarli, la posizione GPS, i dati della fotocamera e le altre informazioni nascoste nel file: nelle copie pubbliche non restano.

    Le opere pubblicate sono visibili a tutti con la licenza che hai scelto. Quelle non pubblicate le vedono solo tu e la redazione.

    Puoi scaricare in ogni momento tutti i tuoi dati e le tue opere dalla pagina «Il mio account», ritirare un'opera, o cancellare l'account: i tuoi dati vengono eliminati. Per ogni altra richiesta sui tuoi dati, scrivi a { $city }.

    Il sito non usa cookie di profilazione né servizi di terze parti: solo un cookie tecnico per la sessione e uno per la lingua.
legal-heading = Note legali
# args: $city
legal-body =
    Questo sito è gestito da { $city }. Ogni opera appartiene a chi l'ha creata ed è pubblicata con la licenza che ha scelto, indicata sotto l'opera; la licenza dice come puoi riusarla.

    Inviando un'opera dichiari di esserne l'autrice o l'autore, o di avere il permesso di chi compare nelle foto e nei video. La redazione può non pubblicare, o ritirare, opere che non rispettano le regole della chiamata o la legge.

    Se pensi che un'opera violi i tuoi diritti, usa il pulsante «Segnala» sotto l'opera: la redazione la esamina.
accessibility-heading = Dichiarazione di accessibilità
# args: $city
accessibility-body =
    Questo sito è gestito da { $city }, che si impegna a renderlo accessibile secondo la legge 4/2004 e le Linee guida AgID sull'accessibilità degli strumenti informatici, che rimandano ai criteri WCAG 2.1 di livello AA.

    Le pagine funzionano senza JavaScript, con la tastiera e con i lettori di schermo, a partire da schermi di 360 pixel e su connessioni lente. Le chiamate possono chiedere che le foto abbiano una descrizione, i video i sottotitoli e le opere sonore la trascrizione.

    Contenuti inviati dai cittadini possono non essere del tutto accessibili: una foto senza descrizione lunga, un video senza sottotitoli, quando la chiamata non li richiedeva. La redazione li segnala e chiede agli autori di completarli.

    Se trovi un ostacolo, segnalalo a { $city }. Se la risposta non ti soddisfa, puoi rivolgerti al Difensore civico per il digitale presso AgID.

## The privacy receipt (work page and "my works"; author and curators only)
receipt-heading = I dati nascosti nel file
receipt-intro = Le foto e i video spesso portano con sé dati che non si vedono. Ecco cosa c'era nel file che hai inviato e cosa ne abbiamo fatto.
receipt-summary = Dati nascosti tolti dal file
# args: $kind
receipt-none = { $kind ->
    [film] Nel video
   *[other] Nella foto
} non c'erano dati nascosti che potessero dire chi sei o dove eri.
# args: $detail, $kind
receipt-found-gps = { $kind ->
    [film] Nel video
   *[other] Nella foto
} c'era la posizione GPS ({ $detail }): l'abbiamo tolta da tutte le copie pubbliche.
# args: $kind
receipt-found-gps-unread = { $kind ->
    [film] Nel video
   *[other] Nella foto
} c'erano dati di posizione GPS: li abbiamo tolti da tutte le copie pubbliche.
# args: $detail
receipt-found-location = Nel video c'era il luogo delle riprese ({ $detail }): l'abbiamo tolto da tutte le copie pubbliche.
receipt-found-location-unread = Nel video c'era un'indicazione del luogo delle riprese: l'abbiamo tolta da tutte le copie pubbliche.
# args: $detail, $kind
receipt-found-camera = { $kind ->
    [film] Nel video
   *[other] Nella foto
} c'era il modello della fotocamera o del telefono ({ $detail }): l'abbiamo tolto da tutte le copie pubbliche.
# args: $detail, $kind
receipt-found-serial = { $kind ->
    [film] Nel video
   *[other] Nella foto
} c'era il numero di serie dell'apparecchio ({ $detail }): l'abbiamo tolto da tutte le copie pubbliche.
# args: $detail, $kind
receipt-found-date-taken = { $kind ->
    [film] Nel video c'erano la data e l'ora della ripresa
   *[other] Nella foto c'erano la data e l'ora dello scatto
} ({ $detail }): le abbiamo tolte da tutte le copie pubbliche.
# args: $detail, $kind
receipt-found-author = { $kind ->
    [film] Nel video
   *[other] Nella foto
} c'erano dei nomi (autore o diritti: { $detail }): li abbiamo tolti da tutte le copie pubbliche.
# args: $detail, $kind
receipt-found-software = { $kind ->
    [film] Nel video
   *[other] Nella foto
} c'era il nome del programma che l'ha salvato ({ $detail }): l'abbiamo tolto da tutte le copie pubbliche.
# args: $kind
receipt-found-upright = { $kind ->
    [film] Il video era salvato girato: l'abbiamo raddrizzato
   *[other] La foto era salvata girata: l'abbiamo raddrizzata
}, e l'indicazione non c'è più.
# args: $detail, $kind
receipt-found-other = { $kind ->
    [film] Nel video
   *[other] Nella foto
} c'erano altri dati nascosti ({ $detail }): li abbiamo tolti da tutte le copie pubbliche.
receipt-clean = Abbiamo riletto una per una le copie pubbliche: nessuna contiene questi dati.
receipt-not-clean = Non abbiamo potuto confermare che le copie pubbliche siano prive di questi dati, quindi non le pubblichiamo.

## Accesso con SPID o CIE (OpenID Connect)
oidc-button = Entra con SPID o CIE
oidc-or-password = Oppure entra con l'email e la password del tuo account Piazza.
oidc-refused-title = Accesso non riuscito
oidc-try-again = Ricomincia l'accesso
oidc-link-sent-title = Controlla la tua email
oidc-link-sent = Esiste già un account Piazza con questo indirizzo email. Per collegarlo al tuo accesso con SPID o CIE ti abbiamo mandato un link a quell'indirizzo: aprilo entro un'ora, in questo stesso browser. Finché non lo apri, l'account resta com'è.
oidc-link-title = Collega l'accesso con SPID o CIE
oidc-link-text = Confermando, il tuo account Piazza si potrà aprire anche con SPID o CIE, e il tuo indirizzo email risulterà confermato.
oidc-link-button = Collega ed entra
oidc-link-invalid = Questo link non è valido: è scaduto, è già stato usato, oppure lo stai aprendo in un browser diverso da quello con cui sei entrato con SPID o CIE. Entra di nuovo con SPID o CIE da quel browser per riceverne uno nuovo.
password-sign-in-off = Su questo sito si entra solo con SPID o CIE.
delete-fresh-sign-in = Il tuo account non ha una password: per confermare devi essere entrato con SPID o CIE da meno di 10 minuti.
oidc-sign-in-again = Entra di nuovo con SPID o CIE

## The library desk
desk-submit-title = Invia un'opera per qualcuno
# args: $desk
desk-submit-intro = Allo sportello { $desk }: compila il modulo insieme alla persona. Alla fine stampa la ricevuta con il codice per seguire l'opera.
desk-person = Per chi è l'opera
desk-person-name = Come vuole essere indicata la persona (nome o pseudonimo)
desk-person-name-help = Questo nome comparirà come autore dell'opera.
desk-person-contact = Email o telefono (facoltativo)
desk-person-contact-help = Se la persona lascia un'email, riceverà lì le notizie sull'opera con il suo codice. Il telefono serve solo allo sportello per richiamarla.
desk-consent = La persona ha letto e accettato le regole della chiamata e la licenza scelta: lo confermo.
nav-desk = Sportello
nav-desks = Sportelli
desk-title = Sportello
# args: $desk
desk-heading = Sportello: { $desk }
desk-helped = Le opere che hai aiutato a inviare
desk-helped-none = Non hai ancora inviato opere per qualcuno.
desk-credited = A nome di
desk-receipt = Ricevuta
desk-receipt-print = Stampa la ricevuta
receipt-title = Ricevuta della tua opera
receipt-date = Inviata il
receipt-desk = Inviata allo sportello
receipt-code = Il tuo codice
receipt-qr-alt = Codice QR con l'indirizzo per seguire l'opera
receipt-follow = Per sapere a che punto è la tua opera, inquadra il codice QR o vai a:
receipt-claim = Se un giorno crei un account sulla piazza, con questo codice l'opera diventa tua: la trovi tra «Le mie opere» e puoi gestirla tu.
receipt-processing = Stiamo ancora preparando il file: tra pochi secondi qui compare cosa abbiamo tolto dai dati nascosti.
receipt-no-file = Le poesie e i racconti non hanno dati nascosti.
receipt-back = Torna allo sportello
claim-title = Segui la tua opera
claim-intro = Scrivi il codice che trovi sulla ricevuta dello sportello.
claim-code-label = Codice della ricevuta
claim-look-up = Cerca
claim-status = Stato dell'opera:
claim-take-heading = Rendi tua l'opera
claim-take-help = L'opera passerà al tuo account: la troverai tra «Le mie opere» e il codice non servirà più.
claim-take-button = Rendi mia questa opera
claim-sign-in = Per rendere tua l'opera serve un account con l'email confermata.
desks-title = Sportelli
desks-none = Non ci sono ancora sportelli.
desks-new = Nuovo sportello
desks-name = Nome (come lo leggono le persone)
desks-slug = Nome breve
desks-slug-help = Lettere minuscole, cifre e trattini, per esempio biblioteca-cesure.
desks-create = Crea lo sportello
desks-operator = Nomina un operatore
desks-which = Sportello
desks-name-operator = Nomina operatore
desk-created = Sportello creato.
operator-named = Operatore nominato.
# args: $desk
sent-at-desk = inviata allo sportello { $desk }
