//! `serve` on loopback: a page elsewhere on the web cannot read the preview, and a client
//! cannot hold connections open without sending a request.

use super::*;
use std::io::{Read, Write};

fn raw_request(port: u16, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

#[test]
fn requests_for_another_host_name_are_refused() {
    let project = Project::new();
    let server = common::Server::start(project.root(), &[]);
    let rebound = raw_request(
        server.port,
        "GET / HTTP/1.1\r\nHost: attacker.example:8000\r\nConnection: close\r\n\r\n",
    );
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    assert!(!rebound.contains("Hostile Path"), "{rebound}");
    for host in ["localhost:1", "127.0.0.1"] {
        let local = raw_request(
            server.port,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(local.starts_with("HTTP/1.1 200"), "{host}: {local}");
    }
}

#[test]
fn a_connection_that_never_finishes_its_headers_is_closed() {
    let project = Project::new();
    let server = common::Server::start(project.root(), &[]);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(25)))
        .unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let started = Instant::now();
    let mut buffer = [0; 256];
    let closed = match stream.read(&mut buffer) {
        Ok(_) => true,
        Err(err) => !matches!(
            err.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    assert!(closed, "still open after {:?}", started.elapsed());
}
