"""The production compose file cannot run here (no Docker engine); check its structure."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_neo4j_with_plugins_and_the_api_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j, api = compose["services"]["neo4j"], compose["services"]["api"]
    assert neo4j["image"].startswith("neo4j:5.26")
    assert "apoc" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert "graph-data-science" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert {"healthcheck", "volumes"} <= set(neo4j)
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "healthcheck" in api
    assert set(compose["volumes"]) >= {"neo4j-data"}


def test_compose_takes_secrets_from_the_environment():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["api"]["environment"]
    assert environment["AIM_NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")
    assert environment["AIM_JWT_SECRET"].startswith("${AIM_JWT_SECRET:?")
    assert environment["AIM_BACKUP_KEY"].startswith("${AIM_BACKUP_KEY:?")
    assert compose["services"]["neo4j"]["environment"]["NEO4J_AUTH"] == "neo4j/${NEO4J_PASSWORD:?set NEO4J_PASSWORD}"


def test_only_the_tls_proxy_publishes_ports_and_the_api_is_on_an_internal_network():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services, networks = compose["services"], compose["networks"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert sorted(services["proxy"]["ports"]) == ["443:443", "80:80"]
    assert services["api"]["networks"] == ["backend"]
    assert networks["backend"]["internal"] is True
    assert set(services["proxy"]["networks"]) == {"backend", "outbound"}
    assert not (networks["outbound"] or {}).get("internal")
    assert services["proxy"]["image"].startswith("caddy:2")
    assert services["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


def test_the_api_believes_forwarded_headers_from_the_proxy_only_and_runs_in_production_mode():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    api, proxy = compose["services"]["api"], compose["services"]["proxy"]
    proxy_address = proxy["networks"]["backend"]["ipv4_address"]
    assert api["environment"]["AIM_FORWARDED_ALLOW_IPS"] == proxy_address
    subnet = compose["networks"]["backend"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_address) in ipaddress.ip_network(subnet)
    assert api["environment"]["AIM_ENV"] == "production"


def test_the_proxy_redirects_http_sets_security_headers_and_forwards_to_the_api():
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    plain, tls = caddyfile.split("http://{$AIM_SITE_ADDRESS} {", 1)[1].split("https://{$AIM_SITE_ADDRESS} {", 1)
    assert "redir https://{host}{uri} 308" in plain and "reverse_proxy" not in plain
    assert "tls {$AIM_TLS}" in tls
    assert 'Strict-Transport-Security "max-age=63072000; includeSubDomains"' in tls
    assert "reverse_proxy api:8000" in tls
    assert "admin off" in caddyfile
    proxy_environment = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["proxy"]["environment"]
    assert proxy_environment["AIM_SITE_ADDRESS"].startswith("${AIM_SITE_ADDRESS:?")


def test_the_api_keeps_its_audit_copy_and_retention_logs_on_a_volume():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "ENV AIM_HOME=/var/lib/aim" in dockerfile and "chown aim /var/lib/aim" in dockerfile
    assert "aim-data:/var/lib/aim" in compose["services"]["api"]["volumes"]
    assert "aim-data" in compose["volumes"]
