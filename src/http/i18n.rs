//! The interface's words, Italian first and English beside it. A page picks one table from
//! the visitor's choice (the `lang` cookie) or their browser's Accept-Language.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    It,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "it" => Some(Lang::It),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Italian unless the browser prefers English over Italian.
    pub fn from_accept_language(header: &str) -> Self {
        for part in header.split(',') {
            let tag = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if tag.starts_with("it") {
                return Lang::It;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::It
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::It => &IT,
            Lang::En => &EN,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::It => Lang::En,
            Lang::En => Lang::It,
        }
    }
}

/// Every word the pages show.
pub struct Texts {
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_home: &'static str,
    pub nav_search: &'static str,
    pub nav_submit: &'static str,
    pub nav_my_works: &'static str,
    pub nav_curate: &'static str,
    pub nav_sign_in: &'static str,
    pub nav_sign_out: &'static str,
    pub switch_language: &'static str,
    pub open_calls: &'static str,
    pub no_open_calls: &'static str,
    pub latest_works: &'static str,
    pub no_works_yet: &'static str,
    pub call_question: &'static str,
    pub call_open_until: &'static str,
    pub call_closed: &'static str,
    pub call_accepts: &'static str,
    pub answer_this_call: &'static str,
    pub works_in_call: &'static str,
    pub by: &'static str,
    pub in_call: &'static str,
    pub licence: &'static str,
    pub your_browser_no_video: &'static str,
    pub search_title: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub search_kind_any: &'static str,
    pub search_no_results: &'static str,
    pub search_results: &'static str,
    pub sign_in_title: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in_button: &'static str,
    pub sign_in_failed: &'static str,
    pub submit_title: &'static str,
    pub submit_intro: &'static str,
    pub field_call: &'static str,
    pub field_kind: &'static str,
    pub field_title: &'static str,
    pub field_text: &'static str,
    pub field_text_help: &'static str,
    pub field_file: &'static str,
    pub field_file_help: &'static str,
    pub field_alt: &'static str,
    pub field_alt_help: &'static str,
    pub field_description: &'static str,
    pub field_licence: &'static str,
    pub submit_button: &'static str,
    pub submitted: &'static str,
    pub my_works_title: &'static str,
    pub status: &'static str,
    pub curate_title: &'static str,
    pub curate_empty: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub reject_reason: &'static str,
    pub retry: &'static str,
    pub withdraw: &'static str,
    pub city_reply: &'static str,
    pub appreciate: &'static str,
    pub report: &'static str,
    pub report_reason: &'static str,
    pub reports_title: &'static str,
    pub reply_button: &'static str,
    pub audit_title: &'static str,
    pub audit_columns: [&'static str; 4],
    pub withdraw_help: &'static str,
    pub error_title: &'static str,
    pub not_found_title: &'static str,
    pub back_home: &'static str,
    pub processing_progress: &'static str,
    pub reason: &'static str,
    pub kind_poem: &'static str,
    pub kind_story: &'static str,
    pub kind_photo: &'static str,
    pub kind_film: &'static str,
    pub status_processing: &'static str,
    pub status_pending_review: &'static str,
    pub status_published: &'static str,
    pub status_rejected: &'static str,
    pub status_failed: &'static str,
    pub nav_account: &'static str,
    pub nav_sign_up: &'static str,
    pub nav_people: &'static str,
    pub sign_up_title: &'static str,
    pub sign_up_intro: &'static str,
    pub name: &'static str,
    pub password_new_help: &'static str,
    pub sign_up_button: &'static str,
    pub no_account: &'static str,
    pub forgot_password: &'static str,
    pub check_inbox_title: &'static str,
    pub check_inbox_text: &'static str,
    pub sign_up_done: &'static str,
    pub verify_title: &'static str,
    pub verify_button: &'static str,
    pub verify_done: &'static str,
    pub link_invalid: &'static str,
    pub reset_request_title: &'static str,
    pub reset_request_intro: &'static str,
    pub reset_request_button: &'static str,
    pub new_password: &'static str,
    pub reset_button: &'static str,
    pub reset_done: &'static str,
    pub account_title: &'static str,
    pub account_verified: &'static str,
    pub account_not_verified: &'static str,
    pub resend_verification: &'static str,
    pub verification_sent: &'static str,
    pub sessions_title: &'static str,
    pub sessions_open: &'static str,
    pub sign_out_everywhere: &'static str,
    pub sign_out_everywhere_help: &'static str,
    pub export_title: &'static str,
    pub export_help: &'static str,
    pub export_button: &'static str,
    pub delete_title: &'static str,
    pub delete_help: &'static str,
    pub delete_password: &'static str,
    pub delete_button: &'static str,
    pub account_deleted: &'static str,
    pub people_title: &'static str,
    pub role: &'static str,
    pub change_role: &'static str,
    pub role_citizen: &'static str,
    pub role_curator: &'static str,
    pub role_admin: &'static str,
    pub verified: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub role_changed: &'static str,
    pub too_many_attempts: &'static str,
    pub not_verified_notice: &'static str,
    pub status_withdrawn: &'static str,
    /// Which column of [`WORDS`] this table reads.
    pub italian: bool,
}

impl Texts {
    pub fn kind(&self, kind: &str) -> &'static str {
        match kind {
            "poem" => self.kind_poem,
            "story" => self.kind_story,
            "photo" => self.kind_photo,
            "film" => self.kind_film,
            _ => "",
        }
    }

    pub fn role(&self, role: &str) -> &'static str {
        match role {
            "citizen" => self.role_citizen,
            "curator" => self.role_curator,
            "admin" => self.role_admin,
            _ => "",
        }
    }

    pub fn status(&self, status: &str) -> &'static str {
        match status {
            "processing" => self.status_processing,
            "pending_review" => self.status_pending_review,
            "published" => self.status_published,
            "rejected" => self.status_rejected,
            "failed" => self.status_failed,
            "withdrawn" => self.status_withdrawn,
            "changes_requested" => self.w("status_changes_requested"),
            _ => "",
        }
    }

    /// A word of the curation and call pages, by key (see [`WORDS`]); the key itself if missing.
    pub fn w<'a>(&self, key: &'a str) -> &'a str {
        match WORDS.iter().find(|(k, _, _)| *k == key) {
            Some((_, it, en)) => if self.italian { *it } else { *en },
            None => key,
        }
    }

    /// What the public reads for a call's phase.
    pub fn phase(&self, phase: &str) -> &'static str {
        let key = match phase {
            "draft" => "phase_draft",
            "upcoming" => "phase_upcoming",
            "open" => "phase_open",
            "closed" => "phase_closed",
            "results" => "phase_results",
            "archived" => "phase_archived",
            _ => return "",
        };
        WORDS.iter().find(|(k, _, _)| *k == key).map(|(_, it, en)| if self.italian { *it } else { *en }).unwrap_or("")
    }
}

/// The words of the call and curation pages, Italian and English side by side.
pub static WORDS: &[(&str, &str, &str)] = &[
    ("status_changes_requested", "Modifiche richieste", "Changes requested"),
    ("phase_draft", "Bozza (non visibile al pubblico)", "Draft (not visible to the public)"),
    ("phase_upcoming", "Apre presto", "Opening soon"),
    ("phase_open", "Aperta", "Open"),
    ("phase_closed", "Chiusa", "Closed"),
    ("phase_results", "Risultati pubblicati", "Results published"),
    ("phase_archived", "Archiviata", "Archived"),
    ("to_open", "Apri la chiamata", "Open the call"),
    ("to_draft", "Riporta in bozza", "Back to draft"),
    ("to_closed", "Chiudi la chiamata", "Close the call"),
    ("to_results", "Pubblica i risultati", "Publish the results"),
    ("to_archived", "Archivia", "Archive"),
    ("opens_on", "Apre il", "Opens on"),
    ("results", "Risultati", "Results"),
    ("account_locked", "Troppe password sbagliate per questo account: l'accesso con la password è sospeso per 15 minuti. Se l'account è tuo, puoi entrare subito con un link che ti mandiamo per email.", "Too many wrong passwords for this account: signing in with the password is paused for 15 minutes. If the account is yours, you can come in now with a link we email you."),
    ("send_sign_in_link", "Mandami un link per entrare", "Email me a sign-in link"),
    ("sign_in_link_text", "Questo link ti fa entrare nel tuo account una volta sola, senza password.", "This link signs you in to your account once, without a password."),
    ("reset_ends_everything", "Quando cambi la password, esci da tutti i dispositivi e le chiavi API del tuo account smettono di funzionare.", "When you change the password you are signed out everywhere and your account's API tokens stop working."),
    ("newer_page", "← Pagina precedente", "← Previous page"),
    ("older_page", "Pagina successiva →", "Next page →"),
    ("pages", "Pagine", "Pages"),
    ("calls_with_results", "Chiamate con i risultati", "Calls with results"),
    ("per_person", "Opere per persona", "Works per person"),
    ("featured_works", "In evidenza", "Featured"),
    ("archive", "Archivio", "Archive"),
    ("archive_intro", "Le chiamate concluse, con le opere pubblicate.", "Past calls, with their published works."),
    ("no_archived", "Nessuna chiamata in archivio.", "No archived calls yet."),
    ("nav_calls", "Chiamate", "Calls"),
    ("nav_queue", "Da rivedere", "Review queue"),
    ("nav_reasons", "Motivi", "Reasons"),
    ("calls_title", "Gestione delle chiamate", "Manage calls"),
    ("new_call", "Nuova chiamata", "New call"),
    ("edit_call", "Modifica la chiamata", "Edit the call"),
    ("call_state", "Stato", "State"),
    ("call_works", "Opere", "Works"),
    ("field_slug", "Indirizzo (lettere minuscole, cifre e trattini)", "Address (lowercase letters, digits and dashes)"),
    ("field_slug_fixed", "L'indirizzo non cambia dopo la creazione, così i link restano validi.", "The address does not change after creation, so links keep working."),
    ("field_question", "La domanda della chiamata", "The question the call asks"),
    ("field_call_description", "Descrizione", "Description"),
    ("field_kinds", "Tipi di opere accettati", "Kinds of works accepted"),
    ("field_opens", "Apre il (ora italiana)", "Opens on (Italian time)"),
    ("field_closes", "Chiude il (ora italiana)", "Closes on (Italian time)"),
    ("field_limit", "Opere per persona (vuoto: nessun limite)", "Works per person (empty: no limit)"),
    ("field_licences", "Licenze proposte", "Licences offered"),
    ("field_alt_required", "Le foto devono avere una descrizione (testo alternativo)", "Photos must have a description (alt text)"),
    ("field_results", "Testo dei risultati (pubblico quando i risultati sono pubblicati)", "Results text (public once the results are published)"),
    ("create_draft", "Crea come bozza", "Create as draft"),
    ("save", "Salva", "Save"),
    ("saved", "Salvato.", "Saved."),
    ("cover", "Immagine di copertina", "Cover picture"),
    ("cover_alt", "Descrizione dell'immagine", "Description of the picture"),
    ("upload_cover", "Carica la copertina", "Upload the cover"),
    ("queue_title", "Opere da rivedere", "Works to review"),
    ("filter", "Filtra", "Filter"),
    ("any", "Tutte", "All"),
    ("only_shortlisted", "Solo in selezione", "Shortlisted only"),
    ("select", "Seleziona", "Select"),
    ("bulk_approve", "Approva le opere selezionate", "Approve the selected works"),
    ("bulk_done", "Opere approvate", "Works approved"),
    ("bulk_skipped", "non più in attesa, saltate", "no longer waiting, skipped"),
    ("request_changes", "Chiedi modifiche", "Ask for changes"),
    ("reason_template", "Motivo già pronto", "Ready-made reason"),
    ("reason_none", "(scrivo io il motivo)", "(I will write the reason)"),
    ("reason_or_template", "Motivo (o scegline uno già pronto)", "Reason (or pick a ready-made one)"),
    ("shortlist", "Metti in selezione", "Shortlist"),
    ("unshortlist", "Togli dalla selezione", "Remove from shortlist"),
    ("feature", "Metti in evidenza", "Feature"),
    ("unfeature", "Togli dall'evidenza", "Stop featuring"),
    ("shortlisted", "In selezione", "Shortlisted"),
    ("featured", "In evidenza", "Featured"),
    ("reasons_title", "Motivi già pronti", "Ready-made reasons"),
    ("reasons_intro", "I curatori li scelgono quando rifiutano un'opera o chiedono modifiche; l'autore legge il testo.", "Curators pick them when they reject a work or ask for changes; the author reads the text."),
    ("reason_label", "Nome", "Name"),
    ("reason_text", "Testo per l'autore", "Text for the author"),
    ("add_reason", "Aggiungi il motivo", "Add the reason"),
    ("delete", "Elimina", "Delete"),
    ("history", "Storia dell'opera", "History of the work"),
    ("ev_submitted", "Inviata", "Sent"),
    ("ev_resubmitted", "Inviata di nuovo, modificata", "Sent again, changed"),
    ("ev_approved", "Pubblicata", "Published"),
    ("ev_rejected", "Non accettata", "Not accepted"),
    ("ev_changes_requested", "Modifiche richieste", "Changes requested"),
    ("ev_shortlisted", "In selezione", "Shortlisted"),
    ("ev_unshortlisted", "Tolta dalla selezione", "Removed from shortlist"),
    ("ev_featured", "In evidenza", "Featured"),
    ("ev_unfeatured", "Tolta dall'evidenza", "No longer featured"),
    ("earlier_versions", "Versioni precedenti", "Earlier versions"),
    ("version", "Versione", "Version"),
    ("edit_work", "Modifica e invia di nuovo", "Edit and send again"),
    ("edit_intro", "La redazione ha chiesto una modifica. Cambia quello che serve e invia di nuovo: la versione precedente resta nella storia dell'opera.", "The curators asked for a change. Change what is needed and send it again: the earlier version stays in the work's history."),
    ("keep_file", "Lascia vuoto per tenere il file attuale.", "Leave empty to keep the current file."),
    ("send_again", "Invia di nuovo", "Send again"),
    ("what_to_change", "Che cosa cambiare", "What to change"),
];

pub static IT: Texts = Texts {
    italian: true,
    site_name: "Piazza",
    tagline: "La piazza virtuale della città: chiamate a tema, opere dei cittadini",
    skip_to_content: "Vai al contenuto",
    nav_home: "Inizio",
    nav_search: "Cerca",
    nav_submit: "Partecipa",
    nav_my_works: "Le mie opere",
    nav_curate: "Da revisionare",
    nav_sign_in: "Accedi",
    nav_sign_out: "Esci",
    switch_language: "English",
    open_calls: "Chiamate aperte",
    no_open_calls: "In questo momento non ci sono chiamate aperte.",
    latest_works: "Ultime opere pubblicate",
    no_works_yet: "Ancora nessuna opera pubblicata.",
    call_question: "La domanda",
    call_open_until: "Aperta fino al",
    call_closed: "Chiusa",
    call_accepts: "Accetta",
    answer_this_call: "Rispondi a questa chiamata",
    works_in_call: "Opere pubblicate",
    by: "di",
    in_call: "per la chiamata",
    licence: "Licenza",
    your_browser_no_video: "Il tuo browser non riproduce questo video.",
    search_title: "Cerca nella piazza",
    search_label: "Parole da cercare",
    search_button: "Cerca",
    search_kind_any: "Tutti i tipi",
    search_no_results: "Nessuna opera trovata. Prova con altre parole.",
    search_results: "Risultati",
    sign_in_title: "Accedi",
    email: "Email",
    password: "Password",
    sign_in_button: "Accedi",
    sign_in_failed: "Email o password non corrette.",
    submit_title: "Partecipa con un'opera",
    submit_intro: "Scegli la chiamata, il tipo di opera e invia. I curatori la leggeranno prima di pubblicarla.",
    field_call: "Chiamata",
    field_kind: "Tipo di opera",
    field_title: "Titolo",
    field_text: "Testo (per poesie e racconti)",
    field_text_help: "Gli a capo e le strofe restano come li scrivi.",
    field_file: "File (foto, video, oppure un testo .txt)",
    field_file_help: "Foto: JPEG, PNG, WebP o GIF. Video: MP4, MOV, WebM o MKV.",
    field_alt: "Descrizione della foto per chi non vede",
    field_alt_help: "Obbligatoria per le foto: una frase che dica cosa si vede.",
    field_description: "Note sull'opera (facoltative)",
    field_licence: "Licenza",
    submit_button: "Invia l'opera",
    submitted: "Grazie! La tua opera è arrivata ed è in lavorazione.",
    my_works_title: "Le mie opere",
    status: "Stato",
    curate_title: "Opere da revisionare",
    curate_empty: "Nessuna opera in attesa di revisione.",
    approve: "Pubblica",
    reject: "Rifiuta",
    reject_reason: "Motivo (lo legge l'autore)",
    retry: "Riprova l'elaborazione",
    withdraw: "Ritira l'opera",
    city_reply: "La risposta del Comune",
    appreciate: "Mi piace",
    report: "Segnala ai curatori",
    report_reason: "Che cosa non va in quest'opera?",
    reports_title: "Opere segnalate",
    reply_button: "Pubblica la risposta",
    audit_title: "Registro delle azioni",
    audit_columns: ["Quando", "Chi", "Azione", "Su che cosa"],
    withdraw_help: "L'opera sparisce subito dalla galleria, dalla ricerca e dal sito. Non si può annullare.",
    error_title: "Qualcosa non va",
    not_found_title: "Pagina non trovata",
    back_home: "Torna all'inizio",
    processing_progress: "Lavorazione",
    reason: "Motivo",
    kind_poem: "Poesia",
    kind_story: "Racconto",
    kind_photo: "Foto",
    kind_film: "Video",
    status_processing: "In lavorazione",
    status_pending_review: "In attesa di revisione",
    status_published: "Pubblicata",
    status_rejected: "Non accettata",
    status_failed: "Non elaborabile",
    nav_account: "Il mio account",
    nav_sign_up: "Registrati",
    nav_people: "Persone",
    sign_up_title: "Crea un account",
    sign_up_intro: "Con un account puoi rispondere alle chiamate della città. Ti manderemo un'email per confermare l'indirizzo.",
    name: "Nome (compare sulle tue opere)",
    password_new_help: "Almeno 10 caratteri: una breve frase va benissimo.",
    sign_up_button: "Crea l'account",
    no_account: "Non hai un account?",
    forgot_password: "Password dimenticata?",
    check_inbox_title: "Controlla la tua email",
    check_inbox_text: "Se l'indirizzo è giusto, ti abbiamo appena scritto: apri il link nell'email per continuare. Il link per reimpostare la password vale un'ora.",
    sign_up_done: "Ti abbiamo scritto per confermare l'indirizzo. Intanto puoi accedere; potrai inviare opere dopo la conferma.",
    verify_title: "Conferma l'indirizzo email",
    verify_button: "Conferma",
    verify_done: "Indirizzo confermato: ora puoi inviare le tue opere.",
    link_invalid: "Questo link non è valido: è scaduto o è già stato usato. Chiedine uno nuovo.",
    reset_request_title: "Reimposta la password",
    reset_request_intro: "Scrivi l'indirizzo del tuo account: ti manderemo un link valido per un'ora.",
    reset_request_button: "Mandami il link",
    new_password: "Nuova password",
    reset_button: "Salva la nuova password",
    reset_done: "Password cambiata. Per sicurezza sei uscito da tutti i dispositivi e le chiavi API dell'account non valgono più: accedi con la nuova password.",
    account_title: "Il mio account",
    account_verified: "Indirizzo confermato",
    account_not_verified: "Indirizzo non ancora confermato: apri il link che ti abbiamo mandato per poter inviare opere.",
    resend_verification: "Mandami di nuovo il link",
    verification_sent: "Ti abbiamo mandato un nuovo link di conferma.",
    sessions_title: "Dispositivi collegati",
    sessions_open: "Sessioni aperte",
    sign_out_everywhere: "Esci da tutti i dispositivi",
    sign_out_everywhere_help: "Chiude ogni sessione aperta con il tuo account, anche questa.",
    export_title: "I tuoi dati",
    export_help: "Scarica un archivio zip con i tuoi dati, le tue opere, i testi e i file originali.",
    export_button: "Scarica i miei dati",
    delete_title: "Elimina l'account",
    delete_help: "Le tue opere vengono ritirate e spariscono dalla piazza. Le opere pubblicate con licenza CC0 restano, senza il tuo nome (\"Autore anonimo\"). Non si può annullare.",
    delete_password: "La tua password, per confermare",
    delete_button: "Elimina definitivamente il mio account",
    account_deleted: "Il tuo account è stato eliminato.",
    people_title: "Persone e ruoli",
    role: "Ruolo",
    change_role: "Cambia ruolo",
    role_citizen: "Cittadino",
    role_curator: "Curatore",
    role_admin: "Amministratore",
    verified: "Confermato",
    yes: "sì",
    no: "no",
    role_changed: "Ruolo aggiornato.",
    too_many_attempts: "Troppi tentativi di accesso. Riprova tra qualche minuto, oppure reimposta la password.",
    not_verified_notice: "Conferma il tuo indirizzo email per poter inviare opere: apri il link che ti abbiamo mandato, o chiedine uno nuovo dal tuo account.",
    status_withdrawn: "Ritirata",
};

pub static EN: Texts = Texts {
    italian: false,
    site_name: "Piazza",
    tagline: "The city's virtual square: themed calls, citizens' works",
    skip_to_content: "Skip to content",
    nav_home: "Home",
    nav_search: "Search",
    nav_submit: "Take part",
    nav_my_works: "My works",
    nav_curate: "To review",
    nav_sign_in: "Sign in",
    nav_sign_out: "Sign out",
    switch_language: "Italiano",
    open_calls: "Open calls",
    no_open_calls: "There are no open calls right now.",
    latest_works: "Latest published works",
    no_works_yet: "No works published yet.",
    call_question: "The question",
    call_open_until: "Open until",
    call_closed: "Closed",
    call_accepts: "Accepts",
    answer_this_call: "Answer this call",
    works_in_call: "Published works",
    by: "by",
    in_call: "for the call",
    licence: "Licence",
    your_browser_no_video: "Your browser cannot play this video.",
    search_title: "Search the piazza",
    search_label: "Words to search for",
    search_button: "Search",
    search_kind_any: "All kinds",
    search_no_results: "No works found. Try other words.",
    search_results: "Results",
    sign_in_title: "Sign in",
    email: "Email",
    password: "Password",
    sign_in_button: "Sign in",
    sign_in_failed: "Wrong email or password.",
    submit_title: "Take part with a work",
    submit_intro: "Choose the call and the kind of work, then send it. Curators read it before it is published.",
    field_call: "Call",
    field_kind: "Kind of work",
    field_title: "Title",
    field_text: "Text (for poems and stories)",
    field_text_help: "Line breaks and stanzas stay as you write them.",
    field_file: "File (photo, video, or a .txt text)",
    field_file_help: "Photos: JPEG, PNG, WebP or GIF. Videos: MP4, MOV, WebM or MKV.",
    field_alt: "Description of the photo for blind visitors",
    field_alt_help: "Required for photos: one sentence saying what can be seen.",
    field_description: "Notes about the work (optional)",
    field_licence: "Licence",
    submit_button: "Send the work",
    submitted: "Thank you! Your work has arrived and is being processed.",
    my_works_title: "My works",
    status: "Status",
    curate_title: "Works to review",
    curate_empty: "No works waiting for review.",
    approve: "Publish",
    reject: "Reject",
    reject_reason: "Reason (the author reads it)",
    retry: "Retry processing",
    withdraw: "Withdraw the work",
    city_reply: "The city's reply",
    appreciate: "I like it",
    report: "Report to the curators",
    report_reason: "What is wrong with this work?",
    reports_title: "Reported works",
    reply_button: "Publish the reply",
    audit_title: "Audit log",
    audit_columns: ["When", "Who", "Action", "On what"],
    withdraw_help: "The work disappears at once from the gallery, search and the site. This cannot be undone.",
    error_title: "Something is not right",
    not_found_title: "Page not found",
    back_home: "Back to the home page",
    processing_progress: "Processing",
    reason: "Reason",
    kind_poem: "Poem",
    kind_story: "Story",
    kind_photo: "Photo",
    kind_film: "Film",
    status_processing: "Processing",
    status_pending_review: "Waiting for review",
    status_published: "Published",
    status_rejected: "Not accepted",
    status_failed: "Could not be processed",
    nav_account: "My account",
    nav_sign_up: "Sign up",
    nav_people: "People",
    sign_up_title: "Create an account",
    sign_up_intro: "With an account you can answer the city's calls. We will send you an email to confirm your address.",
    name: "Name (shown on your works)",
    password_new_help: "At least 10 characters: a short sentence is fine.",
    sign_up_button: "Create the account",
    no_account: "No account yet?",
    forgot_password: "Forgot your password?",
    check_inbox_title: "Check your email",
    check_inbox_text: "If the address is right, we have just written to you: open the link in the email to go on. A password reset link is valid for one hour.",
    sign_up_done: "We have written to you to confirm the address. You can sign in already; you can send works once it is confirmed.",
    verify_title: "Confirm your email address",
    verify_button: "Confirm",
    verify_done: "Address confirmed: you can now send your works.",
    link_invalid: "This link is not valid: it has expired or was already used. Ask for a new one.",
    reset_request_title: "Reset your password",
    reset_request_intro: "Enter your account's address: we will send you a link valid for one hour.",
    reset_request_button: "Send me the link",
    new_password: "New password",
    reset_button: "Save the new password",
    reset_done: "Password changed. For safety you were signed out everywhere and the account's API tokens no longer work: sign in with the new password.",
    account_title: "My account",
    account_verified: "Address confirmed",
    account_not_verified: "Address not confirmed yet: open the link we sent you to be able to send works.",
    resend_verification: "Send me the link again",
    verification_sent: "We have sent you a new confirmation link.",
    sessions_title: "Signed-in devices",
    sessions_open: "Open sessions",
    sign_out_everywhere: "Sign out everywhere",
    sign_out_everywhere_help: "Ends every session open with your account, this one too.",
    export_title: "Your data",
    export_help: "Download a zip archive with your data, your works, their texts and the original files.",
    export_button: "Download my data",
    delete_title: "Delete the account",
    delete_help: "Your works are withdrawn and disappear from the piazza. Works published under CC0 stay, without your name (\"Autore anonimo\"). This cannot be undone.",
    delete_password: "Your password, to confirm",
    delete_button: "Delete my account for good",
    account_deleted: "Your account has been deleted.",
    people_title: "People and roles",
    role: "Role",
    change_role: "Change role",
    role_citizen: "Citizen",
    role_curator: "Curator",
    role_admin: "Administrator",
    verified: "Confirmed",
    yes: "yes",
    no: "no",
    role_changed: "Role updated.",
    too_many_attempts: "Too many sign-in attempts. Try again in a few minutes, or reset your password.",
    not_verified_notice: "Confirm your email address to send works: open the link we sent you, or ask for a new one on your account page.",
    status_withdrawn: "Withdrawn",
};

/// Italian wording for the refusals citizens meet most; other codes fall back to the
/// English message, which is always present.
pub fn error_message_it(code: &str) -> Option<&'static str> {
    Some(match code {
        "empty_file" => "Il file è vuoto.",
        "file_too_large" => "Il file è troppo grande.",
        "unsupported_format" => "Questo file non è in un formato che possiamo leggere. Per le foto usa JPEG, PNG, WebP o GIF; per i video MP4, MOV, WebM o MKV.",
        "image_too_large" => "La foto ha troppi pixel: inviane una versione più piccola.",
        "corrupt_file" => "Il file è danneggiato o incompleto: prova a inviarlo di nuovo dall'originale.",
        "no_video" => "Questo file non ha immagini, solo audio.",
        "film_too_long" => "Il video è troppo lungo.",
        "alt_text_required" => "Descrivi la foto in una frase, per chi non vede.",
        "file_required" => "Allega il file dell'opera.",
        "text_required" => "Scrivi il testo dell'opera, oppure allegalo come file .txt.",
        "text_not_utf8" => "Il file di testo non è in UTF-8: salvalo come testo semplice UTF-8.",
        "text_too_long" => "Il testo è troppo lungo.",
        "text_empty" => "Il testo è vuoto.",
        "call_closed" => "Questa chiamata è chiusa e non accetta più opere.",
        "call_not_open_yet" => "Questa chiamata non è ancora aperta.",
        "kind_not_accepted" => "Questa chiamata non accetta questo tipo di opera.",
        "reason_required" => "Scrivi in poche parole il motivo.",
        "call_limit_reached" => "Hai già inviato il numero massimo di opere ammesso da questa chiamata.",
        "invalid_title" => "Il titolo manca o non è valido (una riga, al massimo 200 caratteri).",
        "invalid_licence" => "Scegli una licenza.",
        "unknown_call" => "Questa chiamata non esiste.",
        "processing_timeout" => "Il file ha richiesto troppo tempo per essere elaborato.",
        "processing_error" => "Qualcosa non ha funzionato da parte nostra durante l'elaborazione del file: non è colpa del file, i curatori possono riprovare.",
        "processing_failed" => "Non siamo riusciti a elaborare il file; un curatore può riprovare.",
        "email_not_verified" => "Conferma prima il tuo indirizzo email: apri il link che ti abbiamo mandato (puoi chiederne uno nuovo dalla pagina del tuo account).",
        "csrf_token_invalid" => "Questo modulo è scaduto o non viene da una pagina di Piazza: ricarica la pagina e invialo di nuovo.",
        "cross_site_request" => "Questo modulo è stato inviato da un altro sito: apri la pagina su Piazza e riprova.",
        "too_many_attempts" => "Troppi tentativi di accesso. Riprova tra qualche minuto, oppure reimposta la password.",
        "password_too_short" => "Scegli una password di almeno 10 caratteri: una breve frase è facile da ricordare.",
        "password_too_long" => "La password è troppo lunga: al massimo 200 caratteri.",
        "invalid_name" => "Scrivi un nome su una riga, al massimo 80 caratteri.",
        "invalid_email" => "Questo indirizzo email non sembra valido.",
        "wrong_password" => "La password non è corretta.",
        "own_role" => "Non puoi cambiare il tuo ruolo: chiedilo a un altro amministratore.",
        "invalid_role" => "Scegli un ruolo: cittadino, curatore o amministratore.",
        "public_url_required" => "Il servizio non può mandare link per email finché non è configurato il suo indirizzo pubblico.",
        "licence_not_offered" => "Questa chiamata non propone la licenza scelta: scegline una tra quelle indicate nella pagina della chiamata.",
        "invalid_transition" => "La chiamata non può passare a quello stato da quello in cui si trova ora.",
        "call_changed" => "Qualcun altro ha appena cambiato questa chiamata: ricarica la pagina e riprova.",
        "not_awaiting_changes" => "Puoi modificare l'opera solo quando la redazione ti chiede delle modifiche.",
        "not_reviewable" => "Quest'opera non è più in attesa di questa decisione: ricarica la pagina per vedere dove si trova.",
        "nothing_selected" => "Seleziona almeno un'opera da approvare.",
        "unknown_reason_template" => "Quel motivo già pronto non esiste più: scegline un altro o scrivi il motivo.",
        "invalid_label" => "Dai al motivo un nome breve, su una riga.",
        "invalid_reason" => "Scrivi il testo che l'autore leggerà (al massimo 2000 caratteri).",
        "invalid_date" => "Una data manca o non è una data con ora valida.",
        "invalid_dates" => "La chiamata deve chiudere dopo essere stata aperta.",
        "invalid_kinds" => "Una chiamata deve accettare almeno un tipo di opera.",
        "invalid_limit" => "Il limite di opere per persona deve essere un numero intero, almeno 1.",
        "invalid_question" => "Manca la domanda che la chiamata pone.",
        "invalid_slug" => "L'indirizzo può contenere solo lettere minuscole, cifre e trattini (da 2 a 80).",
        "slug_taken" => "Esiste già una chiamata con questo indirizzo: scegline un altro.",
        "not_published" => "Solo un'opera pubblicata può essere messa in evidenza o ricevere una risposta.",
        "service_unavailable" => "Il servizio è momentaneamente occupato: non è stato salvato nulla, riprova tra un minuto.",
        _ => return None,
    })
}

/// The mail that confirms an address: Italian, then English.
pub fn verify_mail(name: &str, link: &str) -> (String, String) {
    (
        "Piazza: conferma il tuo indirizzo email / confirm your email address".into(),
        format!(
            "Ciao {name},\n\nper confermare il tuo indirizzo email su Piazza apri questo link (vale 7 giorni, una volta sola):\n\n{link}\n\nSe non ti sei registrato tu, ignora questo messaggio.\n\n-- \n\nHello {name},\n\nto confirm your email address on Piazza open this link (valid for 7 days, once):\n\n{link}\n\nIf you did not sign up, ignore this message.\n"
        ),
    )
}

/// The mail with a password-reset link: Italian, then English.
pub fn reset_mail(link: &str) -> (String, String) {
    (
        "Piazza: reimposta la password / reset your password".into(),
        format!(
            "Qualcuno (speriamo tu) ha chiesto di reimpostare la password del tuo account Piazza.\nApri questo link entro un'ora per sceglierne una nuova (vale una volta sola):\n\n{link}\n\nSe non sei stato tu, ignora questo messaggio: la password resta quella di prima.\n\n-- \n\nSomeone (hopefully you) asked to reset the password of your Piazza account.\nOpen this link within one hour to choose a new one (it works once):\n\n{link}\n\nIf it was not you, ignore this message: your password stays as it was.\n"
        ),
    )
}

/// A one-time sign-in link; with `locked`, the warning that someone was guessing the
/// password and that sign-in with it is paused. Italian, then English.
pub fn sign_in_link_mail(name: &str, link: &str, locked: bool) -> (String, String) {
    let (subject, it, en) = if locked {
        (
            "Piazza: qualcuno sta provando la tua password / someone is trying your password",
            "qualcuno ha sbagliato più volte la password del tuo account Piazza, e per 15 minuti l'accesso con la password è sospeso.\nLa password non è stata indovinata. Se eri tu, o se vuoi entrare adesso, usa questo link (vale un'ora, una volta sola):",
            "someone typed a wrong password for your Piazza account several times, so signing in with the password is paused for 15 minutes.\nThe password was not guessed. If it was you, or if you want to come in now, use this link (valid for one hour, once):",
        )
    } else {
        (
            "Piazza: il tuo link per entrare / your sign-in link",
            "ecco il link che hai chiesto per entrare nel tuo account Piazza (vale un'ora, una volta sola):",
            "here is the link you asked for to sign in to your Piazza account (valid for one hour, once):",
        )
    };
    (
        subject.into(),
        format!(
            "Ciao {name},\n\n{it}\n\n{link}\n\nSe non sei stato tu, non serve fare nulla; se la tua password è corta, sceglierne una più lunga la rende più sicura.\n\n-- \n\nHello {name},\n\n{en}\n\n{link}\n\nIf it was not you, there is nothing to do; if your password is short, a longer one makes it safer.\n"
        ),
    )
}

/// The answer to a password reset asked for an address that has no account: what people
/// expect, and it makes both answers of the reset form cost the same.
pub fn no_account_mail(sign_up_page: &str) -> (String, String) {
    (
        "Piazza: reimpostazione della password / password reset".into(),
        format!(
            "Qualcuno (forse tu) ha chiesto di reimpostare la password di un account Piazza con questo indirizzo, ma a questo indirizzo non corrisponde nessun account.\nSe vuoi partecipare, puoi crearne uno qui:\n\n{sign_up_page}\n\nSe non sei stato tu, ignora questo messaggio.\n\n-- \n\nSomeone (perhaps you) asked to reset the password of a Piazza account with this address, but this address has no account.\nIf you would like to take part, you can create one here:\n\n{sign_up_page}\n\nIf it was not you, ignore this message.\n"
        ),
    )
}

/// The mail sent when someone signs up with an address that already has an account: the
/// sign-up page says the same in both cases, so only the owner of the inbox learns it.
pub fn already_registered_mail(reset_page: &str) -> (String, String) {
    (
        "Piazza: hai già un account / you already have an account".into(),
        format!(
            "Qualcuno (speriamo tu) ha provato a creare un account Piazza con questo indirizzo, che ne ha già uno.\nSe hai dimenticato la password, puoi reimpostarla qui:\n\n{reset_page}\n\nSe non sei stato tu, ignora questo messaggio.\n\n-- \n\nSomeone (hopefully you) tried to create a Piazza account with this address, which already has one.\nIf you forgot your password, you can reset it here:\n\n{reset_page}\n\nIf it was not you, ignore this message.\n"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key missing from [`WORDS`] would show itself on the page: every `w("...")` the
    /// templates and the code use must have both languages.
    #[test]
    fn every_word_asked_for_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = String::new();
        for dir in ["templates", "src/http"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
                sources += &std::fs::read_to_string(entry.path()).unwrap_or_default();
            }
        }
        let mut asked = 0;
        for piece in sources.split(".w(\"").skip(1) {
            let key = piece.split('"').next().unwrap();
            asked += 1;
            assert!(WORDS.iter().any(|(k, it, en)| *k == key && !it.is_empty() && !en.is_empty()), "no words for {key:?}");
        }
        assert!(asked > 50, "the templates ask for words through w(): {asked}");
        for (key, _, _) in WORDS {
            assert_eq!(WORDS.iter().filter(|(k, _, _)| k == key).count(), 1, "{key} is defined twice");
        }
    }
}
