//! Serde throughput of the generated model against a hand-written one.
//!
//! `cargo bench -p tests --bench serde` (or `cargo xtask bench serde`) reads
//! and writes the page's example personCertification, with real dates,
//! through the generated `PersonCertification` and through the minimal
//! serde-derive struct in `common`, in the same process, interleaved, and
//! prints each as a ratio to the baseline (generated throughput / baseline
//! throughput, so higher is better and 1.0 is parity).
//!
//! `cargo test` runs it once without timing anything: a smoke test that both
//! models read the body and agree on it.

mod common;

use std::hint::black_box;
use std::time::Instant;

use msgraph_profile::models::PersonCertification;

/// Median-of-rounds timing of one operation, in nanoseconds per call.
struct Case {
    name: &'static str,
    run: Box<dyn FnMut()>,
    samples: Vec<f64>,
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let body = common::example_response();

    // Both models read the same body and mean the same thing by it.
    let generated: PersonCertification = serde_json::from_str(&body).expect("generated model reads the example");
    let baseline: common::Certification = serde_json::from_str(&body).expect("baseline reads the example");
    assert_eq!(generated.display_name, baseline.display_name);
    assert_eq!(generated.end_date.map(|d| d.to_string()), baseline.end_date.map(|d| d.to_string()));
    assert_eq!(
        generated.created_by.as_ref().and_then(|s| s.user.as_ref()).and_then(|u| u.id.clone()),
        baseline.created_by.as_ref().and_then(|s| s.user.as_ref()).and_then(|u| u.id.clone())
    );
    let written: serde_json::Value = serde_json::to_value(&generated).expect("generated model writes");
    assert_eq!(written["certificationId"], "KB-1235466333663322");
    // The fast paths of writing agree with the plain ones.
    for text in [
        "2020-07-06T06:34:12.2294868Z",
        "2016-12-31T23:59:60.5+01:00",
        "0001-01-01T00:00:00Z",
        "2024-02-29T12:00:00.123456789-08:30",
        "2024-02-29T12:00:00+00:00",
    ] {
        let parsed: msgraph_profile::DateTimeOffset = text.parse().expect("a timestamp");
        assert_eq!(parsed.to_string(), text);
        assert_eq!(serde_json::to_string(&parsed).expect("JSON"), format!("\"{text}\""));
    }
    if !bench {
        println!("serde bench: smoke run passed; `cargo xtask bench serde` measures");
        return;
    }

    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(31);
    let b1 = body.clone();
    let b2 = body.clone();
    let b3 = body.clone();
    let mut buf1 = Vec::with_capacity(4096);
    let mut buf2 = Vec::with_capacity(4096);
    let mut cases = vec![
        Case {
            name: "baseline: read",
            run: Box::new(move || {
                black_box(serde_json::from_str::<common::Certification>(black_box(&b1)).ok());
            }),
            samples: Vec::new(),
        },
        Case {
            name: "generated: read",
            run: Box::new(move || {
                black_box(serde_json::from_str::<PersonCertification>(black_box(&b2)).ok());
            }),
            samples: Vec::new(),
        },
        Case {
            name: "generated: read with JSON-path errors (`runtime::from_str`)",
            run: Box::new(move || {
                black_box(msgraph_profile::runtime::from_str::<PersonCertification>(black_box(&b3)).ok());
            }),
            samples: Vec::new(),
        },
        Case {
            name: "baseline: write",
            run: Box::new(move || {
                buf1.clear();
                black_box(serde_json::to_writer(&mut buf1, black_box(&baseline)).ok());
            }),
            samples: Vec::new(),
        },
        Case {
            name: "generated: write",
            run: Box::new(move || {
                buf2.clear();
                black_box(serde_json::to_writer(&mut buf2, black_box(&generated)).ok());
            }),
            samples: Vec::new(),
        },
    ];

    // Calls per sample: about 10 ms of the slowest case.
    let mut calls = 1u32;
    for case in &mut cases {
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed().as_millis() < 50 {
            (case.run)();
            n += 1;
        }
        calls = calls.max(n / 5);
    }
    for round in 0..rounds {
        // Alternate the order, so that drift in the machine's speed hits both sides.
        let order: Vec<usize> =
            if round % 2 == 0 { (0..cases.len()).collect() } else { (0..cases.len()).rev().collect() };
        for i in order {
            let case = &mut cases[i];
            let start = Instant::now();
            for _ in 0..calls {
                (case.run)();
            }
            case.samples.push(start.elapsed().as_nanos() as f64 / f64::from(calls));
        }
    }
    let medians: Vec<f64> = cases
        .iter()
        .map(|c| {
            let mut s = c.samples.clone();
            s.sort_by(f64::total_cmp);
            s[(s.len() - 1) / 2]
        })
        .collect();

    println!(
        "The page's example response ({} bytes of JSON, real dates), {rounds} rounds of {calls} calls, \
         cases interleaved; each figure is the median ns per call. Ratio = baseline time / generated time \
         (generated throughput relative to the baseline; target >= 0.90).\n",
        body.len()
    );
    println!("| case | ns per call | ratio to baseline |\n|---|--:|--:|");
    let ratio_line = |name: &str, ns: f64, base: f64| println!("| {name} | {ns:.0} | {:.2} |", base / ns);
    ratio_line(cases[0].name, medians[0], medians[0]);
    ratio_line(cases[1].name, medians[1], medians[0]);
    ratio_line(cases[2].name, medians[2], medians[0]);
    ratio_line(cases[3].name, medians[3], medians[3]);
    ratio_line(cases[4].name, medians[4], medians[3]);
    let base_trip = medians[0] + medians[3];
    let gen_trip = medians[1] + medians[4];
    ratio_line("baseline: read + write", base_trip, base_trip);
    ratio_line("generated: read + write", gen_trip, base_trip);
    let verdict = |r: f64| if r >= 0.9 { "met" } else { "**missed**" };
    println!(
        "\nTarget >= 0.90: read {:.2} ({}), write {:.2} ({}), read + write {:.2} ({}).",
        medians[0] / medians[1],
        verdict(medians[0] / medians[1]),
        medians[3] / medians[4],
        verdict(medians[3] / medians[4]),
        base_trip / gen_trip,
        verdict(base_trip / gen_trip)
    );
}
