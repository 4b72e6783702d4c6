//! Every case of `tests/vectors/queue.json` through `queue::resume_at`.

mod common;

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ctxbridge_core::bridge::codes::ResumeKind;
use ctxbridge_core::queue;

#[test]
fn queue_vectors() {
    let vectors = common::vectors("queue.json");
    let now_ms = vectors["now_ms"].as_u64().unwrap();
    let now = UNIX_EPOCH + Duration::from_millis(now_ms);
    for case in vectors["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let headers: HashMap<String, String> = case["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let age = case["age_ms"].as_i64().unwrap();
        let enqueued_at: SystemTime = if age >= 0 {
            now - Duration::from_millis(age as u64)
        } else {
            now + Duration::from_millis(age.unsigned_abs())
        };
        let max_age = Duration::from_millis(case["max_age_ms"].as_u64().unwrap());
        let decision = queue::resume_at(&headers, enqueued_at, max_age, now);
        assert_eq!(
            ResumeKind::of(&decision.parent).id(),
            case["kind"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(decision.baggage.get("tenant"), Some("acme"), "{name}");
    }
}
