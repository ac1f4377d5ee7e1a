//! The five resource-server operations against a real HTTP server on loopback (wiremock):
//! list (both answer shapes, and every page), create, get, delete, and their typed errors.

use futures::{StreamExt, TryStreamExt};
use generated_client::params::{GetResourceServerParams, ListResourceServersParams};
use generated_client::types::*;
use generated_client::{Client, Error};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .bearer_token("token")
        .build()
        .unwrap()
}

fn resource_server(n: usize) -> serde_json::Value {
    json!({ "id": format!("rs_{n}"), "identifier": format!("https://api{n}.example.com/"), "name": format!("API {n}") })
}

#[tokio::test]
async fn list_reads_the_plain_array_and_the_object_with_totals() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/resource-servers"))
        .and(query_param("include_totals", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "start": 0, "limit": 50, "total": 1, "resource_servers": [resource_server(1)]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/resource-servers"))
        .and(query_param_is_missing("include_totals"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([resource_server(1), resource_server(2)])),
        )
        .mount(&server)
        .await;
    let client = client(&server).await;
    let totals = client
        .list_resource_servers(&ListResourceServersParams {
            include_totals: Some(true),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ListResourceServerResponseContent::ListResourceServerOffsetPaginatedResponseContent(page) =
        totals
    else {
        panic!("expected the object with totals, got {totals:?}");
    };
    assert_eq!(page.total, Some(1.0));
    assert_eq!(
        page.resource_servers.unwrap()[0].id.as_deref(),
        Some("rs_1")
    );
    let plain = client
        .list_resource_servers(&ListResourceServersParams::default())
        .await
        .unwrap()
        .into_inner();
    let ListResourceServerResponseContent::ResourceServerList(list) = plain else {
        panic!("expected the plain array, got {plain:?}");
    };
    assert_eq!(list.len(), 2);
    // An empty page is the empty array, not an object with every field left out.
    let empty: ListResourceServerResponseContent = serde_json::from_value(json!([])).unwrap();
    assert_eq!(
        empty,
        ListResourceServerResponseContent::ResourceServerList(vec![])
    );
}

#[tokio::test]
async fn pages_are_walked_until_an_empty_page_with_every_argument_repeated() {
    let server = MockServer::start().await;
    // 5 items, 2 a page: pages 0, 1, 2 (short: a server may cap the size, so it is not taken as
    // the last) and 3 (empty, the end), and no request for page 4.
    for (page, items) in [(0, vec![1, 2]), (1, vec![3, 4]), (2, vec![5]), (3, vec![])] {
        let body = json!({
            "start": page * 2, "limit": 2, "total": 5,
            "resource_servers": items.into_iter().map(resource_server).collect::<Vec<_>>()
        });
        Mock::given(method("GET"))
            .and(path("/api/v2/resource-servers"))
            .and(query_param("page", page.to_string().as_str()))
            .and(query_param("per_page", "2"))
            .and(query_param("include_totals", "true"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server).await;
    let all = client
        .list_resource_servers_pages(ListResourceServersParams {
            per_page: Some(2),
            include_totals: Some(true),
            ..Default::default()
        })
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|rs| rs.id.clone().unwrap()).collect();
    assert_eq!(ids, ["rs_1", "rs_2", "rs_3", "rs_4", "rs_5"]);
}

#[tokio::test]
async fn pages_without_a_size_end_at_the_first_empty_page_and_stop_at_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([resource_server(1)])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let mut pages = client.list_resource_servers_pages(ListResourceServersParams::default());
    assert_eq!(pages.next_page().await.unwrap().unwrap().len(), 1);
    assert!(pages.next_page().await.is_none());
    assert!(
        pages.next_page().await.is_none(),
        "an ended walk stays ended"
    );

    let failing = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "statusCode": 403, "error": "Forbidden", "message": "Insufficient scope", "errorCode": "insufficient_scope"
        })))
        .expect(1)
        .mount(&failing)
        .await;
    let client = self::client(&failing).await;
    let mut pages = client.list_resource_servers_pages(ListResourceServersParams {
        per_page: Some(10),
        ..Default::default()
    });
    let error = pages.next_page().await.unwrap().unwrap_err();
    let Error::Api(api) = error else {
        panic!("an API error")
    };
    assert!(
        matches!(&api.body, ListResourceServersError::Forbidden(Some(body)) if body.error_code.as_deref() == Some("insufficient_scope"))
    );
    assert!(pages.next_page().await.is_none());
}

#[tokio::test]
async fn a_page_that_does_not_read_as_a_list_stops_the_walk_with_an_error_not_an_early_end() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([resource_server(1)])))
        .expect(1)
        .mount(&server)
        .await;
    // The second item's `token_lifetime` is not an integer: the page is neither of the list's
    // forms, so the plain call reads it as `Unknown`, and the walk must not take it as the end.
    let mut broken = resource_server(3);
    broken["token_lifetime"] = json!("a day");
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([resource_server(2), broken])))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let page_one = client
        .list_resource_servers(&ListResourceServersParams {
            page: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(matches!(
        page_one.into_inner(),
        ListResourceServerResponseContent::Unknown(_)
    ));

    let walk = client.list_resource_servers_pages(ListResourceServersParams::default());
    let error = walk.collect_all().await.unwrap_err();
    let Error::Decode {
        operation,
        status,
        body,
        ..
    } = &error
    else {
        panic!("a decode error, not {error:?}")
    };
    assert_eq!(*operation, "GET /resource-servers");
    assert_eq!(status.as_u16(), 200);
    assert!(body.contains("a day"), "{body}");
    assert_eq!(
        error.to_string(),
        "GET /resource-servers: HTTP 200 OK: the body is not the expected JSON: the answer is none of the forms of the list the spec declares"
    );
}

#[tokio::test]
async fn identifiers_are_repeated_and_per_page_is_checked_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let identifiers = ["https://a.example.com/".to_owned(), "urn:b".to_owned()];
    client
        .list_resource_servers(&ListResourceServersParams {
            identifiers: Some(identifiers.to_vec()),
            page: Some(0),
            per_page: Some(100),
            ..Default::default()
        })
        .await
        .unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        received.url.query(),
        Some("identifiers=https%3A%2F%2Fa.example.com%2F&identifiers=urn%3Ab&page=0&per_page=100")
    );
    for bad in [0, 101] {
        let error = client
            .list_resource_servers(&ListResourceServersParams {
                per_page: Some(bad),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Validation(v) if v.to_string().contains("per_page")),
            "{error}"
        );
    }
}

#[tokio::test]
async fn create_sends_the_body_and_requires_an_identifier_by_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/resource-servers"))
        .and(body_json(json!({ "identifier": "https://api.example.com/", "name": "Payments", "signing_alg": "RS256" })))
        .respond_with(ResponseTemplate::new(201).set_body_json(resource_server(1)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "statusCode": 409, "error": "Conflict", "message": "A resource server with the same identifier already exists"
        })))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let body = CreateResourceServerRequestContent {
        name: Some("Payments".to_owned()),
        signing_alg: Some(SigningAlgorithmEnum::Rs256),
        ..CreateResourceServerRequestContent::new("https://api.example.com/")
    };
    let created = client.create_resource_server(&body).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("rs_1"));
    let again = CreateResourceServerRequestContent { name: None, ..body };
    let Error::Api(api) = client.create_resource_server(&again).await.unwrap_err() else {
        panic!("an API error")
    };
    assert!(matches!(
        api.body,
        CreateResourceServerError::Conflict(Some(_))
    ));
}

#[tokio::test]
async fn get_and_delete_take_an_audience_as_one_path_segment() {
    let server = MockServer::start().await;
    let encoded = "/api/v2/resource-servers/https%3A%2F%2Fapi.example.com%2F";
    Mock::given(method("GET"))
        .and(path(encoded))
        .and(query_param("include_fields", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource_server(1)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(encoded))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/resource-servers/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "statusCode": 404, "error": "Not Found", "message": "The resource server does not exist", "errorCode": "inexistent_resource_server"
        })))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let found = client
        .get_resource_server(
            "https://api.example.com/",
            &GetResourceServerParams {
                include_fields: Some(true),
            },
        )
        .await
        .unwrap();
    assert_eq!(found.name.as_deref(), Some("API 1"));
    let deleted = client
        .delete_resource_server("https://api.example.com/")
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let Error::Api(api) = client
        .get_resource_server("missing", &GetResourceServerParams::default())
        .await
        .unwrap_err()
    else {
        panic!("an API error")
    };
    let GetResourceServerError::NotFound(Some(body)) = &api.body else {
        panic!("{:?}", api.body)
    };
    assert_eq!(
        body.error_code.as_deref(),
        Some("inexistent_resource_server")
    );
    assert!(matches!(
        client.delete_resource_server("..").await,
        Err(Error::Validation(_))
    ));
}

#[tokio::test]
async fn pages_are_a_stream_that_stops_asking_when_the_caller_stops() {
    let server = MockServer::start().await;
    // Pages 0 and 1 hold 2 items each; a walk that takes 3 items needs both and nothing more.
    // (Page 1 is asked for again by the second walk below, which starts there.)
    for (page, times) in [(0, 1), (1, 2)] {
        Mock::given(method("GET"))
            .and(query_param("page", page.to_string().as_str()))
            .and(query_param("per_page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                resource_server(2 * page + 1),
                resource_server(2 * page + 2)
            ])))
            .expect(times)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([resource_server(5)])))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let params = ListResourceServersParams {
        per_page: Some(2),
        ..Default::default()
    };
    let first_three: Vec<ResourceServer> = client
        .list_resource_servers_pages(params.clone())
        .take(3)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = first_three
        .iter()
        .map(|rs| rs.id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["rs_1", "rs_2", "rs_3"]);

    // A walk can start at the page the parameters name, and mix pages and items: the items of a
    // page the stream has fetched but not yielded come first.
    let mut walk = client.list_resource_servers_pages(ListResourceServersParams {
        page: Some(1),
        ..params
    });
    let third = walk.next().await.unwrap().unwrap();
    assert_eq!(third.id.as_deref(), Some("rs_3"));
    let rest_of_page = walk.next_page().await.unwrap().unwrap();
    assert_eq!(rest_of_page.len(), 1);
    assert_eq!(rest_of_page[0].id.as_deref(), Some("rs_4"));
    server.verify().await;
}
