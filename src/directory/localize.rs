//! Texts in several languages: a default text plus translations, and the
//! choice of the best one for the languages a client asked for.

use crate::domain::primary_language;

/// The languages a client prefers, best first (from a `locale` argument or
/// the `Accept-Language` header).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreferredLanguages(pub Vec<String>);

impl PreferredLanguages {
    /// Reads an `Accept-Language` header (`es-MX,es;q=0.9,en;q=0.5`), best first.
    pub fn from_accept_language(header: &str) -> Self {
        let mut ranked: Vec<(f32, usize, String)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.trim().split(';');
                let tag = parts.next()?.trim();
                if tag.is_empty() || tag == "*" {
                    return None;
                }
                let quality = parts
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                (quality > 0.0).then(|| (quality, position, tag.to_owned()))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        PreferredLanguages(ranked.into_iter().map(|(_, _, tag)| tag).collect())
    }
}

/// A text in the language it is written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Localized {
    /// The text.
    pub text: String,
    /// BCP 47 tag of the text's language.
    pub language: String,
}

/// The best text for `preferred`: an exact tag match, else a match of the
/// primary language (`es` for `es-MX` and the other way round), trying each
/// preferred language in turn; the default text when nothing matches.
pub fn choose(
    preferred: &PreferredLanguages,
    default: (&str, &str),
    translations: &[(&str, &str)],
) -> Localized {
    let (default_language, default_text) = default;
    let candidates: Vec<(&str, &str)> = std::iter::once((default_language, default_text))
        .chain(translations.iter().copied())
        .collect();
    for wanted in &preferred.0 {
        let wanted_lower = wanted.to_ascii_lowercase();
        let exact = candidates
            .iter()
            .find(|(tag, _)| tag.to_ascii_lowercase() == wanted_lower);
        let by_primary = || {
            candidates.iter().find(|(tag, _)| {
                primary_language(&tag.to_ascii_lowercase()) == primary_language(&wanted_lower)
            })
        };
        if let Some((tag, text)) = exact.or_else(by_primary) {
            return Localized {
                text: (*text).to_owned(),
                language: (*tag).to_owned(),
            };
        }
    }
    Localized {
        text: default_text.to_owned(),
        language: default_language.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(tags: &[&str]) -> PreferredLanguages {
        PreferredLanguages(tags.iter().map(|t| t.to_string()).collect())
    }

    const TRANSLATIONS: &[(&str, &str)] = &[("es", "Ayuda legal"), ("pt-BR", "Ajuda jurídica")];

    #[test]
    fn an_exact_translation_wins() {
        let got = choose(&langs(&["es"]), ("en", "Legal help"), TRANSLATIONS);
        assert_eq!(
            got,
            Localized {
                text: "Ayuda legal".into(),
                language: "es".into()
            }
        );
    }

    #[test]
    fn a_regional_request_falls_back_to_its_language() {
        assert_eq!(
            choose(&langs(&["es-MX"]), ("en", "Legal help"), TRANSLATIONS).language,
            "es"
        );
        assert_eq!(
            choose(&langs(&["pt"]), ("en", "Legal help"), TRANSLATIONS).language,
            "pt-BR"
        );
    }

    #[test]
    fn an_unknown_language_gets_the_default_text_labelled_as_such() {
        let got = choose(&langs(&["sw", "ar"]), ("en", "Legal help"), TRANSLATIONS);
        assert_eq!(
            got,
            Localized {
                text: "Legal help".into(),
                language: "en".into()
            }
        );
    }

    #[test]
    fn accept_language_is_ordered_by_quality() {
        let got =
            PreferredLanguages::from_accept_language("en;q=0.5, es-MX, ar;q=0.8, *;q=0.1, fr;q=0");
        assert_eq!(got, langs(&["es-MX", "ar", "en"]));
    }
}
