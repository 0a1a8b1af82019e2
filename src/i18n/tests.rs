use super::*;
use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[test]
fn accept_language_honours_q_values() {
    assert_eq!(negotiate(""), Lang::It);
    assert_eq!(negotiate("en"), Lang::En);
    assert_eq!(negotiate("en-GB,en;q=0.9"), Lang::En);
    assert_eq!(negotiate("it;q=0.1, en;q=0.9"), Lang::En);
    assert_eq!(negotiate("it-IT,it;q=0.9,en-US;q=0.8,en;q=0.7"), Lang::It);
    assert_eq!(negotiate("en;q=0.5, it;q=0.5"), Lang::En, "a tie goes to the one listed first");
    assert_eq!(negotiate("fr-FR, de;q=0.9, en;q=0.3"), Lang::En, "unknown languages are ignored");
    assert_eq!(negotiate("fr, de"), Lang::It, "nothing we have: Italian");
    assert_eq!(negotiate("it;q=0, en;q=0.1"), Lang::En, "q=0 excludes");
    assert_eq!(negotiate("en;q=0"), Lang::It);
    assert_eq!(negotiate("en;q=0.8, *;q=0.9"), Lang::It, "the wildcard stands for Italian here");
    assert_eq!(negotiate("it;q=0, *"), Lang::En);
    assert_eq!(negotiate("EN-us ; Q=0.7 , it;q=bogus"), Lang::En, "case and spaces do not matter; a bad q excludes");
}

#[test]
fn numbers_pick_the_plural_form() {
    let sent = |n: i64, lang| error_text(lang, "call_limit_reached", &[("sent", n.into()), ("max", n.into()), ("title", "Il fiume".into())]);
    assert!(sent(1, Lang::It).contains("Hai già inviato un'opera a «Il fiume»"), "{}", sent(1, Lang::It));
    assert!(sent(3, Lang::It).contains("Hai già inviato 3 opere"), "{}", sent(3, Lang::It));
    assert!(sent(1, Lang::En).contains("already sent one work to \"Il fiume\""), "{}", sent(1, Lang::En));
    assert!(sent(2, Lang::En).contains("2 works"));
    assert_eq!(error_text(Lang::It, "too_many_attempts", &[("minutes", 1.into())]), "Troppi tentativi di accesso. Riprova tra un minuto, oppure reimposta la password.");
    assert!(error_text(Lang::En, "too_many_attempts", &[("minutes", 5.into())]).ends_with("try again in 5 minutes"));
    assert_eq!(T(Lang::En).with2("bulk-approved", "approved", 1usize, "skipped", 0usize), "One work approved.");
    assert_eq!(T(Lang::It).with2("bulk-approved", "approved", 4usize, "skipped", 2usize), "4 opere approvate; 2 non erano più in attesa e sono state saltate.");
}

#[test]
fn output_has_no_isolation_marks() {
    let title = T(Lang::It).with("mail-greeting", "name", "Lucia");
    let all = [
        title,
        error_text(Lang::En, "call_closed", &[("title", "Il fiume".into()), ("date", Arg::Day(0))]),
        verify_mail("Lucia", "https://piazza.example/verify?token=x").0,
        work_status_mail("Lucia", "Rotta", "failed", ["danneggiato", "damaged"], ["/w", "/w"]).0,
    ];
    for text in all {
        assert!(!text.contains(['\u{2068}', '\u{2069}']), "{text:?}");
    }
}

#[test]
fn values_are_written_as_each_language_writes_them() {
    let day = Arg::Day(4_102_444_800_000); // 2100-01-01
    assert!(error_text(Lang::It, "call_not_open_yet", &[("title", "X".into()), ("date", day.clone())]).contains("apre il 01/01/2100."));
    assert!(error_text(Lang::En, "call_not_open_yet", &[("title", "X".into()), ("date", day)]).contains("opens on 2100-01-01"));
    let kinds = Arg::Keys(vec!["kind-poem", "kind-film"]);
    let it = error_text(Lang::It, "kind_not_accepted", &[("kind", "photo".into()), ("kind_name", Arg::Keys(vec!["kind-photo"])), ("accepted", "poem, film".into()), ("accepted_names", kinds)]);
    assert_eq!(it, "Questa chiamata non accetta opere di tipo «Foto»; accetta: Poesia, Video.");
}

#[test]
fn mail_keeps_its_paragraphs() {
    let (subject, body) = sign_in_link_mail("Lucia", "https://x/l", true);
    assert_eq!(subject, "Piazza: qualcuno sta provando la tua password / someone is trying your password");
    assert!(body.starts_with("Ciao Lucia,\n\nqualcuno ha sbagliato"), "{body}");
    assert!(body.contains("(vale un'ora, una volta sola):\n\nhttps://x/l\n\nSe non eri tu"), "{body}");
    assert!(body.contains("\n\n-- \n\nHello Lucia,\n\nsomeone typed"), "{body}");
    assert!(body.ends_with("makes it safer.\n"), "{body}");
    let (subject, body) = work_status_mail("Anna", "Rotta", "changes_requested", ["più luce", "more light"], ["https://x/w/1/edit"; 2]);
    assert_eq!(subject, "Piazza: «Rotta» ha bisogno di qualche modifica prima di essere pubblicata / \"Rotta\" needs some changes before it can be published");
    assert!(body.contains("Il motivo, nelle parole della redazione:\n\npiù luce\n\nPuoi modificarla"), "{body}");
    assert!(body.contains("The reason, in the curators' words:\n\nmore light\n\nYou can change it"), "{body}");
}

#[test]
fn missing_keys_show_themselves_and_do_not_panic() {
    assert_eq!(T(Lang::En).get("no-such-key"), "no-such-key");
    assert_eq!(text(Lang::It, "no-such-key"), "no-such-key");
}

/// One language's catalogue as the files say it: each message with the variables its
/// comment declares (`# args: $a, $b`) and those its text uses.
struct Entry {
    declared: BTreeSet<String>,
    used: BTreeSet<String>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn catalogue(lang: &str) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    let dir = root().join("locales").join(lang);
    for file in std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "ftl")) {
        let source = std::fs::read_to_string(&file).unwrap();
        let resource = fluent_syntax::parser::parse(source.as_str()).unwrap_or_else(|(_, e)| panic!("{}: {e:?}", file.display()));
        for entry in resource.body {
            let ast::Entry::Message(message) = entry else { continue };
            let mut used = BTreeSet::new();
            if let Some(pattern) = &message.value {
                pattern_variables(pattern, &mut used);
            }
            let declared = message
                .comment
                .iter()
                .flat_map(|c| c.content.iter())
                .filter_map(|line| line.trim().strip_prefix("args:"))
                .flat_map(|line| line.split([' ', ',']).filter_map(|w| w.strip_prefix('$')).map(str::to_owned).collect::<Vec<_>>())
                .collect();
            let name = message.id.name.to_owned();
            assert!(entries.insert(name.clone(), Entry { declared, used }).is_none(), "{lang}: {name} is defined twice");
        }
    }
    entries
}

fn pattern_variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Inline(inline) => inline_variables(inline, out),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in arguments.positional.iter().chain(arguments.named.iter().map(|n| &n.value)) {
                inline_variables(argument, out);
            }
        }
        _ => {}
    }
}

fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs" || x == "html" || x == "xml") {
            out.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The string literals that follow `needle`, up to `count` of them, before the call closes.
fn literals_after<'a>(text: &'a str, needle: &str, count: usize) -> Vec<&'a str> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices(needle) {
        let mut rest = &text[at + needle.len()..];
        for _ in 0..count {
            // The next literal, if it comes before the call's closing parenthesis.
            let (Some(quote), close) = (rest.find('"'), rest.find(')')) else { break };
            if close.is_some_and(|c| c < quote) {
                break;
            }
            let literal = &rest[quote + 1..];
            let Some(end) = literal.find('"') else { break };
            found.push(&literal[..end]);
            rest = &literal[end + 1..];
        }
    }
    found
}

/// Every key the code and templates look up by a literal, and every error code any layer
/// raises (whose message is `error-<code>`): all must be in both languages.
#[test]
fn every_key_used_exists_in_both_languages() {
    let it = catalogue("it");
    let en = catalogue("en");
    let mut files = Vec::new();
    for dir in ["templates", "src", "workers/src"] {
        sources(&root().join(dir), &mut files);
    }
    let mut keys = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for (path, text) in &files {
        // This file's literals are examples, not lookups.
        if path.ends_with("i18n/tests.rs") {
            continue;
        }
        for needle in ["t.get(", "self.get(", "t.with(", "t.with2(", "text(lang, ", "text_with(lang, ", "text(Lang::It, ", "text(Lang::En, "] {
            keys.extend(literals_after(text, needle, 1).into_iter().map(|k| (k.to_owned(), path.clone())));
        }
        keys.extend(literals_after(text, "both(", 2).into_iter().map(|k| (k.to_owned(), path.clone())));
        let raisers = [
            "client(",
            "bad_request(",
            "unprocessable(",
            "DomainError::new(",
            "DomainError::with_args(",
            "MediaError::permanent(",
            "MediaError::transient(",
            "fail_processing(",
            "clean(input, ",
            "ServiceError::invalid(",
            "ServiceError::conflict(",
            "ServiceError::refused(",
            "_CODE: &str = ",
        ];
        for needle in raisers {
            codes.extend(literals_after(text, needle, 1).into_iter().map(|c| (c.to_owned(), path.clone())));
        }
        // `code: "…"` fields and `(StatusCode::X, "code")` pairs.
        for needle in ["code: ", "StatusCode::"] {
            for (at, _) in text.match_indices(needle) {
                let rest = &text[at + needle.len()..];
                let rest = if needle == "StatusCode::" {
                    let ident = rest.find(|c: char| !(c.is_ascii_uppercase() || c == '_')).unwrap_or(0);
                    match rest[ident..].strip_prefix(", \"") {
                        Some(r) => r,
                        None => continue,
                    }
                } else {
                    match rest.strip_prefix('"') {
                        Some(r) => r,
                        None => continue,
                    }
                };
                if let Some(end) = rest.find('"') {
                    codes.insert((rest[..end].to_owned(), path.clone()));
                }
            }
        }
    }
    for kind in crate::domain::Kind::ALL {
        keys.insert((kind.key().to_owned(), PathBuf::from("src/domain/work.rs")));
    }
    for (code, path) in &codes {
        if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !code.is_empty() {
            keys.insert((error_key(code), path.clone()));
        }
    }
    let distinct_keys: BTreeSet<&String> = keys.iter().map(|(k, _)| k).collect();
    assert!(distinct_keys.len() > 250, "the scan finds the lookups: only {}", distinct_keys.len());
    assert!(codes.len() > 80, "the scan finds the error codes: only {}", codes.len());
    let mut missing = Vec::new();
    for (key, path) in &keys {
        for (lang, entries) in [("it", &it), ("en", &en)] {
            if !entries.contains_key(key) {
                missing.push(format!("{key} (used in {}) is missing in {lang}", path.strip_prefix(root()).unwrap_or(path).display()));
            }
        }
    }
    missing.dedup();
    assert!(missing.is_empty(), "keys missing from the catalogue:\n{}", missing.join("\n"));
}

/// Both languages have the same messages, each declares the same variables in its
/// `# args:` comment, and uses only variables it declares.
#[test]
fn languages_agree_on_keys_and_variables() {
    let it = catalogue("it");
    let en = catalogue("en");
    let only_it: Vec<_> = it.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !it.contains_key(*k)).collect();
    assert!(only_it.is_empty() && only_en.is_empty(), "only in Italian: {only_it:?}; only in English: {only_en:?}");
    for (key, entry_it) in &it {
        let entry_en = &en[key];
        assert_eq!(entry_it.declared, entry_en.declared, "{key}: the languages declare different variables");
        for (lang, entry) in [("it", entry_it), ("en", entry_en)] {
            let unknown: Vec<_> = entry.used.difference(&entry.declared).collect();
            assert!(unknown.is_empty(), "{lang} {key} uses {unknown:?}, not declared in its \"# args:\" comment");
        }
    }
}

#[test]
fn days_near_midnight_are_the_italian_days() {
    // Opens 1 December 2026 00:30 in Rome: the evening before in UTC, which is not the day
    // the city announced.
    let opens = crate::local_time::parse("2026-12-01T00:30").unwrap();
    let args = [("title", "Il fiume".into()), ("date", Arg::Day(opens))];
    assert_eq!(error_text(Lang::It, "call_not_open_yet", &args), "La chiamata «Il fiume» non è ancora aperta: apre il 01/12/2026.");
    assert!(error_text(Lang::En, "call_not_open_yet", &args).ends_with("it opens on 2026-12-01"), "{}", error_text(Lang::En, "call_not_open_yet", &args));
}
