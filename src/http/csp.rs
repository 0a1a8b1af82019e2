//! The Content Security Policy of every answer. Pages run no script at all, but for the one
//! page whose form a script enhances; that page allows scripts from this site alone (no
//! inline script, no other host), and `blob:` media so the script can read a chosen film's
//! duration before sending it. The site's media files cannot run as scripts there: they are
//! served with their own types and `X-Content-Type-Options: nosniff`.

/// Every answer's policy unless it sets its own.
pub const PAGES: &str = "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; \
                         script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The submit page's policy: [`PAGES`] with `/static/submit.js` allowed.
pub const SCRIPTED: &str = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; \
                            script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
