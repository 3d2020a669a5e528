//! A model with one property of each of Graph's newer primitives, written as
//! the models emitter writes it, read and written through the runtime's
//! `Object` plumbing: what the README promises, end to end, including the
//! JSON paths of bad values. (The generated fixtures cover the same through
//! the generator; this pins the runtime's side on its own.)

use graph_codegen_runtime::__private;
use graph_codegen_runtime::{
    AdditionalData, Binary, Decimal, Duration, MediaAnnotation, MediaLink, Nulls, Object, TimeOfDay, from_str,
};
use serde::de::MapAccess;
use serde::ser::SerializeMap;
use serde_json::{Value, json};

/// Every new primitive, as the emitter declares it.
#[derive(Clone, Default, PartialEq)] // `Debug` from `model_serde!`, as in a generated model
pub struct Sample {
    pub odata_type: Option<String>,
    /// `Edm.Binary`
    pub content_bytes: Option<Binary>,
    /// `Edm.Duration`
    pub duration: Option<Duration>,
    /// `Edm.TimeOfDay`
    pub start_time: Option<TimeOfDay>,
    /// `Edm.Decimal`
    pub charge: Option<Decimal>,
    /// `Edm.Single`
    pub ratio: Option<f32>,
    /// `Collection(Edm.Single)`
    pub ratios: Option<Vec<f32>>,
    /// `Edm.Double`, never null
    pub score: Option<f64>,
    /// `Edm.Int16`
    pub disc: Option<i16>,
    /// `Edm.Byte`
    pub r: Option<u8>,
    /// `Edm.SByte`
    pub delta: Option<i8>,
    /// `Collection(Edm.Duration)`
    pub durations: Option<Vec<Duration>>,
    /// `Edm.Stream`: no value on the wire; its media annotations.
    pub content: Option<MediaLink>,
    pub additional_data: AdditionalData,
    pub nulls: Nulls,
}

impl Sample {
    pub const SERVER_SET: &'static [&'static str] = &["content"];

    /// As generated: a stream property is set by the server.
    pub fn clear_server_set(&mut self) {
        self.content = None;
        self.nulls.remove_all(Self::SERVER_SET);
    }
}

impl Object for Sample {
    fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        let mut r = __private::Reader::new(map, &mut self.nulls);
        match key {
            "charge" => r.read("charge", &mut self.charge),
            "content@odata.mediaReadLink" => r.media(&mut self.content, MediaAnnotation::ReadLink),
            "content@odata.mediaEditLink" => r.media(&mut self.content, MediaAnnotation::EditLink),
            "content@odata.mediaContentType" => r.media(&mut self.content, MediaAnnotation::ContentType),
            "content@odata.mediaEtag" => r.media(&mut self.content, MediaAnnotation::Etag),
            "contentBytes" => r.read("contentBytes", &mut self.content_bytes),
            "delta" => r.read("delta", &mut self.delta),
            "disc" => r.read("disc", &mut self.disc),
            "duration" => r.read("duration", &mut self.duration),
            "durations" => r.read("durations", &mut self.durations),
            "r" => r.read("r", &mut self.r),
            "ratio" => r.read_with("ratio", &mut self.ratio, __private::read_float),
            "ratios" => r.read_with("ratios", &mut self.ratios, __private::read_float),
            "score" => r.value_with(&mut self.score, __private::read_float),
            "startTime" => r.read("startTime", &mut self.start_time),
            "@odata.type" => r.value(&mut self.odata_type),
            _ => Ok(false),
        }
    }

    fn write_members<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
        let mut w = __private::Writer::new(map, &self.nulls);
        w.entry("@odata.type", &self.odata_type);
        w.entry("charge", &self.charge);
        w.media(
            &[
                "content@odata.mediaReadLink",
                "content@odata.mediaEditLink",
                "content@odata.mediaContentType",
                "content@odata.mediaEtag",
            ],
            &self.content,
        );
        w.entry("contentBytes", &self.content_bytes);
        w.entry("delta", &self.delta);
        w.entry("disc", &self.disc);
        w.entry("duration", &self.duration);
        w.entry("durations", &self.durations);
        w.entry("r", &self.r);
        w.entry_float("ratio", &self.ratio);
        w.entry_float("ratios", &self.ratios);
        w.entry_float("score", &self.score);
        w.entry("startTime", &self.start_time);
        w.finish()
    }

    __private::object_extras!(root);
}

__private::model_serde!(Sample);

/// Every member in the order `write_members` writes them, so text -> model
/// -> text can be compared byte for byte.
const GRAPH_BODY: &str = concat!(
    r##"{"@odata.type":"#microsoft.graph.sample","##,
    r#""charge":12345678901234567890.123456789000,"#,
    r#""content@odata.mediaReadLink":"https://graph.microsoft.com/v1.0/drives/b!x/items/01/content","#,
    r#""content@odata.mediaContentType":"image/png","#,
    r#""contentBytes":"iVBORw0KGgo=","#,
    r#""delta":-128,"#,
    r#""disc":32767,"#,
    r#""duration":"PT90M","#,
    r#""durations":["P1D","-PT0.5S","PT0S"],"#,
    r#""r":255,"#,
    r#""ratio":0.1,"#,
    r#""ratios":[1,"NaN","-INF",3.4028235e+38],"#,
    r#""score":"INF","#,
    r#""startTime":"08:00:00.0000000","#,
    r#""unknown":{"kept":[1,2.5]}}"#,
);

#[test]
fn text_to_model_to_text_is_exact() {
    let sample: Sample = from_str(GRAPH_BODY).unwrap();
    assert_eq!(sample.charge.as_ref().map(Decimal::as_str), Some("12345678901234567890.123456789000"));
    assert_eq!(sample.content_bytes.as_deref(), Some(&b"\x89PNG\r\n\x1a\n"[..]));
    assert_eq!(sample.duration, Some("PT1H30M".parse().unwrap()));
    assert_eq!(sample.start_time, TimeOfDay::from_hms(8, 0, 0));
    assert_eq!(sample.ratio, Some(0.1));
    assert!(sample.ratios.as_ref().is_some_and(|r| r[1].is_nan() && r[2] == f32::NEG_INFINITY && r[3] == f32::MAX));
    assert_eq!(sample.score, Some(f64::INFINITY));
    assert_eq!((sample.disc, sample.r, sample.delta), (Some(i16::MAX), Some(u8::MAX), Some(i8::MIN)));
    let content = sample.content.as_ref().unwrap();
    assert_eq!(content.content_type.as_deref(), Some("image/png"));
    assert_eq!(content.read_url(), Some("https://graph.microsoft.com/v1.0/drives/b!x/items/01/content"));
    assert_eq!(content.edit_link, None);
    assert_eq!(serde_json::to_string(&sample).unwrap(), GRAPH_BODY);
}

#[test]
fn a_model_made_in_code_is_written_in_graphs_form() {
    let sample = Sample {
        charge: Some(Decimal::from(42)),
        content_bytes: Some(Binary::new(*b"Hello")),
        duration: Some(Duration::from(std::time::Duration::from_secs(5_400))),
        start_time: TimeOfDay::from_hms(17, 30, 0),
        ratio: Some(100.0),
        score: Some(f64::NAN),
        content: Some(MediaLink { etag: Some("\"abc\"".into()), ..MediaLink::default() }),
        ..Sample::default()
    };
    let expected = json!({
        "charge": 42,
        "content@odata.mediaEtag": "\"abc\"",
        "contentBytes": "SGVsbG8=",
        "duration": "PT1H30M",
        "ratio": 100,
        "score": "NaN",
        "startTime": "17:30:00.0000000",
    });
    assert_eq!(serde_json::to_value(&sample).unwrap(), expected);
    let mut back: Sample = from_str(&serde_json::to_string(&sample).unwrap()).unwrap();
    assert!(back.score.is_some_and(f64::is_nan));
    back.score = None;
    assert_eq!(back, Sample { score: None, ..sample });
}

#[test]
fn explicit_nulls_are_kept_and_written_back() {
    let text = r#"{"charge":null,"contentBytes":null,"ratio":null,"ratios":null,"score":null,"startTime":null}"#;
    let sample: Sample = from_str(text).unwrap();
    assert_eq!(sample.nulls.iter().collect::<Vec<_>>(), ["charge", "contentBytes", "ratio", "ratios", "startTime"]);
    // `score` is never null: its `null` reads as absent.
    assert_eq!(
        serde_json::to_string(&sample).unwrap(),
        r#"{"charge":null,"contentBytes":null,"ratio":null,"ratios":null,"startTime":null}"#
    );
}

#[test]
fn stream_links_follow_the_property() {
    // An empty or null annotation set reads like none; nothing is written inline.
    let sample: Sample = from_str(r#"{"content@odata.mediaEtag": null, "content@odata.mediaReadLink": null}"#).unwrap();
    assert_eq!(sample.content, None);
    assert!(sample.nulls.is_empty(), "an annotation's null clears it and is not a property's null");
    let sample: Sample = from_str(r#"{"content@odata.mediaEtag": "e", "content@odata.mediaEtag": null}"#).unwrap();
    assert_eq!(sample.content, None);
    // A member named like the stream itself (OData 4.01 inline media) is kept, not lost.
    let sample: Sample =
        from_str(r#"{"content": "aGk=", "content@odata.mediaEditLink": "edit", "logo@odata.mediaEtag": "x"}"#).unwrap();
    assert_eq!(sample.content.as_ref().and_then(|c| c.edit_link.as_deref()), Some("edit"));
    assert_eq!(sample.additional_data.get("content"), Some(&json!("aGk=")));
    assert_eq!(sample.additional_data.get("logo@odata.mediaEtag"), Some(&json!("x")));
    let mut create = sample.clone();
    create.clear_server_set();
    assert_eq!(serde_json::to_value(&create).unwrap(), json!({"content": "aGk=", "logo@odata.mediaEtag": "x"}));
}

#[test]
fn bad_values_name_their_json_path() {
    let cases = [
        (r#"{"duration": "P1M"}"#, "duration", "years and months have no fixed length"),
        (r#"{"durations": ["PT1S", "1 hour"]}"#, "durations[1]", "is not an Edm.Duration"),
        (r#"{"startTime": "24:00"}"#, "startTime", "the hour is past 23"),
        (r#"{"contentBytes": "SGVsbG8=="}"#, "contentBytes", "is not base64"),
        (r#"{"contentBytes": 5}"#, "contentBytes", "expected base64 text"),
        (r#"{"charge": "1.2.3", "r": 1}"#, "charge", "is not an Edm.Decimal"),
        (r#"{"charge": true, "r": 1}"#, "charge", "expected an Edm.Decimal number such as 1.50"),
        (r#"{"ratio": 1e39}"#, "ratio", "out of range for Edm.Single"),
        (r#"{"ratio": "Infinity"}"#, "ratio", r#"expected an Edm.Single number, or "NaN", "INF" or "-INF""#),
        (r#"{"ratios": [1, "x"]}"#, "ratios[1]", "expected an Edm.Single number"),
        (r#"{"score": "nan"}"#, "score", "expected an Edm.Double number"),
        (r#"{"score": [1, {"a": 2}], "r": 1}"#, "score", "invalid type: sequence"),
        (r#"{"r": 1, "score": {"a": [1]}}"#, "score", "invalid type: map"),
        (r#"{"ratios": [1, [2]]}"#, "ratios[1]", "invalid type: sequence"),
        (r#"{"disc": 32768}"#, "disc", "expected i16"),
        (r#"{"r": -1}"#, "r", "expected u8"),
        (r#"{"r": 300}"#, "r", "expected u8"),
        (r#"{"delta": 1.0}"#, "delta", "expected i8"),
        (r#"{"content@odata.mediaReadLink": 5}"#, "content@odata.mediaReadLink", "expected a string"),
    ];
    for (text, path, message) in cases {
        let error = from_str::<Sample>(text).unwrap_err();
        assert_eq!(error.path, path, "{text}: {error}");
        assert!(error.message.contains(message), "{text}: {error}");
    }
}

#[test]
fn a_bad_decimal_is_placed_at_its_member_wherever_it_is() {
    // A decimal is read whole, as JSON text, and checked after: serde_json
    // then places the error where the enclosing object or array ends.
    let cases = [
        (r#"{"r": 1, "charge": "1.2.3"}"#, "charge"),
        (r#"{"r": 1, "charge": "1.2.3" }"#, "charge"),
        (r#"{"charge": {"a": [1]}}"#, "charge"),
        (r#"{"r": 1, "charge": 1e1234567890123456789}"#, "charge"),
        (r#"{"unknown": {"x": 1}, "charge": false}"#, "charge"),
    ];
    for (text, path) in cases {
        let error = from_str::<Sample>(text).unwrap_err();
        assert_eq!(error.path, path, "{text}: {error}");
        assert!(error.message.contains("Edm.Decimal"), "{text}: {error}");
    }
    let list = from_str::<Vec<Sample>>(r#"[{"r": 1}, {"charge": "x"}]"#).unwrap_err();
    assert_eq!(list.path, "[1].charge", "{list}");
    let decimals = from_str::<Vec<Decimal>>(r#"[1, 2.5, "x"]"#).unwrap_err();
    assert_eq!(decimals.path, "[2]", "{decimals}");
}

#[test]
fn decimal_survives_a_buffered_object_only_as_text() {
    // Buffered as text (a `RawValue`), every digit survives; buffered as a
    // `serde_json::Value`, the decimal keeps the digits an f64 has.
    let text = r##"{"charge": 0.10000000000000000001, "@odata.type": "#microsoft.graph.sample"}"##;
    let raw: Box<serde_json::value::RawValue> = serde_json::from_str(text).unwrap();
    let from_raw: Sample = from_str(raw.get()).unwrap();
    assert_eq!(from_raw.charge.unwrap().as_str(), "0.10000000000000000001");
    let value: Value = serde_json::from_str(text).unwrap();
    let kept = value["charge"].to_string();
    let from_value: Sample = serde_json::from_value(value).unwrap();
    assert_eq!(from_value.charge.unwrap().as_str(), kept);
}
