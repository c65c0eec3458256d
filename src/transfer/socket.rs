//! What the kernel says moved on a transfer's connection: bytes received and sent
//! (`TCP_INFO`). `readTimeout` counts every byte as activity, header bytes included, but
//! libcurl reports only body bytes as progress and header bytes only line by line: a server
//! that drips a header byte by byte is active, and this is how the reactor sees it.
//!
//! libcurl 7.88 names a transfer's socket only after the transfer (`CURLINFO_ACTIVESOCKET`
//! is set when the connection goes back to the pool), but it does name the connection while
//! it runs: local port, peer address and port (`CURLINFO_LOCAL_PORT`, `CURLINFO_PRIMARY_IP`,
//! `CURLINFO_PRIMARY_PORT`, also for a reused connection). The socket is the one of this
//! process with that local port and peer; found once (a look through `/proc/self/fd`, only for
//! a transfer that was quiet for half its timeout) and then checked again on each use, since a
//! closed descriptor's number can come back as another socket.
use std::ffi::CStr;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::RawFd;

/// One transfer's connection socket, as last found.
#[derive(Debug, Default)]
pub(crate) struct ConnSocket {
    fd: Option<RawFd>,
}

/// The connection's identity: our local port and the peer's address.
#[derive(Debug, PartialEq, Eq)]
struct ConnKey {
    local_port: u16,
    peer: SocketAddr,
}

impl ConnSocket {
    /// Bytes received plus bytes sent (acknowledged) on the transfer's TCP connection now;
    /// `None` while it has none (resolving, connecting) or the socket cannot be found.
    pub(crate) fn bytes_moved(&mut self, easy: *mut curl_sys::CURL) -> Option<u64> {
        let key = key_of(easy)?;
        let fd = match self.fd {
            Some(fd) if key_of_socket(fd).as_ref() == Some(&key) => fd,
            _ => {
                self.fd = find_socket(&key);
                self.fd?
            }
        };
        tcp_bytes(fd)
    }
}

/// The connection the transfer uses now, as libcurl reports it.
fn key_of(easy: *mut curl_sys::CURL) -> Option<ConnKey> {
    let mut local: libc::c_long = 0;
    let mut port: libc::c_long = 0;
    let mut ip: *const libc::c_char = std::ptr::null();
    // SAFETY: long and string infos of a valid easy handle, written into matching types; the
    // string lives in the handle and is copied out before the handle is touched again.
    let ip = unsafe {
        if curl_sys::curl_easy_getinfo(easy, curl_sys::CURLINFO_LOCAL_PORT, &mut local) != curl_sys::CURLE_OK
            || curl_sys::curl_easy_getinfo(easy, curl_sys::CURLINFO_PRIMARY_PORT, &mut port) != curl_sys::CURLE_OK
            || curl_sys::curl_easy_getinfo(easy, curl_sys::CURLINFO_PRIMARY_IP, &mut ip) != curl_sys::CURLE_OK
            || ip.is_null()
        {
            return None;
        }
        CStr::from_ptr(ip).to_str().ok()?.parse::<IpAddr>().ok()?
    };
    let local_port = u16::try_from(local).ok().filter(|p| *p != 0)?;
    let peer = SocketAddr::new(ip, u16::try_from(port).ok().filter(|p| *p != 0)?);
    Some(ConnKey { local_port, peer })
}

/// The socket of this process with that identity.
fn find_socket(key: &ConnKey) -> Option<RawFd> {
    std::fs::read_dir("/proc/self/fd")
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<RawFd>().ok())
        .find(|&fd| key_of_socket(fd).as_ref() == Some(key))
}

/// A connected socket's identity; `None` for anything else.
fn key_of_socket(fd: RawFd) -> Option<ConnKey> {
    let local = address(fd, libc::getsockname)?;
    let peer = address(fd, libc::getpeername)?;
    Some(ConnKey { local_port: local.port(), peer })
}

type NameFn = unsafe extern "C" fn(libc::c_int, *mut libc::sockaddr, *mut libc::socklen_t) -> libc::c_int;

/// The local or peer address of an IPv4 or IPv6 socket.
fn address(fd: RawFd, name: NameFn) -> Option<SocketAddr> {
    // SAFETY: sockaddr_storage is plain old data, large enough for any address; the call
    // writes at most `len` bytes and sets `len`; the family says which view is valid.
    unsafe {
        let mut storage: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if name(fd, (&mut storage as *mut libc::sockaddr_storage).cast(), &mut len) != 0 {
            return None;
        }
        match storage.ss_family as libc::c_int {
            libc::AF_INET => {
                let a = &*(&storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>();
                let ip = std::net::Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr));
                Some(SocketAddr::new(ip.into(), u16::from_be(a.sin_port)))
            }
            libc::AF_INET6 => {
                let a = &*(&storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>();
                let ip = std::net::Ipv6Addr::from(a.sin6_addr.s6_addr);
                Some(SocketAddr::new(ip.into(), u16::from_be(a.sin6_port)))
            }
            _ => None,
        }
    }
}

/// Bytes received plus bytes acknowledged by the peer, from the kernel's `TCP_INFO`.
fn tcp_bytes(fd: RawFd) -> Option<u64> {
    // SAFETY: tcp_info is plain old data; getsockopt writes at most `len` bytes into it.
    unsafe {
        let mut info: libc::tcp_info = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        let rc = libc::getsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        );
        (rc == 0).then(|| info.tcpi_bytes_received.wrapping_add(info.tcpi_bytes_acked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn finds_a_connection_by_its_identity_and_counts_its_bytes() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        let key = ConnKey { local_port: client.local_addr().unwrap().port(), peer: listener.local_addr().unwrap() };
        use std::os::fd::AsRawFd;
        assert_eq!(find_socket(&key), Some(client.as_raw_fd()));
        let before = tcp_bytes(client.as_raw_fd()).unwrap();
        server.write_all(b"12345").unwrap();
        let mut buf = [0u8; 5];
        client.read_exact(&mut buf).unwrap();
        assert_eq!(tcp_bytes(client.as_raw_fd()).unwrap(), before + 5);
        let other = ConnKey { local_port: key.local_port, peer: SocketAddr::new(key.peer.ip(), 1) };
        assert_eq!(find_socket(&other), None);
    }
}
