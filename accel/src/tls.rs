//! TLS 1.2/1.3 with rustls (ring provider, no C toolchain needed) and ALPN
//! advertising h2 and/or http/1.1.

use std::fs::File;
use std::io::{self, BufReader};
use std::sync::Arc;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

use crate::workers::HttpMode;

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Build an acceptor from PEM files; errors name the file and what is wrong with it.
pub(crate) fn acceptor(certfile: &str, keyfile: &str, mode: HttpMode) -> io::Result<TlsAcceptor> {
    let mut cert_reader = BufReader::new(
        File::open(certfile).map_err(|e| invalid(format!("cannot open certificate file {certfile}: {e}")))?,
    );
    let certs = rustls_pemfile::certs(&mut cert_reader)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("certificate file {certfile} is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(invalid(format!(
            "certificate file {certfile} holds no CERTIFICATE block"
        )));
    }
    let mut key_reader =
        BufReader::new(File::open(keyfile).map_err(|e| invalid(format!("cannot open key file {keyfile}: {e}")))?);
    let key = rustls_pemfile::private_key(&mut key_reader)
        .map_err(|e| invalid(format!("key file {keyfile} is not valid PEM: {e}")))?
        .ok_or_else(|| invalid(format!("key file {keyfile} holds no PRIVATE KEY block")))?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid(format!("TLS setup failed: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| invalid(format!("certificate and key do not form a usable pair: {e}")))?;
    config.alpn_protocols = alpn_protocols(mode);
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// ALPN ids in preference order for an HTTP mode.
pub(crate) fn alpn_protocols(mode: HttpMode) -> Vec<Vec<u8>> {
    match mode {
        HttpMode::Http1 => vec![b"http/1.1".to_vec()],
        HttpMode::Http2 => vec![b"h2".to_vec()],
        HttpMode::Auto => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_prefers_h2_in_auto_mode() {
        assert_eq!(
            alpn_protocols(HttpMode::Auto),
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        assert_eq!(alpn_protocols(HttpMode::Http1), vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn missing_files_are_reported_by_name() {
        let err = acceptor("/nonexistent/cert.pem", "/nonexistent/key.pem", HttpMode::Auto).err();
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("/nonexistent/cert.pem"), "{message}");
    }
}
