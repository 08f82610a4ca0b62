from tests.factories import create_client


def test_create_and_delete_client(api):
    client = create_client(api)
    response = api.delete(f"/clients/{client['id']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["success"] is True
    assert body["data"]["client_status_id"] == 3
