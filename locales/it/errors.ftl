# Che cosa dice un rifiuto, per il suo codice stabile: `error-` e il codice con `-` al
# posto di `_`. Un commento "# args:" elenca le variabili di una voce. Ci si rivolge alla
# persona con forme che vanno bene per tutti.

## Per tutti

error-not-found = Qui non c'è niente: la pagina o l'opera non esiste o non è pubblica.
error-unauthenticated = Prima accedi con il tuo account.
error-forbidden = Il tuo account non può farlo.
error-service-unavailable = Il servizio è momentaneamente occupato: non è stato salvato nulla, riprova tra un minuto.
error-internal-error = Qualcosa non ha funzionato da parte nostra: non è stato salvato nulla.

## Richieste e moduli

error-cross-site-request = Questo modulo è stato inviato da un altro sito: apri la pagina su Piazza e riprova.
error-csrf-token-invalid = Questo modulo è scaduto o non viene da una pagina di Piazza: ricarica la pagina e invialo di nuovo.
error-body-too-large = Questo modulo è troppo grande.
# args: $limit (come "8 MB")
error-payload-too-large = È più grande dei { $limit } accettati qui: invia un file più piccolo o un testo più breve.
error-request-timeout = La connessione ha smesso di inviare dati troppo a lungo e non è stato salvato nulla: controlla la rete e invia di nuovo.
# args: $detail (che cosa ha detto il lettore JSON)
error-invalid-json = Il contenuto della richiesta non è il JSON atteso: { $detail }
# args: $detail (che cosa ha detto il lettore)
error-invalid-query = I parametri dell'indirizzo non si possono leggere: { $detail }
# args: $detail (che cosa ha detto il lettore)
error-invalid-multipart = L'invio si è interrotto o non è un multipart/form-data valido: { $detail }
# args: $field
error-field-too-long = Il campo { $field } è troppo lungo.
# args: $field
error-invalid-text = Il campo { $field } non è testo UTF-8 valido.
error-too-many-files = Invia un solo file per opera.
error-query-too-long = La ricerca è troppo lunga: al massimo 200 caratteri.
# args: $value (che cosa è stato inviato), $min, $max
error-invalid-year = «{ $value }» non è un anno: indica l'anno di pubblicazione in cifre, per esempio 2025.
# args: $value (che cosa è stato inviato)
error-invalid-sort = «{ $value }» non è un ordine: scegli relevance (più pertinenti) o newest (più recenti).
# args: $value (che cosa è stato inviato), $min, $max
error-invalid-page = «{ $value }» non è una pagina: indica un numero intero da { $min } a { $max }.
# args: $value (che cosa è stato inviato), $min, $max
error-invalid-per-page = Non si possono mostrare «{ $value }» risultati per pagina: chiedi un numero intero da { $min } a { $max }.
error-public-url-required = Il servizio non può mandare link per email finché non è configurato il suo indirizzo pubblico.

## Account

error-email-not-verified = Conferma prima il tuo indirizzo email: apri il link che ti abbiamo mandato (puoi chiederne uno nuovo dalla pagina del tuo account).
# args: $minutes
error-too-many-attempts =
    Troppi tentativi di accesso. Riprova tra { $minutes ->
        [one] un minuto
       *[other] { $minutes } minuti
    }, oppure reimposta la password.
# args: $minutes, $scope (everyone: il limite di tutta la piazza; address: di questa connessione)
error-too-many-sign-ups =
    { $scope ->
        [everyone] In questo momento Piazza riceve moltissime iscrizioni
       *[address] Da questa connessione sono stati creati troppi account nell'ultima ora
    }: riprova tra { $minutes ->
        [one] un minuto
       *[other] { $minutes } minuti
    }.
error-password-too-short = Scegli una password di almeno 10 caratteri: una breve frase è facile da ricordare.
error-password-too-long = La password è troppo lunga: al massimo 200 caratteri.
# args: $problem (missing, too-long, invisible, multiline), $max
error-invalid-name =
    { $problem ->
        [missing] Scrivi un nome.
        [too-long] Il nome è troppo lungo: al massimo { $max } caratteri.
        [invisible] Il nome contiene caratteri invisibili o riservati che non si possono mostrare: scrivilo di nuovo invece di incollarlo.
       *[multiline] Scrivi il nome su una riga sola.
    }
error-invalid-email = Questo indirizzo email non sembra valido.
error-wrong-password = La password non è corretta.
error-own-role = Non puoi cambiare il tuo ruolo: chiedilo a un altro amministratore.
error-invalid-role = Scegli un ruolo: cittadino, curatore o amministratore.

## Opere

# args: $problem (missing, too-long, invisible, multiline), $max
error-invalid-title =
    { $problem ->
        [missing] Manca il titolo.
        [too-long] Il titolo è troppo lungo: al massimo { $max } caratteri.
        [invisible] Il titolo contiene caratteri invisibili o riservati che non si possono mostrare: scrivilo di nuovo invece di incollarlo.
       *[multiline] Il titolo deve stare su una riga sola.
    }
# args: $problem (too-long, invisible), $max
error-invalid-description =
    { $problem ->
        [too-long] La descrizione è troppo lunga: al massimo { $max } caratteri.
       *[invisible] La descrizione contiene caratteri invisibili o riservati che non si possono mostrare: scrivila di nuovo invece di incollarla.
    }
# args: $problem (missing, too-long, invisible), $max
error-alt-text-required =
    { $problem ->
        [too-long] La descrizione della foto è troppo lunga: al massimo { $max } caratteri.
        [invisible] La descrizione della foto contiene caratteri invisibili o riservati che non si possono mostrare: scrivila di nuovo invece di incollarla.
       *[missing] Descrivi la foto in una frase, per chi non vede.
    }
# args: $value (che cosa è stato inviato)
error-invalid-kind = «{ $value }» non è un tipo di opera: scegli poesia, racconto, foto, video o suono (audio).
error-invalid-licence = Scegli una licenza.
error-unknown-call = Questa chiamata non esiste.
# args: $title, $date
error-call-not-open-yet = La chiamata «{ $title }» non è ancora aperta: apre il { $date }.
# args: $title, $date
error-call-closed = La chiamata «{ $title }» si è chiusa il { $date } e non accetta più opere.
# args: $kind, $kind_name, $accepted (codici), $accepted_names
error-kind-not-accepted = Questa chiamata non accetta opere di tipo «{ $kind_name }»; accetta: { $accepted_names }.
# args: $licence, $licence_label, $offered (codici), $offered_labels
error-licence-not-offered = Questa chiamata non propone la licenza { $licence_label }; scegli tra: { $offered_labels }.
# args: $sent, $max, $title
error-call-limit-reached =
    Hai già inviato { $sent ->
        [one] un'opera
       *[other] { $sent } opere
    } a «{ $title }»: ogni persona può inviarne al massimo { $max }.
# args: $what (photo, film, audio o cover)
error-file-required =
    { $what ->
        [photo] Allega il file della foto.
        [cover] Scegli l'immagine di copertina della chiamata.
        [audio] Allega il file del suono (una registrazione, anche un messaggio vocale).
       *[film] Allega il file del video.
    }
error-text-required = Scrivi il testo dell'opera, oppure allegalo come file .txt.
# args: $max
error-text-too-long = Il testo è troppo lungo: al massimo { $max } caratteri.
error-text-empty = Il testo è vuoto.
error-text-not-utf8 = Il file di testo non è in UTF-8: salvalo come testo semplice UTF-8.
error-text-not-plain = Il testo contiene caratteri di controllo invisibili: non sembra un testo semplice.
error-empty-file = Il file è vuoto.
# args: $limit_mb
error-file-too-large = Il file è troppo grande: il limite è { $limit_mb } MB.
error-unsupported-format = Questo file non è in un formato che possiamo leggere. Per le foto usa JPEG, PNG, WebP, GIF, HEIC, TIFF o BMP; per i video MP4, MOV, WebM, MKV, AVI o Ogg; per i suoni MP3, M4A, WAV, FLAC, Ogg, Opus o AMR.
error-image-too-large = La foto ha troppi pixel: inviane una versione più piccola.
error-video-too-large = L'immagine del video è troppo grande: invialo a una risoluzione più bassa.
error-corrupt-file = Il file è danneggiato o incompleto: prova a inviarlo di nuovo dall'originale.
error-no-video = Questo file non ha immagini, solo audio.
error-film-too-long = Il video è troppo lungo.
error-no-audio = Questo file non contiene audio: invia una registrazione con il suono, oppure invia un'immagine come foto.
error-sound-too-long = La registrazione è troppo lunga: accorciala e inviala di nuovo.
error-sound-has-picture = Questo file contiene immagini in movimento oltre al suono: invialo come video, oppure invia solo l'audio.
error-not-awaiting-changes = Puoi modificare l'opera solo quando la redazione ti chiede delle modifiche.

## Elaborazione

error-processing-timeout = Il file ha richiesto troppo tempo per essere elaborato.
error-processing-error = Qualcosa non ha funzionato da parte nostra durante l'elaborazione del file: non è colpa del file, i curatori possono riprovare.
error-processing-failed = Non siamo riusciti a elaborare il file; un curatore può riprovare.
error-metadata-left = Una copia preparata per la galleria conteneva ancora dati del file originale, quindi non abbiamo pubblicato nulla; un curatore può riprovare.
error-work-missing = L'opera non esiste più.
error-not-processing = L'opera non è in attesa di elaborazione.
error-file-missing = Il file originale dell'opera non si trova più nell'archivio.
error-out-of-memory = Il server ha esaurito la memoria.
error-encode-failed = Il server non è riuscito a codificare il risultato.
error-io = Il server non è riuscito a leggere o scrivere un file.
error-io-error = Il server non è riuscito a leggere o scrivere un file.

## Revisione

error-unknown-reason-template = Quel motivo già pronto non esiste più: scegline un altro o scrivi il motivo.
error-invalid-decision = La decisione è «approve», «reject» o «request_changes».
error-reason-required = Scrivi in poche parole il motivo.
# args: $max
error-reason-too-long = Il motivo è troppo lungo: al massimo { $max } caratteri.
error-not-reviewable = Quest'opera non è più in attesa di questa decisione: ricarica la pagina per vedere dove si trova.
error-invalid-flag = Il segno è «shortlisted» o «featured».
error-not-published = Solo un'opera pubblicata può essere messa in evidenza o ricevere una risposta.
error-nothing-selected = Seleziona almeno un'opera da approvare.
# args: $max
error-too-many-works =
    Approva al massimo { $max ->
        [one] un'opera
       *[other] { $max } opere
    } alla volta.
error-invalid-status = Lo stato è processing, pending_review, changes_requested, published, rejected o failed.
error-invalid-label = Dai al motivo un nome breve, su una riga.
error-invalid-reason = Scrivi il testo che l'autore leggerà (al massimo 2000 caratteri).
error-not-retryable = Si può riprovare solo un'opera la cui elaborazione non è riuscita.
error-reply-empty = Scrivi la risposta.

## Chiamate

# args: $problem (new: lo stato di una chiamata nuova; other: qualsiasi stato)
error-invalid-state =
    { $problem ->
        [new] Una chiamata nuova parte come bozza o aperta.
       *[other] Lo stato di una chiamata è draft, open, closed, results o archived.
    }
# args: $field (opens_at o closes_at)
error-invalid-date =
    { $field ->
        [opens_at] La data di apertura
       *[closes_at] La data di chiusura
    } manca o non è una data con ora valida.
error-invalid-dates = La chiamata deve chiudere dopo essere stata aperta.
error-invalid-kinds = Una chiamata deve accettare almeno un tipo di opera.
error-invalid-limit = Il limite di opere per persona deve essere un numero intero, almeno 1.
error-invalid-question = Manca la domanda che la chiamata pone.
error-invalid-slug = L'indirizzo può contenere solo lettere minuscole, cifre e trattini (da 2 a 80).
error-slug-taken = Esiste già una chiamata con questo indirizzo: scegline un altro.
# args: $from, $allowed (codici degli stati)
error-invalid-transition = La chiamata non può passare a quello stato da quello in cui si trova ora.
error-call-changed = Qualcun altro ha appena cambiato questa chiamata: ricarica la pagina e riprova.
error-sign-in-failed = Email o password non corrette.
error-account-locked = Troppe password sbagliate per questo account: l'accesso con la password è sospeso per 15 minuti. Se l'account è tuo, puoi entrare subito con un link che ti mandiamo per email.
error-email-taken = Esiste già un account con questo indirizzo email.

## Caricamenti riprendibili (tus)
# args: $version
error-tus-version = Questo programma di caricamento usa un'altra versione del protocollo tus; questo server usa la { $version }. Aggiorna l'app o usa il modulo del sito.
error-upload-length-required = Indica quanto è grande il file (l'intestazione Upload-Length) prima di inviarlo.
error-invalid-upload-metadata = Non è stato possibile leggere la descrizione del caricamento (l'intestazione Upload-Metadata): ogni voce è un nome, uno spazio e un valore in base64, separate da virgole.
error-upload-for-text = Poesie e racconti si scrivono nel modulo, non si caricano come file.
# args: $max
error-too-many-uploads = Hai già { $max } caricamenti non finiti: completane o eliminane uno prima di iniziarne un altro.
error-upload-expired = Questo caricamento non è stato completato in tempo ed è stato eliminato: scegli di nuovo il file per inviarlo.
# args: $offset
error-upload-offset-mismatch = Questa parte non comincia dove il caricamento si è fermato (sono salvati { $offset } byte): chiedi da dove riprendere e invia da lì.
error-upload-busy = Un'altra connessione sta inviando proprio ora questo caricamento: aspetta un momento, poi riprendi da dove si è fermato.
# args: $length
error-upload-past-length = Questa parte va oltre la fine del file, che è lungo { $length } byte: invia solo ciò che manca.
error-checksum-mismatch = Questa parte è arrivata danneggiata (il codice di controllo non corrisponde) ed è stata scartata: inviala di nuovo.
# args: $type
error-upload-content-type = Invia ogni parte di un caricamento come { $type }.
error-upload-offset-required = Indica da dove comincia questa parte (l'intestazione Upload-Offset).
# args: $supported
error-checksum-algorithm = Questo algoritmo del codice di controllo non è supportato; usa uno di questi: { $supported }.
error-invalid-checksum = Non è stato possibile leggere il codice di controllo (l'intestazione Upload-Checksum): è il nome di un algoritmo, uno spazio e il valore in base64.
error-unknown-upload = Non troviamo il file caricato: forse è già stato inviato con un'altra opera, oppure è stato eliminato. Scegli di nuovo il file.
# args: $offset, $length
error-upload-unfinished = Il file non ha finito di caricarsi ({ $offset } byte su { $length }): aspetta che sia completo, poi invia il modulo.
error-file-and-upload = Invia il file con il modulo oppure come caricamento, non in entrambi i modi.
error-upload-for-other-call = Questo file è stato caricato per un'altra chiamata: sceglilo di nuovo per questa.

## Sottotitoli

# args: $problem (missing, format, backwards), $line, $timing (la riga com'è scritta)
error-captions-invalid-timing =
    { $problem ->
        [missing] Alla riga { $line } dei sottotitoli ci vuole un tempo come 00:00:01,000 --> 00:00:04,000, invece c'è «{ $timing }»: controlla la freccia, e che una riga vuota separi un sottotitolo dal successivo.
        [format] Riga { $line } dei sottotitoli: il tempo «{ $timing }» non si riesce a leggere. Scrivi ogni tempo come ore:minuti:secondi,millesimi, per esempio 00:00:01,000 --> 00:00:04,000.
       *[backwards] Riga { $line } dei sottotitoli: il sottotitolo «{ $timing }» finisce prima di cominciare. Il secondo tempo deve venire dopo il primo.
    }
# args: $line, $timing (la riga com'è scritta), $previous (la riga di un sottotitolo precedente)
error-captions-out-of-order = Riga { $line } dei sottotitoli: il sottotitolo «{ $timing }» comincia prima di quello alla riga { $previous }. Metti i sottotitoli nell'ordine in cui compaiono.
# args: $line, $timing (la riga com'è scritta), $duration (come «2:05»)
error-captions-past-end = Riga { $line } dei sottotitoli: il sottotitolo «{ $timing }» finisce dopo la fine del video o della registrazione, che dura { $duration }. Controlla i tempi, e che siano proprio i sottotitoli di quest'opera.
error-captions-empty = Il file dei sottotitoli non contiene sottotitoli: ognuno ha bisogno del suo tempo e di un testo.
# args: $problem (encoding, binary), $line
error-captions-unreadable =
    { $problem ->
        [encoding] Il file dei sottotitoli non si riesce a leggere come testo dalla riga { $line }: salvalo di nuovo in UTF-8 (in «Salva con nome» dell'editor, scegli la codifica UTF-8) e invialo ancora.
       *[binary] Questo non sembra un file di sottotitoli (la riga { $line } contiene dati binari): scegli il file .srt o .vtt, salvato come testo.
    }
# args: $problem (file, cues, cue-text), $max, $line
error-captions-too-large =
    { $problem ->
        [file] Il file dei sottotitoli è troppo grande: al massimo { $max } MB.
        [cues] Il file contiene troppi sottotitoli: al massimo { $max }, e la riga { $line } ne comincia uno in più.
       *[cue-text] Riga { $line } dei sottotitoli: questo sottotitolo è troppo lungo, al massimo { $max } caratteri. Dividilo in sottotitoli più brevi.
    }
# args: $lang (ciò che è stato inviato)
error-captions-invalid-lang = «{ $lang }» non è un codice di lingua: scegli la lingua dei sottotitoli, per esempio it per l'italiano, en per l'inglese o fr per il francese.
# args: $problem (too-long, invisible), $max
error-invalid-transcript =
    { $problem ->
        [too-long] La trascrizione è troppo lunga: al massimo { $max } caratteri.
       *[invisible] La trascrizione contiene caratteri invisibili o riservati che non si possono mostrare: scrivila di nuovo invece di incollarla.
    }
error-captions-required = Questa chiamata chiede i sottotitoli per i video, perché anche chi non sente possa seguirli. Aggiungi un file di sottotitoli (SRT o WebVTT): la pagina di aiuto spiega come scriverlo.
error-transcript-required = Questa chiamata chiede la trascrizione per le opere sonore, perché anche chi non sente possa leggerle. Scrivi nel campo «Trascrizione» quello che si sente: la pagina di aiuto spiega come.
# args: $kinds (what the call accepts, a list)
error-sound-not-accepted = Questo file ha solo il suono, senza immagini, e questa chiamata non accetta opere sonore: accetta { $kinds }.

error-not-updatable = Puoi aggiungere sottotitoli o trascrizione in questo modo solo a un video o a un'opera sonora già pubblicati; prima della pubblicazione, modificala quando la redazione ti chiede delle modifiche.
error-nothing-to-update = Invia un file di sottotitoli, o una trascrizione diversa da quella che l'opera ha già.
error-no-update-waiting = Per quest'opera non ci sono sottotitoli o trascrizione nuovi in attesa (forse qualcuno ha già deciso): ricarica la pagina.
error-invalid-update-decision = Scegli se approvare o non accogliere i nuovi sottotitoli o la trascrizione.
error-oembed-format = È disponibile solo format=json.

## Accesso con SPID o CIE (OpenID Connect)
error-oidc-state-invalid = Questo accesso non è più valido: è scaduto (dopo 10 minuti), è già stato usato, o è stato iniziato in un altro browser. Ricomincia l'accesso da questa pagina.
error-oidc-unreachable = Il servizio di accesso con SPID o CIE non risponde in questo momento. Riprova tra qualche minuto.
error-oidc-code-refused = Il servizio di accesso non ha confermato questo accesso (forse è già stato usato o è scaduto). Ricomincia l'accesso.
error-oidc-token-invalid = Non è stato possibile verificare la risposta del servizio di accesso, quindi non ti abbiamo fatto entrare. Ricomincia l'accesso; se succede ancora, scrivi al Comune.
error-oidc-email-missing = Il servizio di accesso non ci ha comunicato il tuo indirizzo email, che serve per avvisarti sulle tue opere. Aggiungi un indirizzo email al tuo profilo SPID o CIE, oppure consenti di condividerlo, e riprova.
error-oidc-cancelled = L'accesso è stato annullato o rifiutato dal servizio di accesso. Puoi riprovare quando vuoi.
error-password-sign-in-off = Su questo sito si entra solo con SPID o CIE: l'accesso, l'iscrizione e il recupero con la password non sono disponibili.
error-sign-in-again-to-delete = Per eliminare un account senza password serve un accesso recente: entra di nuovo con SPID o CIE e poi elimina l'account entro 10 minuti.
error-claim-code-malformed = Il codice non è scritto giusto: sono 12 lettere e cifre in gruppi di quattro e un ultimo segno, come sulla ricevuta (per esempio 7K3M-Q9XW-2BTR-5).
error-claim-code-mistyped = Il codice non torna: forse una lettera o una cifra è sbagliata o scambiata. Ricopialo con calma dalla ricevuta.
error-contact-invalid = Scrivi un indirizzo email (come nome@esempio.it) o un numero di telefono, oppure lascia vuoto.
error-consent-required = Serve il consenso della persona: conferma che ha accettato le regole della chiamata e la licenza scelta.
# args: $minutes
error-too-many-claim-lookups = Troppi tentativi con i codici da questo collegamento. Riprova tra { $minutes } minuti, o chiedi allo sportello dove hai inviato l'opera.
error-operator-needs-desk = Un operatore appartiene a uno sportello: nominalo nella pagina degli sportelli, scegliendo lo sportello.
error-desk-slug-taken = Esiste già uno sportello con questo indirizzo breve: scegline un altro.
error-unknown-desk = Non c'è uno sportello con questo indirizzo breve.
