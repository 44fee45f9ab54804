//! Where the public finds the service: the public base URL and the Open
//! Civic Data jurisdiction that the public feeds name (`PUBLIC_URL`,
//! `OCD_JURISDICTION`).

use std::net::SocketAddr;

/// The coalition's Open Civic Data jurisdiction unless `OCD_JURISDICTION` says otherwise.
pub const DEFAULT_JURISDICTION: &str = "ocd-jurisdiction/country:us/place:coalition/government";

/// Where the public finds the service, as its public feeds name it.
#[derive(Clone, Debug)]
pub struct Publication {
    /// The public base URL, without a trailing slash (`https://records.example.org`).
    pub base_url: String,
    /// The Open Civic Data jurisdiction id of the coalition.
    pub jurisdiction: String,
}

impl Default for Publication {
    fn default() -> Self {
        Publication {
            base_url: "http://127.0.0.1:8080".into(),
            jurisdiction: DEFAULT_JURISDICTION.into(),
        }
    }
}

impl Publication {
    /// Checks `PUBLIC_URL` (an http(s) URL, path allowed, no query) and
    /// `OCD_JURISDICTION`; without a public URL, the bind address stands in.
    pub fn parse(
        public_url: Option<&str>,
        jurisdiction: &str,
        bind: SocketAddr,
    ) -> Result<Publication, String> {
        let base_url = match public_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => format!("http://{bind}"),
            Some(url) => {
                let valid = (url.starts_with("https://") || url.starts_with("http://"))
                    && !url.contains(['?', '#', ' '])
                    && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
                if !valid {
                    return Err(format!(
                        "PUBLIC_URL: {url:?} is not a URL like https://records.example.org"
                    ));
                }
                url.trim_end_matches('/').to_owned()
            }
        };
        let jurisdiction = jurisdiction.trim();
        let valid = jurisdiction
            .strip_prefix("ocd-jurisdiction/")
            .is_some_and(|rest| !rest.is_empty())
            && !jurisdiction.contains(char::is_whitespace);
        if !valid {
            return Err(format!(
                "OCD_JURISDICTION: {jurisdiction:?} is not an id like {DEFAULT_JURISDICTION}"
            ));
        }
        Ok(Publication {
            base_url,
            jurisdiction: jurisdiction.to_owned(),
        })
    }
}
