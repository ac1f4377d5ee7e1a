//! The generated types on the wire: round trips, what the server may add later, the three states
//! of a nullable field, and the checks made before a request is sent.

use generated_client::types::*;
use generated_client::{Nullable, Rule, SecretString, Validate};
use serde_json::{json, Value};

/// The example response of the reference page the project started from.
fn seed_response() -> Value {
    json!({
      "id": "<string>",
      "name": "<string>",
      "is_system": true,
      "identifier": "<string>",
      "scopes": [{ "value": "<string>", "description": "<string>" }],
      "signing_alg": "HS256",
      "signing_secret": "<string>",
      "allow_offline_access": true,
      "skip_consent_for_verifiable_first_party_clients": true,
      "token_lifetime": 123,
      "token_lifetime_for_web": 123,
      "enforce_policies": true,
      "token_dialect": "access_token",
      "token_encryption": {
        "format": "compact-nested-jwe",
        "encryption_key": {
          "alg": "RSA-OAEP-256",
          "pem": "-----BEGIN PUBLIC KEY-----\r\nMIIBIjANBg...\r\n-----END PUBLIC KEY-----\r\n",
          "name": "<string>",
          "kid": "<string>"
        }
      },
      "consent_policy": "transactional-authorization-with-mfa",
      "authorization_details": ["<unknown>"],
      "proof_of_possession": { "mechanism": "mtls", "required": true, "required_for": "public_clients" },
      "subject_type_authorization": { "user": { "policy": "allow_all" }, "client": { "policy": "deny_all" } },
      "client_id": "<string>"
    })
}

#[test]
fn seed_example_response_round_trips_unchanged() {
    let seed = seed_response();
    let parsed: UpdateResourceServerResponseContent = serde_json::from_value(seed.clone()).unwrap();
    assert_eq!(parsed.signing_alg, Some(SigningAlgorithmEnum::Hs256));
    assert_eq!(
        parsed.token_dialect,
        Some(ResourceServerTokenDialectResponseEnum::AccessToken)
    );
    let Nullable::Value(encryption) = &parsed.token_encryption else {
        panic!("token_encryption is set")
    };
    assert_eq!(
        encryption.encryption_key.alg,
        ResourceServerTokenEncryptionAlgorithmEnum::RsaOaep256
    );
    assert_eq!(serde_json::to_value(&parsed).unwrap(), seed);
}

#[test]
fn unknown_enum_values_fields_and_explicit_nulls_are_accepted_and_kept() {
    let answer = json!({
        "id": "rs_1",
        "signing_alg": "ES512",
        "token_dialect": "some_future_dialect",
        "consent_policy": null,
        "token_encryption": null,
        "authorization_details": null,
        "proof_of_possession": { "mechanism": "future-mechanism", "required": false },
        "subject_type_authorization": {
            "user": { "policy": "future_policy", "anonymous_user": true },
            "client": { "policy": "require_client_grant" }
        },
        "token_lifetime_for_anonymous_access_tokens": 60,
        "require_consent_non_repudiation": true,
        "token_lifetime": 99_999_999_999_i64
    });
    let parsed: UpdateResourceServerResponseContent =
        serde_json::from_value(answer.clone()).unwrap();
    assert_eq!(
        parsed.signing_alg,
        Some(SigningAlgorithmEnum::Unknown("ES512".to_owned()))
    );
    assert_eq!(parsed.consent_policy, Nullable::Null);
    assert_eq!(parsed.token_encryption, Nullable::Null);
    assert_eq!(parsed.authorization_details, Nullable::Null);
    assert_eq!(parsed.name, None);
    let proof = parsed.proof_of_possession.value().unwrap();
    assert_eq!(proof.mechanism.as_str(), "future-mechanism");
    // Objects that allow other properties keep them.
    let user = parsed
        .subject_type_authorization
        .as_ref()
        .unwrap()
        .user
        .as_ref()
        .unwrap();
    assert_eq!(user.additional_properties["anonymous_user"], json!(true));

    // Everything the schema knows serializes back as it came, unknown enum values included;
    // top-level fields the schema does not list are not kept.
    let mut expected = answer;
    let object = expected.as_object_mut().unwrap();
    object.remove("token_lifetime_for_anonymous_access_tokens");
    object.remove("require_consent_non_repudiation");
    assert_eq!(serde_json::to_value(&parsed).unwrap(), expected);
}

#[test]
fn the_three_states_of_a_nullable_field_on_the_wire() {
    let absent = UpdateResourceServerRequestContent::default();
    assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");

    let cleared = UpdateResourceServerRequestContent {
        consent_policy: Nullable::Null,
        token_encryption: Nullable::Null,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&cleared).unwrap(),
        json!({ "consent_policy": null, "token_encryption": null })
    );

    let set = UpdateResourceServerRequestContent {
        consent_policy: Nullable::Value(
            ResourceServerConsentPolicyEnum::TransactionalAuthorizationWithMfa,
        ),
        scopes: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&set).unwrap(),
        json!({ "consent_policy": "transactional-authorization-with-mfa", "scopes": [] })
    );

    // And back: each state survives a JSON round trip.
    for value in [
        json!({}),
        json!({ "consent_policy": null }),
        json!({ "consent_policy": "transactional-authorization-with-mfa" }),
    ] {
        let parsed: UpdateResourceServerRequestContent =
            serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), value);
    }
    let parsed: UpdateResourceServerRequestContent =
        serde_json::from_value(json!({ "consent_policy": null })).unwrap();
    assert!(parsed.consent_policy.is_null());
    let parsed: UpdateResourceServerRequestContent = serde_json::from_value(json!({})).unwrap();
    assert!(parsed.consent_policy.is_absent());
}

fn rules(request: &UpdateResourceServerRequestContent) -> Vec<(String, Rule)> {
    match request.validate() {
        Ok(()) => Vec::new(),
        Err(error) => error
            .violations
            .into_iter()
            .map(|v| (v.path, v.rule))
            .collect(),
    }
}

#[test]
fn a_valid_request_passes() {
    let request = UpdateResourceServerRequestContent {
        name: Some("Payments API ✓".to_owned()),
        token_lifetime: Some(2_592_000),
        signing_secret: Some(SecretString::from("0123456789abcdef")),
        scopes: Some(vec![ResourceServerScope {
            value: "read:payments".to_owned(),
            description: None,
        }]),
        ..Default::default()
    };
    assert_eq!(rules(&request), vec![]);
}

#[test]
fn max_length_counts_characters_not_bytes() {
    // 200 three-byte characters: 600 bytes, but within the 200-character limit.
    let request = UpdateResourceServerRequestContent {
        name: Some("€".repeat(200)),
        ..Default::default()
    };
    assert_eq!(rules(&request), vec![]);
    let request = UpdateResourceServerRequestContent {
        name: Some("€".repeat(201)),
        ..Default::default()
    };
    assert_eq!(
        rules(&request),
        vec![("name".to_owned(), Rule::MaxLength(200))]
    );
}

#[test]
fn min_length_is_checked_and_secrets_are_not_shown() {
    let request = UpdateResourceServerRequestContent {
        signing_secret: Some(SecretString::from("too-short-secret"[..15].to_owned())),
        ..Default::default()
    };
    let error = request.validate().unwrap_err();
    assert_eq!(error.violations.len(), 1);
    assert_eq!(error.violations[0].path, "signing_secret");
    assert_eq!(error.violations[0].rule, Rule::MinLength(16));
    let shown = error.to_string();
    assert!(
        shown.contains("signing_secret") && shown.contains("at least 16"),
        "{shown}"
    );
    assert!(!shown.contains("too-short"), "the secret leaked: {shown}");
    assert!(!format!("{error:?}").contains("too-short"));
}

#[test]
fn pattern_is_checked() {
    let request = UpdateResourceServerRequestContent {
        name: Some("<script>".to_owned()),
        ..Default::default()
    };
    let error = request.validate().unwrap_err();
    assert_eq!(error.violations[0].rule, Rule::Pattern("^[^<>]+$"));
    assert!(error.to_string().contains("\"<script>\""), "{error}");
}

#[test]
fn minimum_and_maximum_are_checked() {
    let low = UpdateResourceServerRequestContent {
        token_lifetime: Some(-1),
        ..Default::default()
    };
    assert_eq!(
        rules(&low),
        vec![(
            "token_lifetime".to_owned(),
            Rule::Minimum {
                limit: 0.0,
                exclusive: false
            }
        )]
    );
    let high = UpdateResourceServerRequestContent {
        token_lifetime: Some(2_592_001),
        ..Default::default()
    };
    assert_eq!(
        rules(&high),
        vec![(
            "token_lifetime".to_owned(),
            Rule::Maximum {
                limit: 2_592_000.0,
                exclusive: false
            }
        )]
    );
}

#[test]
fn nested_objects_are_checked_with_their_paths() {
    let request = UpdateResourceServerRequestContent {
        scopes: Some(vec![
            ResourceServerScope {
                value: "ok".to_owned(),
                description: None,
            },
            ResourceServerScope {
                value: String::new(),
                description: Some("d".repeat(501)),
            },
        ]),
        token_encryption: Nullable::Value(ResourceServerTokenEncryption {
            format: ResourceServerTokenEncryptionFormatEnum::CompactNestedJwe,
            encryption_key: ResourceServerTokenEncryptionKey {
                name: None,
                alg: ResourceServerTokenEncryptionAlgorithmEnum::RsaOaep256,
                kid: Some(String::new()),
                pem: "x".repeat(4097),
            },
        }),
        authorization_policy: Nullable::Value(ResourceServerAuthorizationPolicy {
            policy_id: String::new(),
        }),
        ..Default::default()
    };
    assert_eq!(
        rules(&request),
        vec![
            ("scopes[1].value".to_owned(), Rule::MinLength(1)),
            ("scopes[1].description".to_owned(), Rule::MaxLength(500)),
            (
                "token_encryption.encryption_key.kid".to_owned(),
                Rule::MinLength(1)
            ),
            (
                "token_encryption.encryption_key.pem".to_owned(),
                Rule::MaxLength(4096)
            ),
            (
                "authorization_policy.policy_id".to_owned(),
                Rule::MinLength(1)
            ),
        ]
    );
}

#[test]
fn enum_values_the_spec_does_not_list_are_refused_in_requests() {
    let request = UpdateResourceServerRequestContent {
        signing_alg: Some(SigningAlgorithmEnum::from("none")),
        ..Default::default()
    };
    assert_eq!(
        rules(&request),
        vec![(
            "signing_alg".to_owned(),
            Rule::OneOf(SigningAlgorithmEnum::VALUES)
        )]
    );
}

#[test]
fn required_fields_of_nested_objects_are_required_when_parsing() {
    // The types make required fields non-optional; JSON that lacks one is refused, naming it.
    let error = serde_json::from_value::<UpdateResourceServerRequestContent>(json!({
        "token_encryption": { "format": "compact-nested-jwe", "encryption_key": { "alg": "RSA-OAEP-256" } }
    }))
    .unwrap_err();
    assert!(error.to_string().contains("missing field `pem`"), "{error}");
}

#[test]
fn debug_output_never_shows_secrets() {
    let request = UpdateResourceServerRequestContent {
        signing_secret: Some(SecretString::from("super-secret-signing-key")),
        ..Default::default()
    };
    let debug = format!("{request:?} {request:#?}");
    assert!(!debug.contains("super-secret-signing-key"), "{debug}");
    assert!(debug.contains("<redacted>"));
    // The secret is still sent.
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({ "signing_secret": "super-secret-signing-key" })
    );
}

#[test]
fn request_bodies_refuse_unknown_fields_naming_them_and_answers_keep_reading_them() {
    // The create and update bodies allow no other property (`additionalProperties: false`):
    // the server answers 400, so reading such JSON is already an error that names the field.
    let error = serde_json::from_value::<UpdateResourceServerRequestContent>(
        json!({ "name": "x", "nmae": "y" }),
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("unknown field `nmae`"),
        "{error}"
    );
    let error = serde_json::from_value::<CreateResourceServerRequestContent>(
        json!({ "identifier": "https://api.example.com/", "scopez": [] }),
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("unknown field `scopez`"),
        "{error}"
    );
    // An answer is read whatever the server adds later.
    let mut answer = seed_response();
    answer["token_lifetime_for_anonymous_access_tokens"] = json!(60);
    serde_json::from_value::<GetResourceServerResponseContent>(answer).unwrap();
}

#[test]
fn struct_reading_errors_name_the_field_as_serde_derive_does() {
    // Read from bytes (keys lent by the input), a reader and a `Value` (keys copied or moved):
    // the same value and the same errors.
    let body = r#"{"id":"rs_1","na\u006de":"escaped key","is_system":false}"#;
    let from_slice: GetResourceServerResponseContent =
        serde_json::from_slice(body.as_bytes()).unwrap();
    let from_reader: GetResourceServerResponseContent =
        serde_json::from_reader(body.as_bytes()).unwrap();
    let from_value: GetResourceServerResponseContent =
        serde_json::from_value(serde_json::from_str::<Value>(body).unwrap()).unwrap();
    assert_eq!(from_slice.name.as_deref(), Some("escaped key"));
    assert_eq!(from_slice, from_reader);
    assert_eq!(from_slice, from_value);

    let error =
        serde_json::from_str::<UpdateResourceServerRequestContent>(r#"{"name":"x","name":"y"}"#)
            .unwrap_err();
    assert_eq!(
        error.to_string(),
        "duplicate field `name` at line 1 column 18"
    );
    let error =
        serde_json::from_str::<UpdateResourceServerRequestContent>(r#"{"nmae":"y"}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("unknown field `nmae`, expected one of `name`, `scopes`, "),
        "{error}"
    );
    // Unlike serde's derive, which reads a struct from an array of its fields in order, an
    // array is refused: a JSON API sends objects.
    let error = serde_json::from_str::<GetResourceServerResponseContent>("[]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid type: sequence, expected struct GetResourceServerResponseContent at line 1 \
         column 2"
    );
}

/// What a struct's `Serialize` (`serde_struct!`) tells a serializer is what serde's derive with
/// `skip_serializing_if` tells it: the struct's name and how many fields follow, then the fields
/// in order, a field left out not written; a struct that keeps other properties is a map (as
/// `#[serde(flatten)]` makes it) with those after the fields.
#[test]
fn structs_serialize_as_serde_derive_does() {
    use serde_test::{assert_ser_tokens, Token};

    let mut error = ErrorResponseContent {
        status_code: 404,
        error: "Not Found".to_owned(),
        message: "No resource server".to_owned(),
        error_code: None,
    };
    let head = [
        Token::Str("statusCode"),
        Token::I64(404),
        Token::Str("error"),
        Token::Str("Not Found"),
        Token::Str("message"),
        Token::Str("No resource server"),
    ];
    let without_code = [
        &[Token::Struct {
            name: "ErrorResponseContent",
            len: 3,
        }][..],
        &head,
        &[Token::StructEnd],
    ]
    .concat();
    assert_ser_tokens(&error, &without_code);
    error.error_code = Some("inexistent_resource_server".to_owned());
    let with_code = [
        &[Token::Struct {
            name: "ErrorResponseContent",
            len: 4,
        }][..],
        &head,
        &[
            Token::Str("errorCode"),
            Token::Some,
            Token::Str("inexistent_resource_server"),
        ],
        &[Token::StructEnd],
    ]
    .concat();
    assert_ser_tokens(&error, &with_code);

    // Three states: left out is not written, `null` is written as `None`.
    let mut update = UpdateResourceServerRequestContent {
        token_lifetime: Some(60),
        ..Default::default()
    };
    let tokens = |consent: &[Token], len| {
        [
            &[Token::Struct {
                name: "UpdateResourceServerRequestContent",
                len,
            }][..],
            &[Token::Str("token_lifetime"), Token::Some, Token::I64(60)],
            consent,
            &[Token::StructEnd],
        ]
        .concat()
    };
    assert_ser_tokens(&update, &tokens(&[], 1));
    update.consent_policy = Nullable::Null;
    assert_ser_tokens(
        &update,
        &tokens(&[Token::Str("consent_policy"), Token::None], 2),
    );

    let mut kept = ResourceServerSubjectTypeAuthorizationClient {
        policy: Some(ResourceServerSubjectTypeAuthorizationClientPolicyEnum::DenyAll),
        ..Default::default()
    };
    kept.additional_properties
        .insert("later".to_owned(), json!(true));
    assert_ser_tokens(
        &kept,
        &[
            Token::Map { len: None },
            Token::Str("policy"),
            Token::Some,
            Token::Str("deny_all"),
            Token::Str("later"),
            Token::Bool(true),
            Token::MapEnd,
        ],
    );
}

/// A struct's fields are written as plain calls that keep the first error: that error is what
/// `serialize` returns, and nothing is written after it.
#[test]
fn a_write_error_is_returned_and_nothing_is_written_after_it() {
    /// Takes `room` bytes, then fails every write and counts the writes tried after the failure.
    struct Full {
        room: usize,
        written: Vec<u8>,
        tried_after: usize,
    }

    impl std::io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.written.len() + buf.len() > self.room {
                self.tried_after += 1;
                return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "full"));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let request = UpdateResourceServerRequestContent {
        name: Some("an API with a long enough name".to_owned()),
        token_lifetime: Some(60),
        skip_consent_for_verifiable_first_party_clients: Some(true),
        ..Default::default()
    };
    let whole = serde_json::to_vec(&request).unwrap();
    for room in [0, 9, 20, whole.len() - 1] {
        let mut out = Full {
            room,
            written: Vec::new(),
            tried_after: 0,
        };
        let error = serde_json::to_writer(&mut out, &request).unwrap_err();
        assert!(error.is_io(), "{error}");
        assert_eq!(
            out.tried_after, 1,
            "room {room}: one failed write, none after it"
        );
        assert_eq!(out.written, whole[..out.written.len()], "room {room}");
    }
    let mut out = Full {
        room: whole.len(),
        written: Vec::new(),
        tried_after: 0,
    };
    serde_json::to_writer(&mut out, &request).unwrap();
    assert_eq!(out.written, whole);
}
