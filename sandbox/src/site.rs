//! The dApp beside the endpoint: plain `GET` requests on the RPC port get the built app
//! (`app/dist`) and `/sandbox.json` (the world), so one command and one URL show the
//! whole system. JSON-RPC (`POST`) and websocket upgrades pass through untouched.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use jsonrpsee::server::{HttpBody, HttpResponse};

/// What the sandbox serves besides JSON-RPC.
pub struct Site {
    /// The built dApp, if there is one.
    pub dir: Option<PathBuf>,
    /// `GET /sandbox.json`: the world as clients need it.
    pub world_json: String,
}

impl Site {
    /// The response to a `GET` of `path`.
    fn answer(&self, path: &str) -> HttpResponse {
        if path == "/sandbox.json" {
            return respond(
                200,
                "application/json",
                self.world_json.clone().into_bytes(),
            );
        }
        let Some(dir) = &self.dir else {
            return respond(
                404,
                "text/plain",
                b"This is the sandbox's JSON-RPC endpoint (POST). No dApp is served: run \
`bash scripts/demo.sh`, or build it (`npm --prefix app run build`) and restart."
                    .to_vec(),
            );
        };
        match file_under(dir, path) {
            Some(file) => match std::fs::read(&file) {
                Ok(bytes) => respond(200, content_type(&file), bytes),
                Err(_) => respond(404, "text/plain", b"not found".to_vec()),
            },
            None => respond(404, "text/plain", b"not found".to_vec()),
        }
    }
}

/// The file a URL path names inside `dir` (`/` is `index.html`); `None` for anything
/// that would leave `dir` (`..`, absolute components) or does not exist.
pub fn file_under(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.split(['?', '#']).next().unwrap_or("");
    let rel = rel.trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    let rel = Path::new(rel);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    // Resolved, so a symlink inside the app cannot lead out of it.
    let root = dir.canonicalize().ok()?;
    let file = dir.join(rel).canonicalize().ok()?;
    (file.starts_with(&root) && file.is_file()).then_some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn respond(status: u16, content_type: &'static str, body: Vec<u8>) -> HttpResponse {
    let mut resp = http::Response::new(HttpBody::from(body));
    *resp.status_mut() = http::StatusCode::from_u16(status).expect("a valid status");
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    resp
}

/// HTTP middleware: answers plain `GET`s from the [`Site`].
#[derive(Clone)]
pub struct SiteLayer(pub Arc<Site>);

impl<S> tower::Layer<S> for SiteLayer {
    type Service = Served<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Served {
            inner,
            site: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Served<S> {
    inner: S,
    site: Arc<Site>,
}

impl<S, B> tower::Service<http::Request<B>> for Served<S>
where
    S: tower::Service<http::Request<B>, Response = HttpResponse>,
{
    type Response = HttpResponse;
    type Error = S::Error;
    type Future = futures::future::Either<
        futures::future::Ready<Result<Self::Response, S::Error>>,
        S::Future,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let upgrade = req.headers().contains_key(http::header::UPGRADE);
        if req.method() == http::Method::GET && !upgrade {
            let resp = self.site.answer(req.uri().path());
            return futures::future::Either::Left(futures::future::ready(Ok(resp)));
        }
        futures::future::Either::Right(self.inner.call(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_app() {
        let outer = std::env::temp_dir().join(format!("hedge-site-{}", std::process::id()));
        let dir = outer.join("app");
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        // Beside the app: reachable only by leaving it.
        std::fs::write(outer.join("secret.txt"), "key").unwrap();
        std::os::unix::fs::symlink(outer.join("secret.txt"), dir.join("link.txt")).unwrap();
        let dir = dir.canonicalize().unwrap();
        std::fs::write(dir.join("index.html"), "<html>").unwrap();
        std::fs::write(dir.join("assets/app.js"), "x").unwrap();
        assert_eq!(file_under(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(file_under(&dir, "/?vault=x"), Some(dir.join("index.html")));
        assert_eq!(
            file_under(&dir, "/assets/app.js"),
            Some(dir.join("assets/app.js"))
        );
        assert!(dir.join("../secret.txt").is_file());
        assert_eq!(file_under(&dir, "/../secret.txt"), None);
        assert_eq!(file_under(&dir, "/assets/../../secret.txt"), None);
        assert_eq!(
            file_under(&dir, "/link.txt"),
            None,
            "a symlink out of the app"
        );
        assert_eq!(file_under(&dir, "/missing.js"), None);
        std::fs::remove_dir_all(outer).unwrap();
    }
}
