//! Endpoint URLs as logs and errors may show them: providers put API keys in URLs.

/// An endpoint URL as logs may show it: scheme, host and port. Providers put the API key
/// in the user info, the path or the query, and logs are read by more people than the
/// config file.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let hidden = rest.len() > authority.len() + 1 || authority.contains('@');
    let tail = if hidden { "/…" } else { "" };
    if scheme.is_empty() {
        format!("{host}{tail}")
    } else {
        format!("{scheme}://{host}{tail}")
    }
}

/// `text` (e.g. an HTTP client's error, which quotes the URL it called) with every URL on
/// `url`'s host cut to [`redact_url`]'s form.
pub fn scrub(text: &str, url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    if host.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest_text = text;
    let needle = format!("{scheme}://");
    while let Some(i) = rest_text.find(&needle) {
        let (before, from) = rest_text.split_at(i);
        out.push_str(before);
        let end = from
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | ',' | '>'))
            .unwrap_or(from.len());
        let (found, after) = from.split_at(end);
        if found.to_ascii_lowercase().contains(&host) {
            out.push_str(&redact_url(found));
        } else {
            out.push_str(found);
        }
        rest_text = after;
    }
    out.push_str(rest_text);
    out
}
