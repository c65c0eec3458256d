//! This thread's recent parses. Programs ask for the same few URLs again and again (an API
//! endpoint, a poll), and libcurl's URL parser is the largest single step of planning a small
//! request (about 16k instructions: `curl_url_set` and a `curl_url_get` per part). A parse is
//! a function of its text alone (the parent module's rules and the linked libcurl, both fixed
//! for the life of the process), so the target parsed from the same text, byte for byte, is
//! the same target, and it is shared ([`Target`] is never changed once parsed). Only
//! successful parses are kept; an error is worked out again each time, with its message.
use super::Target;
use crate::error::HttpError;
use std::cell::RefCell;

/// Parses kept per thread, the most recently used first.
const KEPT: usize = 8;

/// Texts longer than this are parsed every time, so what a thread keeps stays small.
const LONGEST: usize = 2048;

thread_local! {
    static RECENT: RefCell<Vec<(Box<str>, Target)>> = const { RefCell::new(Vec::new()) };
}

/// The target this thread parsed from exactly `text` not long ago, else `parse()`'s (kept
/// for next time when it is one).
pub(super) fn get_or_parse(text: &str, parse: impl FnOnce() -> Result<Target, HttpError>) -> Result<Target, HttpError> {
    if text.len() > LONGEST {
        return parse();
    }
    if let Ok(Some(target)) = RECENT.try_with(|r| r.try_borrow_mut().ok().and_then(|mut r| take_front(&mut r, text))) {
        return Ok(target);
    }
    let target = parse()?;
    // a thread that is ending (its thread-locals gone) just does not keep it
    let _ = RECENT.try_with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            r.truncate(KEPT - 1);
            r.insert(0, (text.into(), target.clone()));
        }
    });
    Ok(target)
}

/// Moves the entry for `text` to the front and returns its target.
fn take_front(recent: &mut [(Box<str>, Target)], text: &str) -> Option<Target> {
    let at = recent.iter().position(|(t, _)| &**t == text)?;
    recent[..=at].rotate_right(1);
    Some(recent[0].1.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_the_same_parse_and_nothing_else_is() {
        let a = Target::parse("http://127.0.0.1:1/recent?a").unwrap();
        assert!(a.same_parse(&Target::parse("http://127.0.0.1:1/recent?a").unwrap()));
        // equal after normalization, but another text: parsed on its own
        for other in ["HTTP://127.0.0.1:1/recent?a", "http://127.0.0.1:1/recent?a#f", "127.0.0.1:1/recent?a"] {
            let b = Target::parse(other).unwrap();
            assert!(!a.same_parse(&b), "{other}");
            assert_eq!(b.as_str(), a.as_str(), "{other}");
        }
    }

    #[test]
    fn each_thread_parses_for_itself() {
        let here = Target::parse("http://127.0.0.1:2/recent").unwrap();
        let there = std::thread::spawn(|| Target::parse("http://127.0.0.1:2/recent").unwrap()).join().unwrap();
        assert!(!here.same_parse(&there));
    }

    #[test]
    fn only_the_most_recent_are_kept_and_long_texts_never() {
        let first = Target::parse("http://127.0.0.1:3/0").unwrap();
        assert!(first.same_parse(&Target::parse("http://127.0.0.1:3/0").unwrap()));
        for i in 1..=KEPT {
            Target::parse(&format!("http://127.0.0.1:3/{i}")).unwrap();
        }
        assert!(!first.same_parse(&Target::parse("http://127.0.0.1:3/0").unwrap()));
        let long = format!("http://127.0.0.1:3/{}", "x".repeat(LONGEST));
        assert!(!Target::parse(&long).unwrap().same_parse(&Target::parse(&long).unwrap()));
    }

    #[test]
    fn a_used_entry_moves_to_the_front() {
        let kept = Target::parse("http://127.0.0.1:4/kept").unwrap();
        for i in 0..KEPT * 2 {
            Target::parse(&format!("http://127.0.0.1:4/{i}")).unwrap();
            assert!(kept.same_parse(&Target::parse("http://127.0.0.1:4/kept").unwrap()), "after {i}");
        }
    }
}
