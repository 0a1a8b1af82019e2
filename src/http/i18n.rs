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

    pub fn status(&self, status: &str) -> &'static str {
        match status {
            "processing" => self.status_processing,
            "pending_review" => self.status_pending_review,
            "published" => self.status_published,
            "rejected" => self.status_rejected,
            "failed" => self.status_failed,
            _ => "",
        }
    }
}

pub static IT: Texts = Texts {
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
};

pub static EN: Texts = Texts {
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
        "invalid_title" => "Il titolo manca o non è valido (una riga, al massimo 200 caratteri).",
        "invalid_licence" => "Scegli una licenza.",
        "unknown_call" => "Questa chiamata non esiste.",
        "processing_timeout" => "Il file ha richiesto troppo tempo per essere elaborato.",
        "processing_failed" => "Non siamo riusciti a elaborare il file; un curatore può riprovare.",
        "service_unavailable" => "Il servizio è momentaneamente occupato: non è stato salvato nulla, riprova tra un minuto.",
        _ => return None,
    })
}
