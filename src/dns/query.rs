//! DNS queries on the wire: A and AAAA for one name against one server over UDP, with a retry
//! over TCP when an answer comes back truncated. Messages are built and parsed by
//! `hickory-proto`; sockets are plain blocking `std::net` sockets with deadlines.
use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Largest UDP answer read (a plain DNS answer is at most 512 bytes; be generous).
const UDP_BUFFER: usize = 4096;

/// What one server said about a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ServerAnswer {
    /// Addresses (IPv4 first, then IPv6, each in the server's order).
    Addresses(Vec<IpAddr>),
    /// The server answered authoritatively that the name has no address (NXDOMAIN, or no A
    /// and no AAAA records): asking the next server would not help.
    NoAddress(String),
    /// No usable answer (timeout, unreachable, SERVFAIL, REFUSED, garbage): try the next one.
    Failed(String),
}

/// The outcome of one question (A or AAAA).
#[derive(Debug)]
enum Outcome {
    /// NOERROR: these addresses (maybe none: NODATA).
    Records(Vec<IpAddr>),
    /// NXDOMAIN.
    NxDomain,
    /// Any other response code, a malformed answer, or a transport error.
    Error(String),
}

/// Asks `server` for the A and AAAA records of `name`, both questions at once over one UDP
/// socket, within `timeout` in total; a truncated answer is asked again over TCP.
pub(crate) fn ask(server: SocketAddr, name: &Name, timeout: Duration) -> ServerAnswer {
    let deadline = Instant::now() + timeout;
    let types = [RecordType::A, RecordType::AAAA];
    let ids = query_ids();
    let mut outcomes: [Option<Outcome>; 2] = [None, None];
    let mut truncated = [false; 2];

    match udp_exchange(server, name, &types, &ids, deadline) {
        Ok(answers) => {
            for (i, answer) in answers.into_iter().enumerate() {
                match answer {
                    Some(msg) if msg.truncated() => truncated[i] = true,
                    Some(msg) => outcomes[i] = Some(outcome_of(&msg)),
                    None => {}
                }
            }
        }
        Err(e) => return ServerAnswer::Failed(describe_io(&e)),
    }
    for i in 0..2 {
        if truncated[i] {
            outcomes[i] = Some(match tcp_exchange(server, name, types[i], ids[i], deadline) {
                Ok(msg) => outcome_of(&msg),
                Err(e) => Outcome::Error(format!("TCP retry after a truncated answer: {}", describe_io(&e))),
            });
        }
    }
    combine(outcomes)
}

/// Merges the A and AAAA outcomes into the server's answer.
fn combine(outcomes: [Option<Outcome>; 2]) -> ServerAnswer {
    let mut addrs = Vec::new();
    for outcome in outcomes.iter().flatten() {
        if let Outcome::Records(r) = outcome {
            addrs.extend_from_slice(r);
        }
    }
    if !addrs.is_empty() {
        return ServerAnswer::Addresses(addrs);
    }
    match outcomes {
        [Some(Outcome::NxDomain), _] | [_, Some(Outcome::NxDomain)] => {
            ServerAnswer::NoAddress("no such name (NXDOMAIN)".into())
        }
        [Some(Outcome::Records(_)), Some(Outcome::Records(_))] => {
            ServerAnswer::NoAddress("the name has no A or AAAA record".into())
        }
        [a, b] => {
            let why = [a, b]
                .into_iter()
                .find_map(|o| match o {
                    Some(Outcome::Error(e)) => Some(e),
                    _ => None,
                })
                .unwrap_or_else(|| "timed out".into());
            ServerAnswer::Failed(why)
        }
    }
}

/// The outcome of one answer message.
fn outcome_of(msg: &Message) -> Outcome {
    match msg.response_code() {
        ResponseCode::NoError => Outcome::Records(
            msg.answers()
                .iter()
                .filter_map(|r| match r.data() {
                    RData::A(a) => Some(IpAddr::V4(a.0)),
                    RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                    _ => None,
                })
                .collect(),
        ),
        ResponseCode::NXDomain => Outcome::NxDomain,
        other => Outcome::Error(format!("server answered {other}")),
    }
}

/// Sends both questions over one connected UDP socket and waits (until `deadline`) for both
/// answers. An answer that does not match a question (id, type, name) is ignored. Returns
/// the answers received, by question index.
fn udp_exchange(
    server: SocketAddr,
    name: &Name,
    types: &[RecordType; 2],
    ids: &[u16; 2],
    deadline: Instant,
) -> io::Result<[Option<Message>; 2]> {
    let local: SocketAddr =
        if server.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { (IpAddr::from([0u16; 8]), 0).into() };
    let socket = UdpSocket::bind(local)?;
    socket.connect(server)?;
    for i in 0..2 {
        socket.send(&encode(ids[i], name, types[i])?)?;
    }
    let mut answers: [Option<Message>; 2] = [None, None];
    let mut buf = vec![0u8; UDP_BUFFER];
    while answers.iter().any(Option::is_none) {
        let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else {
            break;
        };
        socket.set_read_timeout(Some(left))?;
        let n = match socket.recv(&mut buf) {
            Ok(n) => n,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // ECONNREFUSED (ICMP port unreachable) and the like: nobody serves DNS there.
            Err(e) if answers.iter().all(Option::is_none) => return Err(e),
            Err(_) => break,
        };
        let Ok(msg) = Message::from_vec(&buf[..n]) else { continue };
        for i in 0..2 {
            if answers[i].is_none() && answers_question(&msg, ids[i], name, types[i]) {
                answers[i] = Some(msg);
                break;
            }
        }
    }
    if answers.iter().all(Option::is_none) {
        return Err(io::Error::new(io::ErrorKind::TimedOut, "no answer"));
    }
    Ok(answers)
}

/// Asks one question over TCP (2-byte length prefix), within `deadline`.
fn tcp_exchange(server: SocketAddr, name: &Name, rtype: RecordType, id: u16, deadline: Instant) -> io::Result<Message> {
    let left = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| io::Error::new(io::ErrorKind::TimedOut, "timed out"))
    };
    let mut stream = TcpStream::connect_timeout(&server, left()?)?;
    let query = encode(id, name, rtype)?;
    let len = u16::try_from(query.len()).map_err(|_| io::Error::other("query too long"))?;
    let mut framed = len.to_be_bytes().to_vec();
    framed.extend_from_slice(&query);
    stream.set_write_timeout(Some(left()?))?;
    stream.write_all(&framed)?;
    loop {
        let mut len = [0u8; 2];
        read_by(&mut stream, &mut len, deadline)?;
        let mut body = vec![0u8; u16::from_be_bytes(len) as usize];
        read_by(&mut stream, &mut body, deadline)?;
        let msg = Message::from_vec(&body).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        if answers_question(&msg, id, name, rtype) {
            return Ok(msg);
        }
    }
}

/// Fills `buf` from `stream` by `deadline`: each read waits only for what is left of the time,
/// so a server that drips a byte now and then cannot stretch the lookup.
fn read_by(stream: &mut TcpStream, buf: &mut [u8], deadline: Instant) -> io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| io::Error::new(io::ErrorKind::TimedOut, "timed out"))?;
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buf[filled..]) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed the connection")),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Whether `msg` is the response to our question `id` for `name`/`rtype` (names compare
/// case-insensitively; `name` is fully qualified, as names on the wire are).
fn answers_question(msg: &Message, id: u16, name: &Name, rtype: RecordType) -> bool {
    msg.id() == id
        && msg.message_type() == MessageType::Response
        && msg.queries().len() == 1
        && msg.queries()[0].query_type() == rtype
        && msg.queries()[0].name().eq_ignore_root(name)
}

/// A recursive query for `name`/`rtype` with id `id`, in wire format.
fn encode(id: u16, name: &Name, rtype: RecordType) -> io::Result<Vec<u8>> {
    let mut msg = Message::new();
    msg.set_id(id).set_message_type(MessageType::Query).set_op_code(OpCode::Query).set_recursion_desired(true);
    msg.add_query(Query::query(name.clone(), rtype));
    msg.to_vec().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))
}

/// Two different, unpredictable query ids.
fn query_ids() -> [u16; 2] {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let v = h.finish();
    let a = v as u16;
    let b = (v >> 16) as u16;
    [a, if b == a { a.wrapping_add(1) } else { b }]
}

/// A short text for a transport error.
fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "timed out".into(),
        io::ErrorKind::ConnectionRefused => "connection refused (no DNS server there)".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::rr::rdata::{A, AAAA};
    use hickory_proto::rr::Record;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn name(s: &str) -> Name {
        Name::from_ascii(s).unwrap()
    }

    fn reply(rcode: ResponseCode, records: &[IpAddr]) -> Message {
        let mut m = Message::new();
        m.set_message_type(MessageType::Response).set_response_code(rcode);
        for ip in records {
            let data = match ip {
                IpAddr::V4(v4) => RData::A(A(*v4)),
                IpAddr::V6(v6) => RData::AAAA(AAAA(*v6)),
            };
            m.add_answer(Record::from_rdata(name("h.example."), 60, data));
        }
        m
    }

    #[test]
    fn outcomes_combine() {
        let v4: IpAddr = Ipv4Addr::LOCALHOST.into();
        let v6: IpAddr = Ipv6Addr::LOCALHOST.into();
        let a = outcome_of(&reply(ResponseCode::NoError, &[v4]));
        let aaaa = outcome_of(&reply(ResponseCode::NoError, &[v6]));
        assert_eq!(combine([Some(a), Some(aaaa)]), ServerAnswer::Addresses(vec![v4, v6]));
        // one family answered, the other timed out: use what came
        let a = outcome_of(&reply(ResponseCode::NoError, &[v4]));
        assert_eq!(combine([Some(a), None]), ServerAnswer::Addresses(vec![v4]));
        let nx = || outcome_of(&reply(ResponseCode::NXDomain, &[]));
        assert!(matches!(combine([Some(nx()), Some(nx())]), ServerAnswer::NoAddress(_)));
        let empty = || outcome_of(&reply(ResponseCode::NoError, &[]));
        assert!(matches!(combine([Some(empty()), Some(empty())]), ServerAnswer::NoAddress(_)));
        let refused = || outcome_of(&reply(ResponseCode::Refused, &[]));
        assert!(matches!(combine([Some(refused()), Some(refused())]), ServerAnswer::Failed(_)));
        assert!(matches!(combine([Some(empty()), None]), ServerAnswer::Failed(_)));
    }

    #[test]
    fn query_round_trip() {
        let q = encode(7, &name("test.example."), RecordType::AAAA).unwrap();
        let m = Message::from_vec(&q).unwrap();
        assert_eq!(m.id(), 7);
        assert!(m.recursion_desired());
        assert_eq!(m.queries()[0].query_type(), RecordType::AAAA);
        let ids = query_ids();
        assert_ne!(ids[0], ids[1]);
    }
}
